// The list readers keep the digests each producer ships, in the producers' own layouts: NCMEC
// hash-sharing XML (MD5 and SHA-1 of images and videos), StopNCII VideoMD5 records, Tech Against
// Terrorism MD5/SHA256/SHA512 records, python-threatexchange signal lines, state files and
// `tx dataset --csv` exports; hashsieve's CSV and JSONL carry them through export and re-import.
#include <gtest/gtest.h>

#include "list_test_util.h"

namespace hashsieve {
namespace {

using testing::kH1;
using testing::read_text;
using testing::Read;

const std::string kMd5 = "d41d8cd98f00b204e9800998ecf8427e";
const std::string kSha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
const std::string kSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string kSha512 =
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

std::string hex(const ListEntry& e, int kind) { return digest_hex(e.digests.bytes[size_t(kind)]); }

TEST(ExactSignalsReaders, NcmecKeepsMd5AndSha1OfImagesAndVideos) {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
      "<queryResult xmlns=\"https://hashsharing.ncmec.org/hashsharing/v2\">\r\n"
      "  <images count=\"2\" maxTimestamp=\"2017-10-24T15:10:00Z\">\r\n"
      "    <image>\r\n"
      "      <member id=\"42\">Example Member</member>\r\n"
      "      <timestamp>2017-10-24T15:00:00Z</timestamp>\r\n"
      "      <id>image1</id>\r\n"
      "      <classification>A1</classification>\r\n"
      "      <fingerprints>\r\n"
      "        <md5>" + kMd5 + "</md5>\r\n"
      "        <sha1>" + kSha1 + "</sha1>\r\n"
      "        <pdna>a1a1a1a1a1a1...</pdna>\r\n"
      "        <pdq>" + kH1 + "</pdq>\r\n"
      "      </fingerprints>\r\n"
      "      <feedback />\r\n"
      "    </image>\r\n"
      "    <image>\r\n"
      "      <member id=\"42\">Example Member</member>\r\n"
      "      <id>image2</id>\r\n"
      "      <fingerprints><md5>" + kMd5 + "</md5><pdna>b1b1...</pdna></fingerprints>\r\n"
      "    </image>\r\n"
      "  </images>\r\n"
      "  <videos count=\"3\" maxTimestamp=\"2017-10-24T15:20:00Z\">\r\n"
      "    <video>\r\n"
      "      <member id=\"42\">Example Member</member>\r\n"
      "      <timestamp>2017-10-24T15:00:00Z</timestamp>\r\n"
      "      <id>video1</id>\r\n"
      "      <fingerprints>\r\n"
      "        <md5>" + kMd5 + "</md5>\r\n"
      "        <sha1>" + kSha1 + "</sha1>\r\n"
      "        <tmk-pdqf rel=\"self\" href=\"/v2/entries/1/fingerprints/TMK_PDQF\"/>\r\n"
      "      </fingerprints>\r\n"
      "    </video>\r\n"
      "    <video>\r\n"
      "      <member id=\"101\">TX Example</member>\r\n"
      "      <id>tmkonly</id>\r\n"
      "      <fingerprints><tmk-pdqf rel=\"self\" href=\"/v2/entries/2/fingerprints/TMK_PDQF\"/></fingerprints>\r\n"
      "    </video>\r\n"
      "    <deletedVideo>\r\n"
      "      <member id=\"42\">Example Member</member>\r\n"
      "      <id>video4</id>\r\n"
      "      <timestamp>2017-10-24T15:20:00Z</timestamp>\r\n"
      "    </deletedVideo>\r\n"
      "  </videos>\r\n"
      "</queryResult>\r\n";
  Read r = read_text(xml);
  EXPECT_EQ(r.format, ListFormat::kNcmecXml);
  ASSERT_TRUE(r.errors().empty()) << r.errors()[0].to_string();
  ASSERT_EQ(r.rows().size(), 4u);
  EXPECT_EQ(r.rows()[0].entry_id, "42-image1");
  EXPECT_TRUE(r.rows()[0].has_hash);
  EXPECT_EQ(hex(r.rows()[0], 0), kMd5);
  EXPECT_EQ(hex(r.rows()[0], 1), kSha1);
  EXPECT_EQ(r.rows()[1].entry_id, "42-image2");  // no PDQ: kept by its MD5
  EXPECT_FALSE(r.rows()[1].has_hash);
  EXPECT_EQ(hex(r.rows()[1], 0), kMd5);
  EXPECT_EQ(r.rows()[2].entry_id, "42-video1");
  EXPECT_FALSE(r.rows()[2].has_hash);
  EXPECT_EQ(hex(r.rows()[2], 1), kSha1);
  EXPECT_NE(r.rows()[2].metadata.find("\"type\":\"video\""), std::string::npos);
  EXPECT_EQ(r.rows()[3].entry_id, "42-video4");
  EXPECT_EQ(r.rows()[3].state, EntryState::kWithdrawn);
  EXPECT_EQ(r.r.counts.skipped, 1u);  // TMK only

  Read bad = read_text("<queryResult><images><image><member id=\"1\">M</member><id>x</id><fingerprints><md5>abc</md5>"
                       "</fingerprints></image></images></queryResult>");
  ASSERT_EQ(bad.errors().size(), 1u);
  EXPECT_NE(bad.errors()[0].reason.find("md5"), std::string::npos);
}

TEST(ExactSignalsReaders, StopNciiVideoMd5IsKeptAndWithdrawn) {
  const std::string page =
      "{\"count\": 3, \"nextPageToken\": \"t\", \"hasMoreRecords\": false, \"hashRecords\": [\n"
      "  {\"lastModtimestamp\": 1700000000, \"signalType\": \"VideoMD5\", \"hashValue\": \"" + kMd5 +
      "\", \"hashStatus\": \"Active\", \"caseNumbers\": {\"C-1\": \"Active\"}, \"CSPFeedbacks\": []},\n"
      "  {\"lastModtimestamp\": 1700000001, \"signalType\": \"VideoMD5\", \"hashValue\": \"" + kMd5 +
      "\", \"hashStatus\": \"Withdrawn\", \"caseNumbers\": {}, \"CSPFeedbacks\": []},\n"
      "  {\"lastModtimestamp\": 1700000002, \"signalType\": \"VideoTMK\", \"hashValue\": \"abcd\", "
      "\"hashStatus\": \"Active\", \"caseNumbers\": {}, \"CSPFeedbacks\": []}\n]}";
  Read r = read_text(page);
  EXPECT_EQ(r.format, ListFormat::kStopNciiJson);
  ASSERT_EQ(r.rows().size(), 2u);
  EXPECT_EQ(r.rows()[0].entry_id, "md5:" + kMd5);
  EXPECT_EQ(hex(r.rows()[0], 0), kMd5);
  EXPECT_EQ(r.rows()[0].state, EntryState::kActive);
  EXPECT_EQ(r.rows()[1].entry_id, "md5:" + kMd5);  // the same record id: the withdrawal applies
  EXPECT_EQ(r.rows()[1].state, EntryState::kWithdrawn);
  EXPECT_EQ(r.r.counts.skipped, 1u);
}

TEST(ExactSignalsReaders, TatKeepsMd5Sha256Sha512) {
  auto rec = [](int id, const std::string& digest, const std::string& algorithm, bool deleted) {
    return "{\"id\": " + std::to_string(id) + ", \"hash_digest\": \"" + digest + "\", \"algorithm\": \"" + algorithm +
           "\", \"ideology\": \"islamist\", \"file_type\": \"mp4\", \"deleted\": " + (deleted ? "true" : "false") +
           ", \"created_on\": \"2025-03-03 23:05:22,587\", \"updated_on\": 1704901040.222779}";
  };
  const std::string page = "{\"count\": 5, \"next\": null, \"previous\": null, \"checkpoint\": \"1724856487.7,10594\", "
                           "\"results\": [" + rec(2819, kMd5, "MD5", false) + ", " + rec(2820, kSha256, "SHA256", false) +
                           ", " + rec(2821, kSha512, "SHA512", false) + ", " + rec(2822, kH1, "PDQ", false) + ", " +
                           rec(2900, kMd5, "MD5", true) + "]}";
  Read r = read_text(page);
  EXPECT_EQ(r.format, ListFormat::kTatJson);
  ASSERT_TRUE(r.errors().empty()) << r.errors()[0].to_string();
  ASSERT_EQ(r.rows().size(), 5u);
  EXPECT_EQ(hex(r.rows()[0], 0), kMd5);
  EXPECT_EQ(r.rows()[0].entry_id, "md5:" + kMd5);
  EXPECT_EQ(hex(r.rows()[1], 2), kSha256);
  EXPECT_EQ(r.rows()[1].entry_id, "sha256:" + kSha256);
  EXPECT_EQ(hex(r.rows()[2], 3), kSha512);
  EXPECT_TRUE(r.rows()[3].has_hash);
  EXPECT_EQ(r.rows()[3].entry_id, kH1);
  // A deletion re-issued under a new record id still names the same entry.
  EXPECT_EQ(r.rows()[4].entry_id, "md5:" + kMd5);
  EXPECT_EQ(r.rows()[4].state, EntryState::kWithdrawn);
  EXPECT_NE(r.rows()[0].metadata.find("\"record_id\":2819"), std::string::npos);

  Read bad = read_text("{\"results\": [" + rec(1, kMd5 + "00", "MD5", false) + "]}");
  ASSERT_EQ(bad.errors().size(), 1u);
  EXPECT_NE(bad.errors()[0].reason.find("md5"), std::string::npos);
}

TEST(ExactSignalsReaders, ThreatExchangeSignalLines) {
  // `tx dataset` / `tx hash` lines: `<signal type> <signal> [rest]`.
  Read r = read_text("pdq " + kH1 + "\nvideo_md5 " + kMd5 + " tags=a,b\nmd5 " + kMd5 + "\nurl https://example.com\n",
                     ListFormat::kHexLines);
  ASSERT_TRUE(r.errors().empty()) << r.errors()[0].to_string();
  ASSERT_EQ(r.rows().size(), 3u);
  EXPECT_TRUE(r.rows()[0].has_hash);
  EXPECT_EQ(hex(r.rows()[1], 0), kMd5);
  EXPECT_FALSE(r.rows()[1].has_hash);
  EXPECT_EQ(r.rows()[1].entry_id, "md5:" + kMd5);
  EXPECT_EQ(r.rows()[1].metadata, R"({"extra":"tags=a,b"})");
  EXPECT_EQ(r.r.counts.skipped, 1u);
  // Detected as hash lines, too.
  EXPECT_EQ(read_text("video_md5 " + kMd5 + "\n").format, ListFormat::kHexLines);
  Read bad = read_text("video_md5 " + kSha1 + "\n");
  ASSERT_EQ(bad.errors().size(), 1u);
}

TEST(ExactSignalsReaders, ThreatExchangeStateFileAndDatasetExport) {
  // A video_md5 state file (indicator,descriptor_id,added_on,labels), without a header.
  Read state = read_text(kMd5 + ",12345,2021-01-01T00:00:00+00:00,media_type_video\r\n");
  EXPECT_EQ(state.format, ListFormat::kTxStoredCsv);
  ASSERT_EQ(state.rows().size(), 1u);
  EXPECT_EQ(state.rows()[0].entry_id, "12345");
  EXPECT_EQ(hex(state.rows()[0], 0), kMd5);

  // `tx dataset --csv`: one row per (signal, collaboration); a signal's rows become one entry.
  Read ex = read_text("signal_type,signal_str,collab,category,tags\r\n"
                      "video_md5," + kMd5 + ",Collab A,POSITIVE_CLASS,x\r\n"
                      "video_md5," + kMd5 + ",Collab B,INVESTIGATION_SEED,\r\n"
                      "pdq," + kH1 + ",Collab A,POSITIVE_CLASS,\r\n"
                      "video_md5," + kSha1 + ",Collab A,POSITIVE_CLASS,\r\n");
  EXPECT_EQ(ex.format, ListFormat::kTxExportCsv);
  ASSERT_EQ(ex.rows().size(), 2u);
  EXPECT_EQ(ex.rows()[0].entry_id, "md5:" + kMd5);
  EXPECT_EQ(hex(ex.rows()[0], 0), kMd5);
  EXPECT_NE(ex.rows()[0].metadata.find("Collab B"), std::string::npos);
  EXPECT_EQ(ex.r.counts.merged, 1u);
  EXPECT_TRUE(ex.rows()[1].has_hash);
  EXPECT_EQ(ex.errors().size(), 1u);  // a SHA-1-long value under video_md5
}

ListEntry digest_row(const std::string& id, bool pdq) {
  ListEntry e;
  e.entry_id = id;
  if (pdq) {
    e.has_hash = true;
    e.hash = *parse_hex(kH1);
    e.quality = 80;
  }
  parse_digest_hex(kMd5, 0, &e.digests.bytes[0]);
  parse_digest_hex(kSha1, 1, &e.digests.bytes[1]);
  parse_digest_hex(kSha256, 2, &e.digests.bytes[2]);
  parse_digest_hex(kSha512, 3, &e.digests.bytes[3]);
  e.metadata = R"({"member":"M"})";
  return e;
}

TEST(ExactSignalsReaders, ExportRoundTripsDigestsInCsvAndJsonl) {
  std::vector<ListEntry> entries = {digest_row("both", true), digest_row("video", false)};
  entries[1].digests.bytes[1].clear();
  ListEntry plain;
  plain.entry_id = "plain";
  plain.has_hash = true;
  plain.hash = *parse_hex(kH1);
  entries.push_back(plain);
  std::string csv = entry_csv_header(), jsonl;
  for (const auto& e : entries) {
    append_entry_csv(e, &csv);
    append_entry_jsonl(e, &jsonl);
  }
  EXPECT_EQ(jsonl.find("sha1", jsonl.find("\"video\"")), std::string::npos);  // only digests it has
  for (const auto& [text, format] : {std::pair{csv, ListFormat::kHashsieveCsv}, std::pair{jsonl, ListFormat::kHashsieveJsonl}}) {
    Read r = read_text(text);
    EXPECT_EQ(r.format, format);
    ASSERT_TRUE(r.errors().empty()) << r.errors()[0].to_string();
    ASSERT_EQ(r.rows().size(), entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      EXPECT_EQ(r.rows()[i].entry_id, entries[i].entry_id);
      EXPECT_EQ(r.rows()[i].has_hash, entries[i].has_hash);
      EXPECT_EQ(r.rows()[i].digests, entries[i].digests) << list_format_name(format) << " " << entries[i].entry_id;
      EXPECT_EQ(r.rows()[i].metadata, entries[i].metadata);
    }
  }
  // Older five-column CSV still reads.
  Read old = read_text("hash,entry_id,quality,state,metadata\n" + kH1 + ",a,,active,\n");
  ASSERT_EQ(old.rows().size(), 1u);
  EXPECT_TRUE(old.rows()[0].digests.empty());
}

}  // namespace
}  // namespace hashsieve
