// Scan reports, the text a platform files or hands to its moderators. Privacy rules live here: by
// default a report carries only what an operator acts on (matches, plus items that could not be
// scanned or scored too low); an upload's hash appears only when the caller asks for it (hashes
// can be partly inverted).
//
// JSONL: one object per line, every string escaped so that each line parses whatever bytes a path
// holds. CSV (RFC 4180): a text cell that a spreadsheet would run as a formula (it starts with
// =, +, -, @, a tab or a carriage return) is prefixed with a single quote, so a file named
// "=HYPERLINK(...).jpg" stays text when the report is opened in a spreadsheet.
#pragma once

#include <string>

#include "hashsieve/export.h"
#include "hashsieve/scanner.h"

namespace hashsieve {

enum class ReportFormat { kJsonl, kCsv };

struct ReportOptions {
  ReportFormat format = ReportFormat::kJsonl;
  bool emit_hashes = false;  // add the upload's hash, and report non-matching items too
};

// The header line for CSV reports ("" for JSONL).
HASHSIEVE_API const char* scan_report_header(const ReportOptions& options) noexcept;

// The report lines for one item (one line per match; "" when nothing is to be reported).
// kInternal only when out of memory: the caller must not carry on as if the item were reported.
HASHSIEVE_API Result<std::string> format_scan_result(const ScanResult& r, const ReportOptions& options);

}  // namespace hashsieve
