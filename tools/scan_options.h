// The options of `hashsieve scan`, declared once: parsing and --help both come from here.
#pragma once

#include <string>

#include "hashsieve/scan_report.h"
#include "hashsieve/scanner.h"
#include "tools/command_line.h"
#include "tools/db_options.h"
#include "tools/image_job_options.h"
#include "tools/scan_shard.h"

namespace hashsieve::cli {

struct ScanCommandOptions {
  ImageJobOptions job;
  DbOptions db;
  std::string report_file, state_file, allow_file;
  std::string operator_name, batch_id;
  bool strict = false, audit = false;
  ScanOptions scan;
  ReportOptions report;
  Shard shard;  // --shard I/N: this run takes only its shard of the items
};

void declare_scan_options(CLI::App& app, ScanCommandOptions& o);

// After parsing: checks what CLI11 cannot (an input is given, --state has --report) and copies the
// shared image options into the scan's.
void finish_scan_options(ScanCommandOptions& o);

}  // namespace hashsieve::cli
