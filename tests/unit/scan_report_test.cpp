// The public report writer: minimal by default, hashes only when asked, and CSV cells that a
// spreadsheet would run as formulas neutralised.
#include <gtest/gtest.h>

#include "hashsieve/scan_report.h"

namespace hashsieve {
namespace {

ScanResult match_result(const std::string& path, const std::string& entry_id) {
  ScanResult r;
  r.path = path;
  r.outcome = ScanOutcome::kMatch;
  r.quality = 90;
  r.generation = 3;
  r.hash.words = {1, 2, 3, 4};
  ScanMatch m;
  m.list = "ncmec";
  m.entry_id = entry_id;
  m.distance = 12;
  m.transform = Dihedral::kRot90;
  r.matches.push_back(m);
  return r;
}

std::string csv(const ScanResult& r) {
  ReportOptions o;
  o.format = ReportFormat::kCsv;
  auto lines = format_scan_result(r, o);
  EXPECT_TRUE(lines.ok());
  return *lines;
}

TEST(ScanReport, CsvNeutralisesFormulaCellsInAttackerChosenFields) {
  for (const std::string start : {"=", "+", "-", "@", "\t", "\r"}) {
    const std::string path = start + "HYPERLINK(\"http://x\")";
    const std::string line = csv(match_result(path, start + "1"));
    // The cell is the text prefixed with a quote mark (then RFC 4180-quoted where needed).
    const size_t cell = line[0] == '"' ? 1 : 0;
    EXPECT_EQ(line.substr(cell, 1 + start.size()), "'" + start) << line;
    const bool id_cell = line.find(",'" + start + "1,") != std::string::npos ||
                         line.find(",\"'" + start + "1\",") != std::string::npos;  // CR is quoted
    EXPECT_TRUE(id_cell) << line;  // the entry id too
  }
  ScanResult err;
  err.path = "x.jpg";
  err.outcome = ScanOutcome::kError;
  err.status = Status(StatusCode::kDecodeFailed, "bad");
  EXPECT_EQ(csv(err), "x.jpg,error,,,,,,,,,decode_failed: bad,,\n");  // then the entry metadata, the signal
  EXPECT_EQ(csv(match_result("uploads/a b.jpg", "N-1")), "uploads/a b.jpg,match,ncmec,N-1,12,rot90,90,3,,,,,pdq\n");
  EXPECT_EQ(csv(match_result("a,-b.jpg", "N-1")).substr(0, 11), "\"a,-b.jpg\",");  // a '-' inside is harmless
}

TEST(ScanReport, JsonlKeepsTextVerbatimAndHashesOnlyWhenAsked) {
  const ScanResult r = match_result("=cmd.jpg", "N-1");
  auto plain = format_scan_result(r, {});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain,
            "{\"path\":\"=cmd.jpg\",\"outcome\":\"match\",\"list\":\"ncmec\",\"entry_id\":\"N-1\",\"distance\":12,"
            "\"transform\":\"rot90\",\"signal\":\"pdq\",\"quality\":90,\"generation\":3}\n");
  ReportOptions with_hashes;
  with_hashes.emit_hashes = true;
  EXPECT_NE(format_scan_result(r, with_hashes)->find("\"pdq\":\"" + to_hex(r.hash) + "\""), std::string::npos);
  ScanResult none = r;
  none.outcome = ScanOutcome::kNoMatch;
  none.matches.clear();
  EXPECT_EQ(*format_scan_result(none, {}), "");
  EXPECT_NE(format_scan_result(none, with_hashes)->find("no_match"), std::string::npos);
  EXPECT_STREQ(scan_report_header({}), "");
}

}  // namespace
}  // namespace hashsieve
