#include "hashsieve/scan_report.h"

#include "common/api_guard.h"
#include "common/text_escape.h"
#include "engine/csv_cell.h"
#include "hashsieve/list_formats.h"

namespace hashsieve {
namespace {

struct Fields {
  std::string outcome, list, entry_id, distance, transform, quality, generation, canonical, pdq, error;
  std::string metadata;  // the matched entry's, as stored
  std::string signal;    // what matched: pdq, md5, sha1, sha256, sha512
};

std::string jsonl_line(const std::string& path, const Fields& f) {
  std::string s = "{\"path\":" + json_quote(path) + ",\"outcome\":\"" + f.outcome + "\"";
  if (!f.list.empty()) {
    s += ",\"list\":" + json_quote(f.list) + ",\"entry_id\":" + json_quote(f.entry_id) + ",\"distance\":" + f.distance;
    if (!f.transform.empty()) s += ",\"transform\":\"" + f.transform + "\"";
    s += ",\"signal\":\"" + f.signal + "\"";
    if (!f.metadata.empty()) {
      s += ",\"metadata\":";
      append_metadata_json(f.metadata, &s);
    }
  }
  if (!f.quality.empty()) s += ",\"quality\":" + f.quality;
  if (!f.generation.empty()) s += ",\"generation\":" + f.generation;
  if (!f.canonical.empty()) s += ",\"canonical\":" + f.canonical;
  if (!f.pdq.empty()) s += ",\"pdq\":\"" + f.pdq + "\"";
  if (!f.error.empty()) s += ",\"error\":" + json_quote(f.error);
  return s + "}\n";
}

std::string csv_line(const std::string& path, const Fields& f) {
  return csv_report_cell(path) + "," + f.outcome + "," + csv_report_cell(f.list) + "," + csv_report_cell(f.entry_id) +
         "," + f.distance + "," + f.transform + "," + f.quality + "," + f.generation + "," + f.canonical + "," +
         f.pdq + "," + csv_report_cell(f.error) + "," + csv_report_cell(f.metadata) + "," + f.signal + "\n";
}

}  // namespace

const char* scan_report_header(const ReportOptions& options) noexcept {
  if (options.format != ReportFormat::kCsv) return "";
  return "path,outcome,list,entry_id,distance,transform,quality,generation,canonical,pdq,error,metadata,signal\n";
}

namespace {

std::string format_lines(const ScanResult& r, const ReportOptions& options) {
  const bool report_it = r.outcome != ScanOutcome::kNoMatch || options.emit_hashes;
  if (!report_it) return "";
  Fields base;
  base.outcome = scan_outcome_name(r.outcome);
  if (r.outcome == ScanOutcome::kError) {
    base.error = r.status.to_string();
  } else if (r.image_status.ok()) {
    base.quality = std::to_string(r.quality);
    if (r.reduced) base.canonical = "false";
    if (options.emit_hashes) base.pdq = to_hex(r.hash);
  }  // else matched by its digests alone: no image quality or hash to show
  if (r.outcome == ScanOutcome::kMatch || r.outcome == ScanOutcome::kNoMatch) base.generation = std::to_string(r.generation);
  auto line = [&](const Fields& f) {
    return options.format == ReportFormat::kCsv ? csv_line(r.path, f) : jsonl_line(r.path, f);
  };
  if (r.matches.empty()) return line(base);
  std::string out;
  for (const ScanMatch& m : r.matches) {
    Fields f = base;
    f.list = m.list;
    f.entry_id = m.entry_id;
    f.distance = std::to_string(m.distance);
    f.signal = signal_name(m.signal);
    if (m.signal == Signal::kPdq) f.transform = dihedral_name(m.transform);
    f.metadata = m.metadata;
    out += line(f);
  }
  return out;
}

}  // namespace

Result<std::string> format_scan_result(const ScanResult& r, const ReportOptions& options) {
  return guard_status([&]() -> Result<std::string> { return format_lines(r, options); });
}

}  // namespace hashsieve
