#include "tools/scan_options.h"

namespace hashsieve::cli {

void declare_scan_options(CLI::App& app, ScanCommandOptions& o) {
  add_image_job_options(app, o.job);
  add_db_options(app, o.db);
  app.add_option_function<std::string>(
         "--lists", [&o](const std::string& v) { o.scan.lists = split_names(v, "--lists"); },
         "lists to match, comma-separated (default: all)")
      ->type_name("A,B");
  app.add_option("--radius", o.scan.radius, "match radius 0..256 for every list (default: each list's own)")
      ->check(in_range(0, 256))
      ->type_name("R");
  app.add_option_function<std::vector<std::string>>(
         "--list-radius",
         [&o](const std::vector<std::string>& values) {
           for (const std::string& v : values) {
             const size_t eq = v.rfind('=');
             int r = -1;
             if (eq == std::string::npos || eq == 0 || !CLI::detail::lexical_cast(v.substr(eq + 1), r) || r < 0 || r > 256)
               throw CLI::ValidationError("--list-radius", "takes NAME=R with R in 0..256, not '" + v + "'");
             o.scan.list_radius.emplace_back(v.substr(0, eq), r);
           }
         },
         "radius for one list (repeatable)")
      ->allow_extra_args(false)
      ->type_name("NAME=R");
  app.add_option("--allow", o.allow_file,
                 "entries never to report, one \"list,entry_id\" a line (e.g. confirmed false positives)")
      ->type_name("FILE");
  app.add_option("--min-quality", o.scan.min_quality,
                 "items scoring below are reported as low_quality and not matched (default 50)")
      ->check(in_range(0, 100))
      ->type_name("Q");
  app.add_flag("--match-low-quality", o.scan.match_low_quality, "match low-quality items anyway");
  app.add_flag_callback("--no-dihedral", [&o] { o.scan.dihedral = false; }, "match the image as uploaded only");
  app.add_flag_callback("--fast", [&o] { o.scan.decode = DecodeMode::kFastJpeg; },
                        "hash large JPEGs from block means of their luma (DCT domain): several times faster, "
                        "results marked \"canonical\":false");
  app.add_flag("--emit-hashes", o.report.emit_hashes, "also report non-matching items, and every item's hash");
  app.add_option_function<std::string>(
         "--format", [&o](const std::string& v) { o.report.format = v == "csv" ? ReportFormat::kCsv : ReportFormat::kJsonl; },
         "report format: jsonl (default) or csv")
      ->check(one_of({"jsonl", "csv"}))
      ->type_name("FORMAT");
  app.add_option("--report", o.report_file, "write the report to FILE instead of stdout")->type_name("FILE");
  app.add_option("--state", o.state_file,
                 "resumable (needs --report): record in FILE how far the report is durably written; a rerun cuts the report back to that point and goes on from there, and refuses a state file from another queue")
      ->type_name("FILE");
  app.add_flag("--constant-time", o.scan.constant_time, "search the index without early exits");
  app.add_flag("--audit", o.audit, "record the batch and its matches in the database's append-only audit log");
  app.add_option("--operator", o.operator_name, "who runs the scan, for the audit log (default: $USER)")
      ->check(CLI::Validator([](std::string& v) { return v.empty() ? std::string("needs a name") : std::string(); }, ""))
      ->type_name("NAME");
  app.add_option("--batch", o.batch_id, "batch id for the audit log (default: start time and process id)")
      ->check(CLI::Validator([](std::string& v) { return v.empty() ? std::string("needs an id") : std::string(); }, ""))
      ->type_name("ID");
  app.add_option_function<std::string>(
         "--shard",
         [&o](const std::string& v) {
           std::string why;
           if (!parse_shard(v, o.shard, why)) throw CLI::ValidationError("--shard", why);
         },
         "scan only the items whose shard is I of N (0-based): FNV-1a-64 of the path's bytes mod N; N runs over the "
         "same inputs, one per I, together report every item exactly once")
      ->type_name("I/N");
  app.add_flag("--strict", o.strict, "items that cannot be scanned make the exit status 2");
}

void finish_scan_options(ScanCommandOptions& o) {
  require_input(o.job);
  if (!o.state_file.empty() && o.report_file.empty())
    throw CLI::ValidationError("--state", "needs --report FILE: a resumed report is repaired in place");
  o.scan.threads = o.job.threads;
  o.scan.simd = o.job.simd;
  o.scan.flavor = o.job.flavor;
  if (o.job.max_pixels) o.scan.limits.max_pixels = o.job.max_pixels;
}

}  // namespace hashsieve::cli
