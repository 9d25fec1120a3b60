// JSON lists as the exchanges' APIs return them and fetch loops save them: StopNCII FetchHashes
// pages, Tech Against Terrorism hash-list pages, and hashsieve's own JSONL.
#include <gtest/gtest.h>

#include "list_test_util.h"

namespace hashsieve {
namespace {

using testing::kH1;
using testing::kH2;
using testing::kH3;
using testing::read_text;
using testing::Read;

std::string ncii(const std::string& type, const std::string& hash, const std::string& status) {
  return "{\"lastModtimestamp\": 1700000000, \"signalType\": \"" + type + "\", \"hashValue\": \"" + hash +
         "\", \"hashStatus\": \"" + status + "\", \"caseNumbers\": {\"C-1\": \"" + status +
         "\", \"C-2\": \"Active\"}, \"CSPFeedbacks\": [{\"feedbackValue\": \"Blocked\", \"tags\": [\"x\"], "
         "\"source\": \"Platform\"}]}";
}

std::string ncii_page(const std::vector<std::string>& records, bool more) {
  std::string s = "{\"count\": " + std::to_string(records.size()) +
                  ", \"nextPageToken\": \"tok\", \"nextSetTimestamp\": 1700000001, \"hasMoreRecords\": " +
                  (more ? "true" : "false") + ", \"hashRecords\": [";
  for (size_t i = 0; i < records.size(); ++i) s += (i ? ",\n  " : "\n  ") + records[i];
  return s + "\n]}";
}

TEST(ListJson, StopNciiEveryStatus) {
  // Received (a new case) and Unknown are present; only Withdrawn and Deleted remove a hash.
  std::string doc = "\xEF\xBB\xBF" + ncii_page({ncii("ImagePDQ", kH1, "Received"), ncii("ImagePDQ", kH2, "Unknown"),
                                               ncii("VideoTMK", "00ff00ff", "Active"),
                                               ncii("ImagePDQ", kH3, "Withdrawn"), ncii("ImagePDQ", "12", "Active"),
                                               ncii("ImagePDQ", kH1, "Deleted")},
                                              false);
  Read r = read_text(doc);
  EXPECT_EQ(r.format, ListFormat::kStopNciiJson);
  ASSERT_EQ(r.rows().size(), 4u);
  EXPECT_EQ(r.rows()[0].state, EntryState::kActive);
  EXPECT_EQ(r.rows()[0].entry_id, kH1);
  EXPECT_EQ(r.rows()[0].metadata,
            R"({"status":"Received","cases":2,"modified":1700000000,"feedback":["Blocked"],"tags":["x"]})");
  EXPECT_EQ(r.rows()[1].state, EntryState::kActive);
  EXPECT_EQ(r.rows()[2].state, EntryState::kWithdrawn);
  EXPECT_EQ(r.rows()[3].state, EntryState::kWithdrawn);
  EXPECT_EQ(r.r.counts.skipped, 1u);
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_EQ(r.errors()[0].line, 6u);
}

TEST(ListJson, StopNciiPageReadFromEventsAsFromTrees) {
  // Records of a hashRecords array are read from the parser's events without building a tree;
  // the same records on their own (JSONL) are read from a tree. Both must give the same rows,
  // metadata and errors, for odd records too: repeated keys (the last wins), numbers where
  // strings belong, cases as an array or with a repeated case key, feedback that is not an
  // object, tags that are not strings, bad hashes, other signal types, a record over 1 MiB.
  std::string big = "[";
  for (int i = 0; i < 400000; ++i) big += i ? ",17" : "17";  // 1.2 MB
  big += "]";
  const std::vector<std::string> records = {
      ncii("ImagePDQ", kH1, "Active"),
      ncii("ImagePDQ", kH2, "Withdrawn"),
      ncii("VideoMD5", "00112233445566778899aabbccddeeff", "Received"),
      ncii("VideoTMK", "00ff", "Active"),
      ncii("ImagePDQ", "12", "Active"),
      ncii("imagepdq", kH3, "DELETED"),
      "{\"hashValue\": \"" + kH1 + "\", \"signalType\": \"ImagePDQ\", \"hashValue\": \"" + kH2 +
          "\", \"hashStatus\": {\"x\": 1}, \"caseNumbers\": [1, {\"a\": 2}, [3]], \"lastModtimestamp\": 1.5e9}",
      "{\"signalType\": \"ImagePDQ\", \"hashValue\": \"" + kH3 + "\", \"hashStatus\": 7, \"caseNumbers\": "
          "{\"C\": 1, \"D\": {\"C\": 2}, \"C\": 3}, \"caseNumbers\": {\"E\": 1, \"E\": 2, \"F\": 3}, "
          "\"lastModtimestamp\": \"yesterday\", \"CSPFeedbacks\": [{\"feedbackValue\": \"Blocked\", \"tags\": [\"a\", 1, "
          "[\"b\"], \"a\", \"c\"]}, \"text\", [{\"feedbackValue\": \"Nested\"}], {\"feedbackValue\": 42, \"tags\": "
          "{\"x\": \"y\"}}, {\"feedbackValue\": {\"v\": 1}, \"tags\": [\"d\"], \"tags\": [\"c\", \"e\"]}, "
          "{\"feedbackValue\": \"Blocked\", \"feedbackValue\": \"\"}]}",
      "{\"signalType\": \"ImagePDQ\", \"hashValue\": \"" + kH1 + "\", \"CSPFeedbacks\": [{\"feedbackValue\": "
          "\"First\"}], \"CSPFeedbacks\": {\"feedbackValue\": \"Ignored\"}, \"caseNumbers\": \"C-9\", "
          "\"lastModtimestamp\": 18446744073709551615}",
      "{\"signalType\": [\"ImagePDQ\"], \"hashValue\": \"" + kH1 + "\"}",
      "{\"signalType\": \"ImagePDQ\", \"hashValue\": 12345}",
      "{\"signalType\": \"ImagePDQ\", \"hashValue\": \"" + kH2 + "\", \"hashStatus\": \"Unknown\", \"lastModtimestamp\": -3, "
          "\"CSPFeedbacks\": [{\"tags\": [\"\\u00e9t\\u00e9\", \"q\\\"uote\", \"tab\\t\"]}]}",
      "{\"hashValue\": \"" + kH3 + "\", \"signalType\": \"ImagePDQ\", \"padding\": " + big + "}",
      "{\"signalType\": \"ImagePDQ\", \"hashValue\": \" " + kH3 + " \", \"hashStatus\": null, \"caseNumbers\": []}",
  };
  std::string page = "{\"hashRecords\": [\n", lines;
  for (size_t i = 0; i < records.size(); ++i) {
    page += records[i] + (i + 1 < records.size() ? ",\n" : "\n");
    lines += records[i] + "\n";
  }
  page += "]}";
  Read events = read_text(page), trees = read_text(lines);
  EXPECT_EQ(events.format, ListFormat::kStopNciiJson);
  EXPECT_EQ(trees.format, ListFormat::kStopNciiJson);
  ASSERT_EQ(events.rows().size(), trees.rows().size());
  EXPECT_GE(events.rows().size(), 8u);
  for (size_t i = 0; i < events.rows().size(); ++i) {
    const ListEntry &a = events.rows()[i], &b = trees.rows()[i];
    EXPECT_EQ(a.entry_id, b.entry_id) << i;
    EXPECT_EQ(a.has_hash, b.has_hash) << i;
    EXPECT_EQ(a.hash, b.hash) << i;
    EXPECT_EQ(a.digests, b.digests) << i;
    EXPECT_EQ(a.state, b.state) << i;
    EXPECT_EQ(a.metadata, b.metadata) << i;
  }
  EXPECT_EQ(events.r.counts.skipped, trees.r.counts.skipped);
  ASSERT_EQ(events.errors().size(), trees.errors().size());
  EXPECT_GE(events.errors().size(), 3u);
  for (size_t i = 0; i < events.errors().size(); ++i) {
    EXPECT_EQ(events.errors()[i].reason, trees.errors()[i].reason) << i;
    EXPECT_EQ(events.errors()[i].line, trees.errors()[i].line + 1) << i;  // the page's first line comes first
  }
  // What the odd records give (the same either way, as checked above).
  EXPECT_EQ(events.rows()[4].metadata, R"({"cases":3,"modified":1500000000.0})");
  EXPECT_EQ(events.rows()[5].metadata,
            R"({"status":"7","cases":2,"feedback":["Blocked","42"],"tags":["a","c","e"]})");
}

TEST(ListJson, SeveralPagesInOneFile) {
  std::string p1 = ncii_page({ncii("ImagePDQ", kH1, "Active")}, true);
  std::string p2 = ncii_page({ncii("ImagePDQ", kH2, "Active")}, false);
  auto one_line = [](std::string s) {
    for (char& c : s) if (c == '\n') c = ' ';
    return s;
  };
  // JSONL pages, concatenated pages, an array of pages.
  for (const std::string& doc : std::vector<std::string>{one_line(p1) + "\n" + one_line(p2) + "\n", p1 + p2, "[" + p1 + ",\n" + p2 + "]"}) {
    Read r = read_text(doc);
    EXPECT_EQ(r.format, ListFormat::kStopNciiJson);
    ASSERT_EQ(r.rows().size(), 2u) << doc;
    EXPECT_EQ(r.rows()[1].entry_id, kH2);
    EXPECT_TRUE(r.errors().empty());
  }
  // Pages of JSONL: a broken line costs that line only.
  Read j = read_text(one_line(p1) + "\n{\"hashRecords\": [oops\n" + one_line(p2) + "\n");
  EXPECT_EQ(j.rows().size(), 2u);
  ASSERT_EQ(j.errors().size(), 1u);
  EXPECT_EQ(j.errors()[0].line, 2u);
  // One broken document: an error at its line, the records before it kept.
  Read b = read_text("{\"hashRecords\": [\n" + ncii("ImagePDQ", kH1, "Active") + ",\n{\"a\": }]}");
  EXPECT_EQ(b.rows().size(), 1u);
  ASSERT_EQ(b.errors().size(), 1u);
  EXPECT_EQ(b.errors()[0].line, 3u);
  EXPECT_NE(b.errors()[0].reason.find("invalid JSON"), std::string::npos);
}

TEST(ListJson, InvalidJsonIsRejected) {
  // What a lenient reader would take: trailing commas, bare words, single quotes, bad escapes.
  for (const std::string& doc : std::vector<std::string>{
           "{\"hashRecords\": [" + ncii("ImagePDQ", kH1, "Active") + ",]}",
        "{\"hashRecords\": [{'signalType': 'ImagePDQ'}]}", "{\"hashRecords\": [{\"a\": tru}]}",
        "{\"hashRecords\": [{\"a\": \"\\q\"}]}"}) {
    Read r = read_text(doc);
    EXPECT_EQ(r.rows().size(), doc.find(",]") == std::string::npos ? 0u : 1u) << doc;  // a stream: before the error
    ASSERT_EQ(r.errors().size(), 1u) << doc;
    EXPECT_NE(r.errors()[0].reason.find("invalid JSON"), std::string::npos) << r.errors()[0].reason;
  }
}

TEST(ListJson, OverlongValueIsOneError) {
  std::string huge(3 << 20, 'x');
  std::string doc = "{\"entry_id\":\"a\",\"hash\":\"" + kH1 + "\"}\n{\"entry_id\":\"" + huge + "\"}\n" +
                    "{\"entry_id\":\"b\",\"hash\":\"" + kH2 + "\"}\n";
  Read r = read_text(doc);
  ASSERT_EQ(r.rows().size(), 2u);
  EXPECT_EQ(r.rows()[1].entry_id, "b");
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_EQ(r.errors()[0].line, 2u);
  EXPECT_NE(r.errors()[0].reason.find("1 MiB"), std::string::npos);
}

TEST(ListJson, TechAgainstTerrorismDeletionUnderANewRecordId) {
  // The deletion of hash kH1 comes back as record 901, not 17: keyed by the hash, it still withdraws.
  std::string doc =
      "{\"count\": 4, \"next\": null, \"previous\": null, \"checkpoint\": \"1724856487.709035,10594\", \"results\": [\n"
      "{\"hash_digest\": \"" + kH1 + "\", \"algorithm\": \"PDQ\", \"ideology\": \"islamist\", \"file_type\": \"jpg\", "
      "\"deleted\": false, \"updated_on\": 1724856487.7, \"created_on\": \"2024-08-28T14:48:07Z\", \"id\": 17},\n"
      "{\"hash_digest\": \"aa\", \"algorithm\": \"MD5\", \"ideology\": \"far-right\", \"file_type\": \"mp4\", "
      "\"deleted\": false, \"id\": 19},\n"
      "{\"hash_digest\": \"zz\", \"algorithm\": \"PDQ\", \"deleted\": false, \"id\": 20},\n"
      "{\"hash_digest\": \"" + kH1 + "\", \"algorithm\": \"PDQ\", \"ideology\": \"islamist\", \"file_type\": \"jpg\", "
      "\"deleted\": true, \"id\": 901}\n]}";
  Read r = read_text(doc);
  EXPECT_EQ(r.format, ListFormat::kTatJson);
  ASSERT_EQ(r.rows().size(), 2u);
  EXPECT_EQ(r.rows()[0].entry_id, kH1);
  EXPECT_EQ(r.rows()[0].metadata,
            R"({"record_id":17,"ideology":"islamist","file_type":"jpg","created_on":"2024-08-28T14:48:07Z","updated_on":1724856487.7})");
  EXPECT_EQ(r.rows()[1].entry_id, kH1);
  EXPECT_EQ(r.rows()[1].state, EntryState::kWithdrawn);
  // MD5 records are kept (exact_signals tests); one that is not 32 hex digits is a bad row.
  EXPECT_EQ(r.r.counts.skipped, 0u);
  ASSERT_EQ(r.errors().size(), 2u);
  EXPECT_EQ(r.errors()[0].line, 3u);
  EXPECT_EQ(r.errors()[1].line, 4u);
}

TEST(ListJson, HashOutputImports) {
  // `hashsieve hash --format jsonl`: the path is the id, as for `hash,quality,path`.
  Read r = read_text("{\"path\":\"a/b.jpg\",\"pdq\":\"" + kH1 + "\",\"quality\":100,\"width\":640,\"height\":480}\n"
                     "{\"path\":\"c.png\",\"pdq\":\"" + kH2 + "\",\"quality\":42,\"width\":5,\"height\":5}\n");
  EXPECT_EQ(r.format, ListFormat::kHashsieveJsonl);
  ASSERT_EQ(r.rows().size(), 2u);
  EXPECT_EQ(r.rows()[0].entry_id, "a/b.jpg");
  EXPECT_EQ(r.rows()[1].quality, 42);
}

TEST(ListJson, ForcedFormatRejectsOtherRecords) {
  Read r = read_text(ncii_page({ncii("ImagePDQ", kH1, "Active")}, false), ListFormat::kTatJson);
  EXPECT_TRUE(r.rows().empty());
  ASSERT_EQ(r.errors().size(), 1u);
  Read u = read_text("{\"other\": 1}");
  EXPECT_TRUE(u.rows().empty());
  EXPECT_EQ(u.errors().size(), 1u);
}

}  // namespace
}  // namespace hashsieve
