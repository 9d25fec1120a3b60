// Exact matches in scans: the scanner digests each upload's bytes with the kinds the selected
// lists hold, matches them exactly beside PDQ, names the signal in results and reports, matches
// files that are not images by their digests, and forgets withdrawn digest-only entries.
#include <gtest/gtest.h>

#include <fstream>

#include "engine/index_generation.h"
#include "engine/item_scan.h"
#include "hashsieve/hash_store.h"
#include "hashsieve/scan_report.h"
#include "hashsieve/scanner.h"
#include "tests/support/coreutils_digest.h"
#include "tests/support/test_data.h"
#include "temp_dir.h"

namespace hashsieve {
namespace {

using testing::coreutils_digest;
using testing::TempDir;

const std::string kImages = testing::data_path("pdq-vectors/images/");
const std::string kPhoto = kImages + "photo-astronaut.png";

// Bytes that no decoder takes: the start of an MP4 and noise.
std::string write_video(const TempDir& dir, const std::string& name, size_t size = 100000) {
  std::string bytes("\0\0\0\x18" "ftypmp42", 12);
  for (size_t i = bytes.size(); i < size; ++i) bytes.push_back(char((i * 2654435761u) >> 13));
  const std::string path = dir / name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

Hash256 pdq_of(const std::string& path) {
  auto bytes = testing::read_file(path);
  auto img = decode_image(bytes.data(), bytes.size());
  EXPECT_TRUE(img.ok());
  return PdqHasher().hash(img->view())->hash;
}

void add_list(EntrySnapshot& snap, const std::string& name) {
  SnapshotList l;
  l.list_id = uint32_t(snap.lists.size() + 1);
  l.name = name;
  l.first = uint32_t(snap.size());
  snap.lists.push_back(l);
}

Digests one_digest(int kind, const std::string& path) {
  Digests d;
  d.bytes[size_t(kind)] = coreutils_digest(kind, path);
  EXPECT_EQ(d.bytes[size_t(kind)].size(), kDigestSizes[kind]);
  return d;
}

std::unique_ptr<Scanner> scanner_of(EntrySnapshot snap, ScanOptions o = {}) {
  auto s = Scanner::Create(std::move(snap), o);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  return std::move(*s);
}

TEST(ExactSignalsScan, EachDigestKindMatchesTheUploadsBytes) {
  for (int kind = 0; kind < kDigestKinds; ++kind) {
    EntrySnapshot snap;
    add_list(snap, "exact");
    snap.add_digests(one_digest(kind, kPhoto), "photo", R"({"member":"M"})");
    auto s = scanner_of(std::move(snap));
    const ScanResult r = s->scan_file(kPhoto);
    ASSERT_EQ(r.outcome, ScanOutcome::kMatch) << kind << " " << r.status.to_string();
    ASSERT_EQ(r.matches.size(), 1u);
    EXPECT_EQ(r.matches[0].signal, digest_signal(kind));
    EXPECT_EQ(r.matches[0].entry_id, "photo");
    EXPECT_EQ(r.matches[0].distance, 0);
    EXPECT_EQ(r.matches[0].metadata, R"({"member":"M"})");
    EXPECT_GT(r.quality, 0);  // the image was hashed too
    // The same through a buffer; a different file does not match.
    auto bytes = testing::read_file(kPhoto);
    EXPECT_EQ(s->scan_buffer(bytes.data(), bytes.size()).outcome, ScanOutcome::kMatch);
    EXPECT_EQ(s->scan_file(kImages + "photo-coffee.png").outcome, ScanOutcome::kNoMatch);
  }
}

TEST(ExactSignalsScan, MixedPdqAndDigestListsReportBothSignals) {
  TempDir dir;
  // A recompressed copy matches by PDQ only; the original file by PDQ and by its MD5.
  EntrySnapshot snap;
  add_list(snap, "pdq");
  snap.add(pdq_of(kPhoto), "astro");
  add_list(snap, "videos");
  const std::string video = write_video(dir, "clip.mp4");
  snap.add_digests(one_digest(0, video), "clip");
  snap.add_digests(one_digest(0, kPhoto), "astro-file");
  auto s = scanner_of(std::move(snap));
  EXPECT_EQ(s->generation().digest_entries, 2u);

  const ScanResult r = s->scan_file(kPhoto);
  ASSERT_EQ(r.outcome, ScanOutcome::kMatch);
  ASSERT_EQ(r.matches.size(), 2u);
  EXPECT_EQ(r.matches[0].list, "pdq");
  EXPECT_EQ(r.matches[0].signal, Signal::kPdq);
  EXPECT_EQ(r.matches[1].list, "videos");
  EXPECT_EQ(r.matches[1].signal, Signal::kMd5);

  const ScanResult edit = s->scan_file(kImages + "photo-astronaut-q85.jpg");
  ASSERT_EQ(edit.outcome, ScanOutcome::kMatch);
  ASSERT_EQ(edit.matches.size(), 1u);
  EXPECT_EQ(edit.matches[0].signal, Signal::kPdq);

  // Per-call lists: only the PDQ list selected, nothing is digested or matched exactly.
  ScanCall only_pdq;
  only_pdq.lists = {"pdq"};
  const ScanResult p = s->scan_file(kPhoto, only_pdq);
  ASSERT_EQ(p.matches.size(), 1u);
  EXPECT_EQ(p.matches[0].signal, Signal::kPdq);

  // Reports name the signal: JSONL on every match line, CSV in its last column.
  auto jsonl = format_scan_result(r, {});
  ASSERT_TRUE(jsonl.ok());
  EXPECT_NE(jsonl->find("\"transform\":\"orig\",\"signal\":\"pdq\""), std::string::npos) << *jsonl;
  EXPECT_NE(jsonl->find("\"entry_id\":\"astro-file\",\"distance\":0,\"signal\":\"md5\""), std::string::npos) << *jsonl;
  ReportOptions csv;
  csv.format = ReportFormat::kCsv;
  EXPECT_EQ(std::string(scan_report_header(csv)).substr(std::string(scan_report_header(csv)).size() - 8), ",signal\n");
  auto lines = format_scan_result(r, csv);
  ASSERT_TRUE(lines.ok());
  EXPECT_NE(lines->find(",pdq\n"), std::string::npos) << *lines;
  EXPECT_NE(lines->find(",md5\n"), std::string::npos) << *lines;
}

TEST(ExactSignalsScan, OnlyTheKindsTheSelectedListsHoldAreComputed) {
  EntrySnapshot snap;
  add_list(snap, "a");
  snap.add_digests(one_digest(0, kPhoto), "x");
  add_list(snap, "b");
  snap.add_digests(one_digest(3, kPhoto), "y");
  add_list(snap, "c");
  snap.add(pdq_of(kPhoto), "z");
  ScanOptions o;
  auto gen = build_generation(std::move(snap), o, 1);
  ASSERT_TRUE(gen.ok());
  auto kinds = [&](std::vector<std::string> lists) {
    ScanCall call;
    call.lists = std::move(lists);
    auto plan = plan_match(*gen, o, call, nullptr);
    EXPECT_TRUE(plan.ok());
    return plan->digest_kinds;
  };
  EXPECT_EQ(kinds({}), DigestMask(1 | 8));
  EXPECT_EQ(kinds({"a"}), DigestMask(1));
  EXPECT_EQ(kinds({"b", "c"}), DigestMask(8));
  EXPECT_EQ(kinds({"c"}), DigestMask(0));
}

TEST(ExactSignalsScan, NonImageIsMatchedByItsDigestsOrIsAnErrorWhenNothingApplies) {
  TempDir dir;
  const std::string video = write_video(dir, "clip.mp4");
  const std::string other = write_video(dir, "other.mp4", 5000);
  EntrySnapshot snap;
  add_list(snap, "pdq");
  snap.add(pdq_of(kPhoto), "astro");
  add_list(snap, "videos");
  snap.add_digests(one_digest(0, video), "clip", R"({"type":"video"})");
  auto s = scanner_of(std::move(snap));

  ScanResult r = s->scan_file(video);
  ASSERT_EQ(r.outcome, ScanOutcome::kMatch) << r.status.to_string();
  ASSERT_EQ(r.matches.size(), 1u);
  EXPECT_EQ(r.matches[0].entry_id, "clip");
  EXPECT_EQ(r.matches[0].signal, Signal::kMd5);
  EXPECT_EQ(r.image_status.code(), StatusCode::kDecodeFailed);
  auto line = format_scan_result(r, {});
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->find("\"quality\""), std::string::npos) << *line;  // no image, no quality

  // A digest list applied: another non-image is a plain no-match, not an error.
  r = s->scan_file(other);
  EXPECT_EQ(r.outcome, ScanOutcome::kNoMatch);
  EXPECT_TRUE(r.status.ok());
  EXPECT_FALSE(r.image_status.ok());

  // Only the PDQ list: nothing applies to a video, so it is an error item, as before.
  ScanCall pdq_only;
  pdq_only.lists = {"pdq"};
  r = s->scan_file(video, pdq_only);
  EXPECT_EQ(r.outcome, ScanOutcome::kError);
  EXPECT_EQ(r.status.code(), StatusCode::kDecodeFailed);

  // A missing file is an error whatever the lists.
  r = s->scan_file(dir / "missing.mp4");
  EXPECT_EQ(r.outcome, ScanOutcome::kError);

  // Batches: the same per item.
  std::vector<std::string> paths = {video, other, kPhoto};
  size_t next = 0;
  std::vector<ScanResult> got;
  ASSERT_TRUE(s->scan_files([&](FileInput& in) {
                   if (next == paths.size()) return false;
                   in.path = paths[next++];
                   return true;
                 },
                 [&](const ScanResult& res) { got.push_back(res); })
                  .ok());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].outcome, ScanOutcome::kMatch);
  EXPECT_EQ(got[1].outcome, ScanOutcome::kNoMatch);
  EXPECT_EQ(got[2].outcome, ScanOutcome::kMatch);
}

TEST(ExactSignalsScan, FileOverTheByteLimitIsDigestedAsAStream) {
  TempDir dir;
  const std::string video = write_video(dir, "big.mp4", 3 << 20);
  EntrySnapshot snap;
  add_list(snap, "videos");
  snap.add_digests(one_digest(2, video), "big");
  ScanOptions o;
  o.limits.max_bytes = 1 << 20;  // the file is three times that
  auto s = scanner_of(std::move(snap), o);
  const ScanResult r = s->scan_file(video);
  ASSERT_EQ(r.outcome, ScanOutcome::kMatch) << r.status.to_string();
  EXPECT_EQ(r.matches[0].signal, Signal::kSha256);
  EXPECT_EQ(r.image_status.code(), StatusCode::kImageTooLarge);
}

TEST(ExactSignalsScan, AllowListAppliesToExactMatches) {
  TempDir dir;
  const std::string video = write_video(dir, "clip.mp4");
  EntrySnapshot snap;
  add_list(snap, "videos");
  snap.add_digests(one_digest(0, video), "clip");
  ScanOptions o;
  o.allow = {{"videos", "clip"}};
  auto s = scanner_of(std::move(snap), o);
  EXPECT_EQ(s->scan_file(video).outcome, ScanOutcome::kNoMatch);
}

TEST(ExactSignalsScan, WithdrawnDigestOnlyEntryStopsMatchingAfterReload) {
  TempDir dir;
  const std::string video = write_video(dir, "clip.mp4");
  auto store = HashStore::Open(dir / "db");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->create_list("videos").ok());
  ListEntry e;
  e.entry_id = "clip";
  e.digests = one_digest(1, video);
  ASSERT_TRUE((*store)->import_batch("videos", {e}).ok());
  auto s = Scanner::Create(**store, {});
  ASSERT_TRUE(s.ok());
  ScanResult r = (*s)->scan_file(video);
  ASSERT_EQ(r.outcome, ScanOutcome::kMatch);
  EXPECT_EQ(r.matches[0].signal, Signal::kSha1);
  ASSERT_TRUE((*store)->withdraw("videos", {"clip"}).ok());
  ASSERT_TRUE((*s)->reload().ok());
  r = (*s)->scan_file(video);
  // The list no longer holds any digest: a video is again something nothing applies to.
  EXPECT_EQ(r.outcome, ScanOutcome::kError);
  EXPECT_TRUE(r.matches.empty());
}

}  // namespace
}  // namespace hashsieve
