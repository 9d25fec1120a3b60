// A platform's program against the installed package only (C++17, public headers): hashes pixels,
// keeps a list in a HashStore, scans decoded pixels and known hashes with a Scanner (per-call
// parameters, cancellation, a stage observer), writes the report and the audit trail.
#include <hashsieve/audit_trail.h>
#include <hashsieve/hash256.h>
#include <hashsieve/hash_store.h>
#include <hashsieve/pdq.h>
#include <hashsieve/scan_report.h>
#include <hashsieve/scanner.h>
#include <hashsieve/version.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace hs = hashsieve;

namespace {

int fail(const char* what, const hs::Status& st = {}) {
  std::fprintf(stderr, "consumer: %s %s\n", what, st.to_string().c_str());
  return 1;
}

struct CountStages : hs::ScanObserver {
  int calls = 0;
  void on_stage(uint64_t, hs::ScanStage, double) noexcept override { ++calls; }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return fail("usage: consumer SCRATCH_DIR");
  const std::string dir = argv[1];
  if (std::string(hs::version().string) != HASHSIEVE_VERSION_STRING) return fail("version mismatch");

  const int w = 97, h = 61;
  std::vector<unsigned char> rgb(size_t(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) rgb[(size_t(y) * w + x) * 3 + c] = (unsigned char)((x * 7 + y * 13 + c * 50) ^ (x * y));
  const hs::ImageView img{rgb.data(), w, h, size_t(w) * 3, hs::PixelFormat::kRGB8};
  hs::PdqHasher hasher;
  auto r = hasher.hash(img);
  if (!r.ok()) return fail("hash", r.status());
  const std::string hex = hs::to_hex(r->hash);
  auto back = hs::parse_hex(hex);
  if (!back.ok() || *back != r->hash || r->hash.popcount() < 100) return fail("hex round trip");
  auto tiny = hasher.hash(hs::ImageView{rgb.data(), 4, 4, size_t(w) * 3, hs::PixelFormat::kRGB8});
  if (tiny.ok() || tiny.status().code() != hs::StatusCode::kImageTooSmall) return fail("tiny image accepted");

  // A list holding this image's hash.
  auto store = hs::HashStore::Open(dir + "/db");
  if (!store.ok()) return fail("open store", store.status());
  if (auto l = (*store)->create_list("known", 31, "consumer"); !l.ok()) return fail("create list", l.status());
  hs::ListEntry e;
  e.entry_id = "K-1";
  e.has_hash = true;
  e.hash = r->hash;
  e.quality = r->quality;
  if (auto s = (*store)->import_batch("known", {e}); !s.ok()) return fail("import", s.status());

  hs::ScanOptions options;
  options.min_quality = 0;
  auto scanner = hs::Scanner::Create(**store, options);
  if (!scanner.ok()) return fail("scanner", scanner.status());
  const hs::Scanner& s = **scanner;

  CountStages stages;
  hs::ScanCall call;
  call.observer = &stages;
  const hs::ScanResult pixels = s.scan_image(img, call);
  if (pixels.outcome != hs::ScanOutcome::kMatch || pixels.matches.at(0).entry_id != "K-1" || stages.calls < 2)
    return fail("scan_image did not match", pixels.status);
  if (s.match_hash(r->hash).outcome != hs::ScanOutcome::kMatch) return fail("match_hash did not match");
  hs::ScanCall unknown_list;
  unknown_list.lists = {"absent"};
  if (s.match_hash(r->hash, -1, unknown_list).status.code() != hs::StatusCode::kInvalidArgument)
    return fail("unknown list accepted");
  hs::CancelToken token;
  token.cancel();
  hs::ScanCall cancelled;
  cancelled.cancel = &token;
  if (s.scan_image(img, cancelled).status.code() != hs::StatusCode::kCancelled) return fail("not cancelled");
  const unsigned char junk[] = {0xff, 0xd8, 0xff, 0x00};
  if (s.scan_buffer(junk, sizeof junk).status.code() != hs::StatusCode::kDecodeFailed) return fail("junk decoded");

  hs::ReportOptions csv;
  csv.format = hs::ReportFormat::kCsv;
  hs::ScanResult named = pixels;
  named.path = "=evil.png";
  auto line = hs::format_scan_result(named, csv);
  if (!line.ok() || line->rfind("'=evil.png,match,known,K-1,", 0) != 0) return fail("csv report line");

  {
    hs::AuditTrail audit(store->get(), "consumer", "batch-1");
    audit.record(named);
    if (auto st = audit.finish(s.generation(), options, hs::AuditCounts{1, 1, 0, 0}); !st.ok()) return fail("audit", st);
  }
  int records = 0;
  if (auto st = (*store)->for_each_audit([&](int64_t, const std::string&) { return ++records > 0; }); !st.ok())
    return fail("read audit", st);
  if (records != 2) return fail("audit records");

  std::printf("%s %d\n", hex.c_str(), r->quality);
  return 0;
}
