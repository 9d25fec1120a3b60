// Scan reports. Privacy rules live here: by default a report carries only what an operator
// acts on (matches, plus items that could not be scanned or scored too low); an upload's hash
// appears only when the caller asks for it (hashes can be partly inverted).
#pragma once

#include <string>

#include "hashsieve/scanner.h"

namespace hashsieve {

enum class ReportFormat { kJsonl, kCsv };

struct ReportOptions {
  ReportFormat format = ReportFormat::kJsonl;
  bool emit_hashes = false;  // add the upload's hash, and report non-matching items too
};

// The header line for CSV reports ("" for JSONL).
std::string scan_report_header(const ReportOptions& options);

// The report lines for one item (one line per match; "" when nothing is to be reported).
std::string format_scan_result(const ScanResult& r, const ReportOptions& options);

}  // namespace hashsieve
