// The line and CSV list formats, laid out as their producers write them: pdq-photo-hasher (plain and
// --details), python-threatexchange (`tx hash`, `tx dataset`, `tx dataset --csv`, its state files,
// its local-file exchange), HMA's state files, and hashsieve's own export.
#include <gtest/gtest.h>

#include "list_test_util.h"

namespace hashsieve {
namespace {

using testing::kH1;
using testing::kH2;
using testing::kH3;
using testing::read_text;
using testing::Read;

TEST(ListFormats, HexLinesAndReferenceCsv) {
  std::string upper = kH1;
  for (auto& c : upper) c = char(std::toupper(c));
  Read r = read_text("# comment\n" + upper + "\n\n" + kH2 + ",77,photos/a, b.jpg\r\nnot-a-hash\n" + kH1 +
                     "x\n" + kH2 + ",some note\n");
  EXPECT_EQ(r.format, ListFormat::kHexLines);
  ASSERT_EQ(r.rows().size(), 3u);
  EXPECT_EQ(to_hex(r.rows()[0].hash), kH1);
  EXPECT_EQ(r.rows()[0].entry_id, kH1);  // no id: the hash is the id
  EXPECT_EQ(r.rows()[1].quality, 77);
  EXPECT_EQ(r.rows()[1].entry_id, "photos/a, b.jpg");  // the reference tool does not quote paths
  EXPECT_EQ(r.rows()[2].metadata, R"({"extra":"some note"})");
  ASSERT_EQ(r.errors().size(), 2u);
  EXPECT_EQ(r.errors()[0].line, 5u);
  EXPECT_EQ(r.errors()[1].line, 6u);
  EXPECT_EQ(r.errors()[0].to_string().rfind("in.txt:5: ", 0), 0u);
}

TEST(ListFormats, TwoColumnHeaderIsCsv) {
  // `hash,id` and `pdq,id` (any case, quoted or not, CRLF) are headers: the second column is the id.
  for (std::string head : {"hash,id", "pdq,id", "\"PDQ\",\"ID\"", "hash,entry_id"}) {
    Read r = read_text(head + "\r\n" + kH1 + ",7\r\n" + kH2 + ",8\r\n");
    EXPECT_EQ(r.format, ListFormat::kHashsieveCsv) << head;
    EXPECT_TRUE(r.errors().empty()) << head << ": " << r.errors()[0].to_string();
    ASSERT_EQ(r.rows().size(), 2u) << head;
    EXPECT_EQ(r.rows()[0].entry_id, "7");
    EXPECT_EQ(to_hex(r.rows()[1].hash), kH2);
    EXPECT_EQ(r.rows()[1].entry_id, "8");
  }
  // Other first lines are still judged by shape: a hash with a note is a hash line.
  EXPECT_EQ(read_text(kH1 + ",id\n").format, ListFormat::kHexLines);
  EXPECT_EQ(read_text("hash,path\n" + kH1 + ",a.jpg\n").format, ListFormat::kHexLines);
}

TEST(ListFormats, PdqPhotoHasherDetails) {
  // pdq-photo-hasher --details: hash=,norm=,delta=,quality=,filename= (the file name is the rest).
  Read r = read_text("hash=" + kH1 + ",norm=128,delta=0,quality=100,filename=dir/a,b.jpg\n"
                     "hash=" + kH2 + ",quality=49,orig=" + kH2 + ",rot90=" + kH3 + ",filename=c.png\r\n"
                     "hash=zz,quality=100,filename=d.jpg\n");
  EXPECT_EQ(r.format, ListFormat::kHexLines);
  ASSERT_EQ(r.rows().size(), 2u);
  EXPECT_EQ(to_hex(r.rows()[0].hash), kH1);
  EXPECT_EQ(r.rows()[0].quality, 100);
  EXPECT_EQ(r.rows()[0].entry_id, "dir/a,b.jpg");
  EXPECT_EQ(r.rows()[1].entry_id, "c.png");
  EXPECT_EQ(r.rows()[1].quality, 49);
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_EQ(r.errors()[0].line, 3u);
}

TEST(ListFormats, ThreatExchangeSignalLines) {
  // `tx hash`, the local-file exchange and `tx dataset -P` write `pdq <hash>`, other types alike;
  // `tx hash --photo-preprocess rotations` prefixes the rotation.
  Read r = read_text("pdq " + kH1 + "\n"
                     "video_tmk 00ff00ff\n"  // a signal type hashsieve does not keep (digests: exact_signals tests)
                     "pdq " + kH2 + " 'Sample Collab' FetchedSignalMetadata()\r\n"
                     "ROTATE90 pdq " + kH3 + "\n"
                     "pdq nothex\n");
  EXPECT_EQ(r.format, ListFormat::kHexLines);
  ASSERT_EQ(r.rows().size(), 3u);
  EXPECT_EQ(r.rows()[0].entry_id, kH1);
  EXPECT_EQ(r.rows()[0].metadata, "");
  EXPECT_EQ(r.rows()[1].metadata, R"x({"extra":"'Sample Collab' FetchedSignalMetadata()"})x");
  EXPECT_EQ(r.rows()[2].metadata, R"({"transform":"ROTATE90"})");
  EXPECT_EQ(r.r.counts.skipped, 1u);
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_EQ(r.errors()[0].line, 5u);
}

TEST(ListFormats, ParseHashLineGivesTheTrailingField) {
  auto a = parse_hash_line(kH1 + ",100,uploads/x y.jpg\n");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->trailing, "uploads/x y.jpg");
  EXPECT_EQ(a->quality, 100);
  auto b = parse_hash_line("hash=" + kH2 + ",norm=1,delta=0,quality=90,filename=z.png\r\n");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(to_hex(b->hash), kH2);
  EXPECT_EQ(b->trailing, "z.png");
  auto c = parse_hash_line("pdq " + kH3);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->trailing, "");
  EXPECT_EQ(parse_hash_line("  # note").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(parse_hash_line("video_md5 d41d8cd98f00b204e9800998ecf8427e").status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(parse_hash_line("video_md5 abc").status().code(), StatusCode::kParseError);
  EXPECT_EQ(parse_hash_line("nothex,1").status().code(), StatusCode::kParseError);
}

TEST(ListFormats, ThreatExchangeStateFiles) {
  // python-threatexchange's simple.<type>.te: no header, csv.writer (CRLF), labels space-separated;
  // a label with a newline comes quoted over two lines.
  Read r = read_text(kH1 + ",2880742865368386,2020-07-31T18:47:45+0000,media_type_photo tag2\r\n" +
                     kH2 + ",1234,2021-01-01T00:00:00+0000,\"multi\r\nline\"\r\n" +
                     "nothex,55,2021-01-01T00:00:00+0000,\r\n" +
                     kH3 + ",77,2021-01-01T00:00:00+0000,\r\n");
  EXPECT_EQ(r.format, ListFormat::kTxStoredCsv);
  ASSERT_EQ(r.rows().size(), 3u);
  EXPECT_EQ(r.rows()[0].entry_id, "2880742865368386");
  EXPECT_EQ(r.rows()[0].metadata, R"({"added_on":"2020-07-31T18:47:45+0000","tags":["media_type_photo","tag2"]})");
  EXPECT_EQ(r.rows()[1].metadata, R"({"added_on":"2021-01-01T00:00:00+0000","tags":["multi\r\nline"]})");
  EXPECT_EQ(r.r.lines[2], 5u);  // after a record of two lines
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_EQ(r.errors()[0].line, 4u);
  // HMA's variant carries the indicator id first, then the descriptor id.
  Read hma = read_text(kH1 + ",9001,2880742865368386,2020-07-31T18:47:45+0000,a\n");
  EXPECT_EQ(hma.format, ListFormat::kTxStoredCsv);
  ASSERT_EQ(hma.rows().size(), 1u);
  EXPECT_EQ(hma.rows()[0].entry_id, "9001");
  EXPECT_EQ(hma.rows()[0].metadata, R"({"descriptor_id":"2880742865368386","added_on":"2020-07-31T18:47:45+0000","tags":["a"]})");
  // With a header too.
  Read h = read_text("indicator,descriptor_id,added_on,labels\n" + kH1 + ",123,2024-01-01,\"a b\"\n");
  EXPECT_EQ(h.format, ListFormat::kTxStoredCsv);
  ASSERT_EQ(h.rows().size(), 1u);
  EXPECT_EQ(h.rows()[0].entry_id, "123");
}

TEST(ListFormats, ThreatExchangeDatasetCsv) {
  // `tx dataset -P --csv`: csv.DictWriter (CRLF); a signal in two collaborations is two adjacent rows.
  std::string doc = "signal_type,signal_str,collab,category,tags\r\n"
                    "pdq," + kH1 + ",Collab A,POSITIVE_CLASS,t1 t2\r\n"
                    "pdq," + kH1 + ",\"Collab, B\",INVESTIGATION_SEED,\"t3\r\nt4\"\r\n"
                    "pdq," + kH2 + ",Collab A,NEGATIVE_CLASS,\r\n"
                    "url,https://example.com/x,Collab A,POSITIVE_CLASS,\r\n"
                    "pdq," + kH3 + ",Collab A,NEGATIVE_CLASS,\r\n"
                    "pdq," + kH3 + ",Collab C,POSITIVE_CLASS,\r\n"
                    "pdq,xyz,Collab A,POSITIVE_CLASS,\r\n";
  Read r = read_text(doc);
  EXPECT_EQ(r.format, ListFormat::kTxExportCsv);
  ASSERT_EQ(r.rows().size(), 3u);
  EXPECT_EQ(r.rows()[0].entry_id, kH1);
  EXPECT_EQ(r.rows()[0].state, EntryState::kActive);
  EXPECT_EQ(r.rows()[0].metadata,
            R"({"category":"POSITIVE_CLASS","collabs":[{"collab":"Collab A","category":"POSITIVE_CLASS","tags":["t1","t2"]},)"
            R"({"collab":"Collab, B","category":"INVESTIGATION_SEED","tags":["t3\r\nt4"]}]})");
  // Known benign: kept as withdrawn so it never matches.
  EXPECT_EQ(r.rows()[1].state, EntryState::kWithdrawn);
  EXPECT_EQ(r.rows()[1].metadata, R"({"collab":"Collab A","category":"NEGATIVE_CLASS"})");
  // Negative in one collaboration, positive in another: disputed, still matching.
  EXPECT_EQ(r.rows()[2].state, EntryState::kActive);
  EXPECT_EQ(r.rows()[2].metadata.rfind(R"({"category":"DISPUTED")", 0), 0u) << r.rows()[2].metadata;
  EXPECT_EQ(r.r.counts.benign, 1u);
  EXPECT_EQ(r.r.counts.merged, 2u);
  EXPECT_EQ(r.r.counts.skipped, 1u);
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_EQ(r.errors()[0].line, 9u);
  // A fully quoted header (csv.QUOTE_ALL) is a header; a header-less file is detected by shape.
  EXPECT_EQ(read_text("\"signal_type\",\"signal_str\",\"collab\",\"category\",\"tags\"\r\n\"pdq\",\"" + kH1 +
                      "\",\"c\",\"POSITIVE_CLASS\",\"\"\r\n").rows().size(), 1u);
  EXPECT_EQ(read_text("\"signal_type\",\"signal_str\"\r\n").format, ListFormat::kTxExportCsv);
  EXPECT_EQ(read_text("pdq," + kH1 + ",c,,\n").format, ListFormat::kTxExportCsv);
}

TEST(ListFormats, BomCrlfAndOverlongLines) {
  std::string big(3 << 20, 'a');
  Read r = read_text("\xEF\xBB\xBF" + kH1 + "\r\n" + big + "\r\n" + kH2 + "\r\n");
  ASSERT_EQ(r.rows().size(), 2u);
  EXPECT_EQ(r.r.lines[1], 3u);
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_EQ(r.errors()[0].line, 2u);
  EXPECT_NE(r.errors()[0].reason.find("1 MiB"), std::string::npos);
  // An unterminated quote in a CSV costs at most 1 MiB of input, then reading resumes.
  std::string csv = "hash,entry_id,quality,state,metadata\n" + kH1 + ",\"open,,,\n";
  for (int i = 0; i < 20000; ++i) csv += "filler line " + std::to_string(i) + " ........................................\n";
  csv += kH2 + ",last,,,\n";
  Read q = read_text(csv);
  ASSERT_GE(q.errors().size(), 1u);
  EXPECT_EQ(q.errors()[0].line, 2u);
  ASSERT_FALSE(q.rows().empty());
  EXPECT_EQ(q.rows().back().entry_id, "last");
}

TEST(ListFormats, ExportRoundTripsThroughCsvAndJsonl) {
  ListEntry a;
  a.entry_id = "id,with \"quotes\"";
  a.has_hash = true;
  a.hash = *parse_hex(kH1);
  a.quality = 88;
  a.metadata = R"({"member":"Org, \"X\"","tags":["a","b"],"cases":3})";
  ListEntry b;
  b.entry_id = "42-img-0";  // a withdrawal known only by its id
  b.state = EntryState::kWithdrawn;
  ListEntry c;
  c.entry_id = "plain";
  c.has_hash = true;
  c.hash = *parse_hex(kH2);
  c.state = EntryState::kWithdrawn;
  c.metadata = R"("free text, not JSON")";  // stored metadata is JSON: text comes as a string
  for (bool jsonl : {false, true}) {
    std::string text = jsonl ? "" : entry_csv_header();
    for (const ListEntry* e : {&a, &b, &c}) (jsonl ? append_entry_jsonl : append_entry_csv)(*e, &text);
    Read r = read_text(text);
    EXPECT_EQ(r.format, jsonl ? ListFormat::kHashsieveJsonl : ListFormat::kHashsieveCsv);
    EXPECT_TRUE(r.errors().empty()) << r.errors()[0].to_string();
    ASSERT_EQ(r.rows().size(), 3u) << text;
    size_t i = 0;
    for (const ListEntry* e : {&a, &b, &c}) {
      const ListEntry& g = r.rows()[i++];
      EXPECT_EQ(g.entry_id, e->entry_id);
      EXPECT_EQ(g.has_hash, e->has_hash);
      EXPECT_EQ(g.hash, e->hash);
      EXPECT_EQ(g.quality, e->quality);
      EXPECT_EQ(g.state, e->state);
      EXPECT_EQ(g.metadata, e->metadata) << (jsonl ? "jsonl" : "csv");
    }
  }
  std::string jsonl;
  append_entry_jsonl(a, &jsonl);
  EXPECT_EQ(jsonl, "{\"hash\":\"" + kH1 + "\",\"entry_id\":\"id,with \\\"quotes\\\"\",\"quality\":88,"
                   "\"state\":\"active\",\"metadata\":" + a.metadata + "}\n");
}

TEST(ListFormats, MetadataIsAlwaysJsonAndStable) {
  // Our CSV's metadata column: JSON is compacted, anything else becomes a JSON string.
  Read r = read_text("hash,entry_id,quality,state,metadata\n" + kH1 + ",a,,,\"{ \"\"k\"\" : [1, 2] }\"\n" + kH2 +
                     ",b,,,plain \xff text\n" + kH3 + ",\"bad \xff id\",,,\n");
  ASSERT_EQ(r.rows().size(), 2u);
  EXPECT_EQ(r.rows()[0].metadata, R"({"k":[1,2]})");
  EXPECT_EQ(r.rows()[1].metadata, "\"plain \xEF\xBF\xBD text\"");
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_NE(r.errors()[0].reason.find("UTF-8"), std::string::npos);
  // A quoted field may end in a CR of its own.
  Read q = read_text("hash,entry_id,quality,state,metadata\r\n" + kH1 + ",a,,,\"x\r\"\r\n");
  ASSERT_EQ(q.rows().size(), 1u);
  EXPECT_EQ(q.rows()[0].metadata, "\"x\\r\"");
}

TEST(ListFormats, FormatNames) {
  for (const char* n : {"auto", "hex", "csv", "tx-csv", "tx-export", "stopncii", "ncmec", "tat", "jsonl"}) {
    auto f = parse_list_format(n);
    ASSERT_TRUE(f.ok());
    EXPECT_STREQ(list_format_name(*f), n);
  }
  EXPECT_FALSE(parse_list_format("xml").ok());
  EXPECT_EQ(ListReader::Open("/nonexistent/file").status().code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace hashsieve
