// Every list format: good rows kept, bad rows reported with their line, detection, export.
#include <gtest/gtest.h>

#include "hashsieve/list_formats.h"

namespace hashsieve {
namespace {

const std::string kH1 = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
const std::string kH2 = "0000000000000000000000000000000000000000000000000000000000000001";

struct Read {
  ListFormat format;
  std::vector<ListEntry> rows;
  std::vector<RowError> errors;
  uint64_t skipped = 0;
};

Read read(const std::string& text, ListFormat f = ListFormat::kAuto, size_t batch = 2) {
  auto r = ListReader::FromString(text, "in.txt", f);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  Read out;
  if (!r.ok()) return out;
  out.format = (*r)->format();
  while (true) {
    auto more = (*r)->next(&out.rows, &out.errors, batch);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
  }
  out.skipped = (*r)->skipped();
  return out;
}

TEST(ListFormats, HexLinesAndReferenceCsv) {
  std::string upper = kH1;
  for (auto& c : upper) c = char(std::toupper(c));
  Read r = read("# comment\n" + upper + "\n\n" + kH2 + ",77,photos/a.jpg\r\nnot-a-hash\n" + kH1 +
                "x\n" + kH2 + ",some note\n");
  EXPECT_EQ(r.format, ListFormat::kHexLines);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(to_hex(r.rows[0].hash), kH1);
  EXPECT_EQ(r.rows[0].entry_id, kH1);  // no id: the hash is the id
  EXPECT_EQ(r.rows[1].quality, 77);
  EXPECT_EQ(r.rows[1].entry_id, "photos/a.jpg");
  EXPECT_EQ(r.rows[2].metadata, R"({"extra":"some note"})");
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].line, 5u);
  EXPECT_EQ(r.errors[1].line, 6u);
  EXPECT_EQ(r.errors[0].to_string().rfind("in.txt:5: ", 0), 0u);
}

TEST(ListFormats, ThreatExchangeStoredCsv) {
  Read r = read("indicator,descriptor_id,added_on,labels\n" + kH1 + ",123,2024-01-01,\"a,b\"\nbad,5,,\n" + kH2 +
                ",,2024,\n");
  EXPECT_EQ(r.format, ListFormat::kTxStoredCsv);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].entry_id, "123");
  EXPECT_EQ(r.rows[0].metadata, R"({"added_on":"2024-01-01","labels":"a,b"})");
  EXPECT_EQ(r.rows[1].entry_id, kH2);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 3u);
}

TEST(ListFormats, ThreatExchangeExport) {
  Read r = read("signal_type,signal_str,collab,category,tags\npdq," + kH1 + ",c1,cat,t1 t2\nmd5,abc,c1,,\npdq,xyz,c,,\n" +
                "pdq," + kH2 + "\n");
  EXPECT_EQ(r.format, ListFormat::kTxExportCsv);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].metadata, R"({"collab":"c1","category":"cat","tags":"t1 t2"})");
  EXPECT_EQ(r.skipped, 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 4u);
  // Without a header, the shape gives it away.
  EXPECT_EQ(read("pdq," + kH1 + ",c,,\n").format, ListFormat::kTxExportCsv);
}

TEST(ListFormats, StopNciiJson) {
  std::string doc = "{\n \"hashRecords\": [\n"
                    "  {\"signalType\": \"ImagePDQ\", \"hashValue\": \"" + kH1 + "\", \"hashStatus\": \"Active\",\n"
                    "   \"caseNumbers\": [\"1\"]},\n"
                    "  {\"signalType\": \"ImagePDQ\", \"hashValue\": \"" + kH2 + "\", \"hashStatus\": \"Withdrawn\"},\n"
                    "  {\"signalType\": \"VideoMD5\", \"hashValue\": \"abc\"},\n"
                    "  {\"signalType\": \"ImagePDQ\", \"hashValue\": \"12\", \"hashStatus\": \"Active\"},\n"
                    "  {\"signalType\": \"ImagePDQ\", \"hashValue\": \"" + kH2 + "\", \"hashStatus\": \"Deleted\"}\n"
                    " ],\n \"nextSetToken\": \"x\"\n}\n";
  Read r = read(doc);
  EXPECT_EQ(r.format, ListFormat::kStopNciiJson);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].state, EntryState::kActive);
  EXPECT_EQ(r.rows[0].metadata.find('\n'), std::string::npos);
  EXPECT_NE(r.rows[0].metadata.find("caseNumbers"), std::string::npos);
  EXPECT_EQ(r.rows[1].state, EntryState::kWithdrawn);
  EXPECT_EQ(r.rows[2].state, EntryState::kWithdrawn);
  EXPECT_EQ(r.skipped, 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 7u);
  // A broken document is one error naming its line.
  auto bad = ListReader::FromString("{\"hashRecords\": [\n{\"a\": }]}", "x.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos);
}

TEST(ListFormats, TechAgainstTerrorismJson) {
  std::string doc = "{\"count\": 3, \"results\": [\n"
                    "{\"id\": 17, \"hash_digest\": \"" + kH1 + "\", \"algorithm\": \"PDQ\", \"deleted\": false},\n"
                    "{\"id\": 18, \"hash_digest\": \"" + kH2 + "\", \"algorithm\": \"PDQ\", \"deleted\": true},\n"
                    "{\"id\": 19, \"hash_digest\": \"aa\", \"algorithm\": \"MD5\", \"deleted\": false},\n"
                    "{\"id\": 20, \"hash_digest\": \"zz\", \"algorithm\": \"pdq\"}\n]}";
  Read r = read(doc);
  EXPECT_EQ(r.format, ListFormat::kTatJson);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].entry_id, "17");
  EXPECT_EQ(r.rows[1].state, EntryState::kWithdrawn);
  EXPECT_EQ(r.skipped, 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 5u);
}

TEST(ListFormats, NcmecXml) {
  std::string doc = "<?xml version=\"1.0\"?>\n<queryResult xmlns=\"https://hashsharing.ncmec.org/npo/v1\">\n"
                    "<images count=\"4\">\n"
                    "<image>\n  <member id=\"42\">Org &amp; Co</member>\n  <id>img-1</id>\n"
                    "  <fingerprints><md5>x</md5><pdq>" + kH1 + "</pdq></fingerprints>\n</image>\n"
                    "<image><id>img-2</id><fingerprints><md5>y</md5></fingerprints></image>\n"
                    "<image><id>img-3</id><fingerprints><pdq>nothex</pdq></fingerprints></image>\n"
                    "<deletedImage><member id=\"42\"/><id>img-0</id></deletedImage>\n"
                    "<image><fingerprints><pdq>" + kH2 + "</pdq></fingerprints></image>\n"
                    "</images></queryResult>\n";
  Read r = read(doc);
  EXPECT_EQ(r.format, ListFormat::kNcmecXml);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].entry_id, "img-1");
  EXPECT_EQ(to_hex(r.rows[0].hash), kH1);
  EXPECT_EQ(r.rows[0].metadata, R"({"member":"42"})");
  EXPECT_EQ(r.rows[1].entry_id, "img-0");
  EXPECT_EQ(r.rows[1].state, EntryState::kWithdrawn);
  EXPECT_FALSE(r.rows[1].has_hash);
  EXPECT_EQ(r.skipped, 1u);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].line, 10u);
  EXPECT_EQ(r.errors[1].line, 12u);
  // Structural damage is reported with its line; earlier rows are kept.
  Read broken = read("<images><image><id>a</id><fingerprints><pdq>" + kH1 + "</pdq></fingerprints></image>\n<image></oops>");
  EXPECT_EQ(broken.rows.size(), 1u);
  ASSERT_EQ(broken.errors.size(), 1u);
  EXPECT_EQ(broken.errors[0].line, 2u);
}

TEST(ListFormats, ExportRoundTripsThroughCsv) {
  ListEntry a;
  a.entry_id = "id,with \"quotes\"";
  a.has_hash = true;
  a.hash = *parse_hex(kH1);
  a.quality = 88;
  a.metadata = R"({"k":"v,w"})";
  ListEntry b;
  b.entry_id = "plain";
  b.has_hash = true;
  b.hash = *parse_hex(kH2);
  b.state = EntryState::kWithdrawn;
  std::string csv = entry_csv_header();
  append_entry_csv(a, &csv);
  append_entry_csv(b, &csv);
  Read r = read(csv);
  EXPECT_EQ(r.format, ListFormat::kHashsieveCsv);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.rows[0].entry_id, a.entry_id);
  EXPECT_EQ(r.rows[0].quality, 88);
  EXPECT_EQ(r.rows[0].metadata, a.metadata);
  EXPECT_EQ(r.rows[1].state, EntryState::kWithdrawn);
  std::string jsonl;
  append_entry_jsonl(a, &jsonl);
  EXPECT_EQ(jsonl, "{\"hash\":\"" + kH1 + "\",\"entry_id\":\"id,with \\\"quotes\\\"\",\"quality\":88,"
                   "\"state\":\"active\",\"metadata\":{\"k\":\"v,w\"}}\n");
}

TEST(ListFormats, FormatNames) {
  for (const char* n : {"auto", "hex", "csv", "tx-csv", "tx-export", "stopncii", "ncmec", "tat"}) {
    auto f = parse_list_format(n);
    ASSERT_TRUE(f.ok());
    EXPECT_STREQ(list_format_name(*f), n);
  }
  EXPECT_FALSE(parse_list_format("xml").ok());
  EXPECT_FALSE(ListReader::FromString("{\"other\": 1}", "x").ok());
  EXPECT_EQ(ListReader::Open("/nonexistent/file").status().code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace hashsieve
