// `hashsieve scan`: the main job. Upload files in, a report of what matches known lists out.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "engine/scan_report.h"
#include "hashsieve/hash_store.h"
#include "hashsieve/scanner.h"
#include "tools/commands.h"
#include "tools/exit_codes.h"
#include "tools/image_job_options.h"
#include "tools/input_paths.h"
#include "tools/scan_audit.h"
#include "tools/scan_state.h"
#include "tools/store_open.h"

namespace hashsieve::cli {
namespace {

constexpr const char* kUsage = R"(usage: hashsieve scan [options] PATH...

Hashes every image (files, directories walked recursively in sorted order, --files-from) with PDQ,
its eight rotations and mirrors included, and reports those that match the store's hash lists.

options:
  --db DIR               hash-list database (default ./hashsieve.db)
  --key-file FILE        key of an encrypted database (default: the file HASHSIEVE_KEY_FILE names)
  --lists A,B            lists to match (default: all)
  --radius R             match radius 0..256 for every list (default: each list's own)
  --list-radius NAME=R   radius for one list (repeatable)
  --allow FILE           entries never to report, one "list,entry_id" a line (e.g. confirmed false positives)
  --min-quality Q        items scoring below are reported as low_quality and not matched (default 50)
  --match-low-quality    match them anyway
  --no-dihedral          match the image as uploaded only
  --fast                 hash large JPEGs from block means of their luma (DCT domain):
                         several times faster, results marked "canonical":false
  --emit-hashes          also report non-matching items, and every item's hash
  --format jsonl|csv     report format (default jsonl)
  --report FILE          write the report to FILE instead of stdout
  --state FILE           resumable: record progress in FILE and skip what it says is done
  --files-from FILE      also read paths from FILE ("-" = stdin); -0 / --null: NUL-separated
  --threads N            worker threads (default: all cores)
  --simd auto|scalar|avx2, --flavor fullres|cli512, --max-pixels N, --constant-time
  --audit                record the batch and its matches in the database's append-only audit log
  --operator NAME        who runs the scan, for the audit log (default: $USER)
  --batch ID             batch id for the audit log (default: start time and process id)
  --strict               items that cannot be scanned make the exit status 2
  -q, --quiet            no diagnostics;  -v, --verbose  more

exit status: 0 something matched, 1 nothing matched, 2 error (usage, database; with --strict, any
item that could not be scanned)
)";

struct Options {
  ImageJobOptions job;
  std::string db = "hashsieve.db", key_file, report_file, state_file, allow_file;
  std::string operator_name, batch_id;
  bool strict = false, audit = false;
  ScanOptions scan;
  ReportOptions report;
};

int usage_error(const std::string& msg) { return report_usage_error("scan", msg); }

int parse(int argc, char** argv, Options& o) {
  ArgReader a(argc, argv);
  std::string v, err;
  long n;
  while (!a.done()) {
    if (a.option("--help") || a.option("-h")) {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
    switch (take_image_job_option(a, o.job, err)) {
      case OptionTake::kTaken: continue;
      case OptionTake::kBad: return usage_error(err);
      case OptionTake::kNotMine: break;
    }
    if (a.option("--db")) {
      if (!a.value(o.db)) return usage_error("--db needs a directory");
    } else if (a.option("--key-file")) {
      if (!a.value(o.key_file)) return usage_error("--key-file needs a file");
    } else if (a.option("--lists")) {
      if (!a.value(v) || v.empty()) return usage_error("--lists needs names");
      o.scan.lists = split_commas(v);
    } else if (a.option("--radius")) {
      if (!a.value(v) || !parse_int(v, 0, 256, n)) return usage_error("--radius takes 0..256");
      o.scan.radius = int(n);
    } else if (a.option("--list-radius")) {
      const size_t eq = a.value(v) ? v.rfind('=') : std::string::npos;
      if (eq == std::string::npos || !parse_int(v.substr(eq + 1), 0, 256, n))
        return usage_error("--list-radius takes NAME=R with R in 0..256");
      o.scan.list_radius.emplace_back(v.substr(0, eq), int(n));
    } else if (a.option("--allow")) {
      if (!a.value(o.allow_file)) return usage_error("--allow needs a file");
    } else if (a.option("--min-quality")) {
      if (!a.value(v) || !parse_int(v, 0, 100, n)) return usage_error("--min-quality takes 0..100");
      o.scan.min_quality = int(n);
    } else if (a.option("--match-low-quality")) {
      o.scan.match_low_quality = true;
    } else if (a.option("--no-dihedral")) {
      o.scan.dihedral = false;
    } else if (a.option("--fast")) {
      o.scan.decode = DecodeMode::kFastJpeg;
    } else if (a.option("--emit-hashes")) {
      o.report.emit_hashes = true;
    } else if (a.option("--format")) {
      if (!a.value(v) || (v != "jsonl" && v != "csv")) return usage_error("--format takes jsonl or csv");
      o.report.format = v == "csv" ? ReportFormat::kCsv : ReportFormat::kJsonl;
    } else if (a.option("--report")) {
      if (!a.value(o.report_file)) return usage_error("--report needs a file");
    } else if (a.option("--state")) {
      if (!a.value(o.state_file)) return usage_error("--state needs a file");
    } else if (a.option("--constant-time")) {
      o.scan.constant_time = true;
    } else if (a.option("--audit")) {
      o.audit = true;
    } else if (a.option("--operator")) {
      if (!a.value(o.operator_name) || o.operator_name.empty()) return usage_error("--operator needs a name");
    } else if (a.option("--batch")) {
      if (!a.value(o.batch_id) || o.batch_id.empty()) return usage_error("--batch needs an id");
    } else if (a.option("--strict")) {
      o.strict = true;
    } else {
      return usage_error(std::string("unknown option ") + a.current());
    }
  }
  if (std::string e = missing_input_error(o.job); !e.empty()) return usage_error(e);
  o.scan.threads = o.job.threads;
  o.scan.simd = o.job.simd;
  o.scan.flavor = o.job.flavor;
  if (o.job.max_pixels) o.scan.limits.max_pixels = o.job.max_pixels;
  return -1;
}

bool load_allow_file(const std::string& file, ScanOptions& scan, std::string& error) {
  std::ifstream in(file);
  if (!in) {
    error = "cannot read allow file " + file;
    return false;
  }
  std::string line;
  for (int no = 1; std::getline(in, line); ++no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const size_t comma = line.find(',');
    if (comma == std::string::npos || comma == 0 || comma + 1 == line.size()) {
      error = file + ":" + std::to_string(no) + ": expected list,entry_id";
      return false;
    }
    scan.allow.emplace_back(line.substr(0, comma), line.substr(comma + 1));
  }
  return true;
}

struct Counters {
  uint64_t items = 0, matched = 0, low_quality = 0, failed = 0;
};

}  // namespace

int run_scan(int argc, char** argv) {
  Options o;
  if (int rc = parse(argc, argv, o); rc >= 0) return rc;
  std::string err;
  if (!o.allow_file.empty() && !load_allow_file(o.allow_file, o.scan, err)) return usage_error(err);

  ScanState state;
  if (!o.state_file.empty() && !load_scan_state(o.state_file, state, err)) return usage_error(err);

  StoreOptions so;
  so.create_if_missing = false;
  so.read_only = true;  // a reader of the lists; the audit log is its own instance
  so.key_file = store_key_file(o.key_file);
  auto store = HashStore::Open(o.db, so);
  if (!store.ok()) {
    std::fprintf(stderr, "hashsieve scan: cannot open database %s: %s\n", o.db.c_str(), store.status().to_string().c_str());
    return kExitUsage;
  }
  auto scanner = Scanner::Create(**store, o.scan);
  if (!scanner.ok()) {
    std::fprintf(stderr, "hashsieve scan: %s\n", scanner.status().to_string().c_str());
    return kExitUsage;
  }
  const GenerationInfo gen = (*scanner)->generation();
  if (o.job.verbose) {
    std::fprintf(stderr, "index generation %llu: %zu entries in %zu lists\n", (unsigned long long)gen.number,
                 gen.entries, gen.lists.size());
  }

  std::FILE* out = stdout;
  if (!o.report_file.empty()) {
    out = open_private_file(o.report_file, state.done ? "ab" : "wb");
    if (!out) return usage_error("cannot write report file " + o.report_file);
  }
  if (!state.done) std::fputs(scan_report_header(o.report).c_str(), out);

  InputPaths inputs(o.job.paths, o.job.files_from, o.job.nul);
  uint64_t seen = 0;
  std::string last_reported;
  bool state_mismatch = false;
  auto next = [&](FileInput& in) {
    std::string walk_error;
    // Resume: skip what the state file says is done, checking it is the same queue.
    while (seen < state.done) {
      if (!inputs.next(in.path, walk_error)) return false;
      if (++seen == state.done && in.path != state.last_path) {
        state_mismatch = true;
        return false;
      }
    }
    if (!inputs.next(in.path, walk_error)) return false;
    ++seen;
    if (!walk_error.empty()) in.error = Status(StatusCode::kIoError, walk_error);
    return true;
  };

  const uint64_t resumed_from = state.done;
  AuditTrail audit(o.audit ? store->get() : nullptr, o.operator_name, o.batch_id, o.state_file, resumed_from);
  if (Status as = audit.start(); !as.ok()) {
    std::fprintf(stderr, "hashsieve scan: %s\n", as.to_string().c_str());
    return kExitUsage;
  }
  Counters c;
  const bool progress = !o.job.quiet && ::isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  auto last_save = start;
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  bool state_failed = false;
  auto sink = [&](const ScanResult& r) {
    ++c.items;
    switch (r.outcome) {
      case ScanOutcome::kMatch: ++c.matched; break;
      case ScanOutcome::kLowQuality: ++c.low_quality; break;
      case ScanOutcome::kError:
        ++c.failed;
        if (!o.job.quiet) std::fprintf(stderr, "%s%s: %s\n", progress ? "\r\033[K" : "", r.path.c_str(), r.status.to_string().c_str());
        break;
      case ScanOutcome::kNoMatch: break;
    }
    std::fputs(format_scan_result(r, o.report).c_str(), out);
    audit.record(r);
    const auto now = std::chrono::steady_clock::now();
    if (!o.state_file.empty() && now - last_save > std::chrono::seconds(1)) {
      std::fflush(out);
      ScanState s{resumed_from + c.items, r.path};  // items arrive in order: all before are reported
      // The audit records of those items are stored before the state says they are done.
      Status as = audit.checkpoint(s.done, AuditCounts{c.items, c.matched, c.low_quality, c.failed});
      if (!as.ok()) err = as.to_string();
      if (!as.ok() || !save_scan_state(o.state_file, s, err)) state_failed = true;
      last_save = now;
    }
    if (progress && c.items % 16 == 0) {
      std::fprintf(stderr, "\r\033[Kscanned %llu  matched %llu  failed %llu  %.1f img/s", (unsigned long long)c.items,
                   (unsigned long long)c.matched, (unsigned long long)c.failed, c.items / std::max(elapsed(), 1e-9));
    }
    last_reported = r.path;
  };
  Status st = (*scanner)->scan_files(next, sink);
  std::fflush(out);
  if (progress) std::fputs("\r\033[K", stderr);
  if (state_mismatch) {
    std::fprintf(stderr, "hashsieve scan: the state file %s does not match these inputs (item %llu differs)\n",
                 o.state_file.c_str(), (unsigned long long)resumed_from);
    return kExitUsage;
  }
  if (!o.state_file.empty() && st.ok()) {
    if (Status as = audit.checkpoint(resumed_from + c.items, AuditCounts{c.items, c.matched, c.low_quality, c.failed});
        !as.ok()) {
      err = as.to_string();
      state_failed = true;
    } else if (!save_scan_state(o.state_file, ScanState{resumed_from + c.items, last_reported.empty() ? state.last_path : last_reported}, err))
      state_failed = true;
  }
  if (out != stdout && std::fclose(out) != 0) st = Status(StatusCode::kIoError, "cannot write the report");
  if (st.ok()) st = audit.finish(gen, o.scan, AuditCounts{c.items, c.matched, c.low_quality, c.failed});
  const double secs = elapsed();
  if (!o.job.quiet) {
    std::fprintf(stderr, "scanned %llu items in %.2f s (%.1f images/s): %llu matched, %llu low quality, %llu failed%s\n",
                 (unsigned long long)c.items, secs, c.items / std::max(secs, 1e-9), (unsigned long long)c.matched,
                 (unsigned long long)c.low_quality, (unsigned long long)c.failed,
                 resumed_from ? (" (resumed after " + std::to_string(resumed_from) + ")").c_str() : "");
  }
  if (!st.ok()) {
    std::fprintf(stderr, "hashsieve scan: %s\n", st.to_string().c_str());
    return kExitUsage;
  }
  if (state_failed) {
    std::fprintf(stderr, "hashsieve scan: %s\n", err.c_str());
    return kExitUsage;
  }
  if (o.strict && c.failed) return kExitUsage;
  return c.matched ? kExitOk : kExitPartial;
}

}  // namespace hashsieve::cli
