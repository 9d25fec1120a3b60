// Findings of the list_formats fuzzer, kept as regression tests.
#include <gtest/gtest.h>

#include "hashsieve/list_formats.h"
#include "list_test_util.h"
#include "tests/support/test_data.h"

namespace hashsieve {
namespace {

using testing::Read;

Read read_all(const std::string& text, ListFormat format) { return testing::read_text(text, format); }

// Every good row must come back unchanged from the re-importable CSV export.
void expect_round_trip(const std::vector<ListEntry>& rows) {
  for (const ListEntry& e : rows) {
    std::string csv = entry_csv_header();
    append_entry_csv(e, &csv);
    Read back = read_all(csv, ListFormat::kHashsieveCsv);
    ASSERT_TRUE(back.errors().empty()) << back.errors()[0].to_string();
    ASSERT_EQ(back.rows().size(), 1u);
    EXPECT_EQ(back.rows()[0].entry_id, e.entry_id);
    EXPECT_EQ(back.rows()[0].hash, e.hash);
  }
}

// An NCMEC <id> holding a tab and a newline was accepted, then broke the line-based CSV export.
TEST(ListFuzzRegression, ControlCharactersInAnIdAreARowError) {
  auto bytes = testing::read_file(testing::data_path("fuzz-regressions/list_formats-ncmec-control-char-id"));
  ASSERT_GT(bytes.size(), 1u);
  Read r = read_all(std::string(bytes.begin() + 1, bytes.end()), ListFormat::kNcmecXml);
  for (const auto& e : r.rows())
    for (unsigned char c : e.entry_id) EXPECT_GE(c, 0x20) << "id with a control character was accepted";
  expect_round_trip(r.rows());

  const std::string h = "e8393d882d997c797659b6d09cddae01e269194d260d50626f250fc5b067f59e";
  Read x = read_all("<queryResult><images><image><member id=\"7\"/><id>a\tb</id><fingerprints><pdq>" + h +
                        "</pdq></fingerprints></image><image><member id=\"7\"/><id>ok-1</id><fingerprints><pdq>" + h +
                        "</pdq></fingerprints></image></images></queryResult>",
                    ListFormat::kNcmecXml);
  ASSERT_EQ(x.rows().size(), 1u);
  EXPECT_EQ(x.rows()[0].entry_id, "7-ok-1");
  ASSERT_EQ(x.errors().size(), 1u);
  EXPECT_NE(x.errors()[0].reason.find("control character"), std::string::npos) << x.errors()[0].reason;

  Read t = read_all("{\"results\":[{\"id\":\" spaced \",\"hash_digest\":\"" + h + "\",\"algorithm\":\"PDQ\"}]}",
                    ListFormat::kTatJson);
  ASSERT_EQ(t.rows().size(), 1u);
  EXPECT_EQ(t.rows()[0].entry_id, h);  // keyed by the hash; the record id is metadata
  expect_round_trip(t.rows());
}

}  // namespace
}  // namespace hashsieve
