// Batch scans split across processes (hashsieve.dask): the command line's own input walk, scan
// loop and report lines, exposed so that a driver and its workers produce exactly the report
// `hashsieve scan` writes. Private to the package (names start with "_").
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "bindings.h"
#include "errors.h"
#include "hashsieve/scan_report.h"
#include "scanner_binding.h"
#include "store.h"
#include "tools/input_paths.h"
#include "tools/path_text.h"

namespace hashsieve::py {

namespace {

// (path bytes, status code (0: scan it), reason): an item as the walk gives it.
using Item = std::tuple<pb::bytes, int, std::string>;
using RawItem = std::tuple<std::string, int, std::string>;

struct Walk {
  std::unique_ptr<cli::InputPaths> inputs;
};

ReportOptions report_options(bool csv, bool emit_hashes) {
  ReportOptions o;
  o.format = csv ? ReportFormat::kCsv : ReportFormat::kJsonl;
  o.emit_hashes = emit_hashes;
  return o;
}

struct Counts {
  uint64_t done = 0, matched = 0, low_quality = 0, failed = 0;
};

}  // namespace

void bind_batch(pb::module_& m) {
  pb::class_<Walk>(m, "_InputWalk", "The inputs of `hashsieve scan` (walk order, per-item errors), lazily.")
      .def(pb::init([](std::vector<std::string> paths, std::optional<std::string> files_from, bool nul) {
             auto w = std::make_unique<Walk>();
             w->inputs = std::make_unique<cli::InputPaths>(std::move(paths), files_from.value_or(""), nul);
             return w;
           }),
           pb::arg("paths"), pb::arg("files_from") = pb::none(), pb::arg("nul") = false)
      .def("next_items",
           [](Walk& w, size_t n) {
             std::vector<RawItem> raw;
             {
               pb::gil_scoped_release release;
               cli::InputItem item;
               while (raw.size() < n && w.inputs->next(item))
                 raw.emplace_back(std::move(item.path), static_cast<int>(item.error.code()), item.error.message());
             }
             pb::list out;
             for (auto& [p, c, why] : raw) out.append(pb::make_tuple(pb::bytes(p), c, why));
             return out;
           },
           pb::arg("n"), "Up to n more items as (path bytes, status code, reason); code 0: scan it.")
      .def("unchecked", [](const Walk& w) { return w.inputs->unchecked_inputs(); },
           "Named inputs that could not be looked at (the scan then did not check everything).");

  m.def("_report_header", [](bool csv) { return std::string(scan_report_header(report_options(csv, false))); },
        pb::arg("csv") = false);

  m.def("_escape_path", [](const std::string& path) { return cli::escape_path(path); },
        "A path as every hashsieve output writes it.");

  m.def(
      "_scan_report",
      [](const PyScanner& s, const std::vector<RawItem>& items, bool emit_hashes, bool csv, int threads,
         const std::string& base) {
        const ReportOptions ro = report_options(csv, emit_hashes);
        std::string text;
        Counts c;
        Status failed;
        {
          pb::gil_scoped_release release;
          size_t next = 0, reported = 0;
          ScanCall call;
          call.threads = threads;
          failed = s.scanner->scan_files(
              [&](FileInput& in) {
                if (next == items.size() || !failed.ok()) return false;
                const auto& [path, code, why] = items[next++];
                // A relative path is opened under the driver's directory and reported as given.
                in.path = (!base.empty() && !path.empty() && path[0] != '/') ? base + "/" + path : path;
                in.error = code ? Status(static_cast<StatusCode>(code), why) : Status();
                return true;
              },
              [&](const ScanResult& scanned) {
                ScanResult r = scanned;  // results come in input order
                r.path = std::get<0>(items[reported++]);
                ++c.done;
                if (r.outcome == ScanOutcome::kMatch) ++c.matched;
                if (r.outcome == ScanOutcome::kLowQuality) ++c.low_quality;
                if (r.outcome == ScanOutcome::kError) ++c.failed;
                Result<std::string> lines = Status(StatusCode::kInternal, "not run");
                if (!cli::path_prints_as_is(r.path)) r.path = cli::escape_path(r.path);
                lines = format_scan_result(r, ro);
                if (!lines.ok()) failed = lines.status();
                else text += *lines;
              },
              call);
        }
        check(failed);
        if (c.done != items.size())
          check(Status(StatusCode::kInternal, "scanned " + std::to_string(c.done) + " of " +
                                                  std::to_string(items.size()) + " items"));
        return pb::make_tuple(pb::bytes(text), c.done, c.matched, c.low_quality, c.failed);
      },
      pb::arg("scanner"), pb::arg("items"), pb::kw_only(), pb::arg("emit_hashes") = false, pb::arg("csv") = false,
      pb::arg("threads") = 1, pb::arg("base") = "",
      "Scans (path, code, reason) items as `hashsieve scan` does; returns (report bytes, done, matched, "
      "low_quality, failed). Items with a code are reported as errors, never opened; relative paths are "
      "opened under `base` (the driver's directory) and reported as given.");

  m.def("_data_version",
        [](const PyStore& s) {
          Result<uint64_t> v = Status(StatusCode::kInternal, "not run");
          {
            pb::gil_scoped_release release;
            v = s.store->data_version();
          }
          return take(std::move(v));
        },
        "The store's data version: it moves whenever list content changes.");
  m.def("_store_version", [](const PyScanner& s) { return s.scanner->generation().store_version; },
        "The data version the scanner's current generation was built from.");

  m.def(
      "_checkpoint",
      [](const PyStore& s, const std::string& dir) {
        Status st;
        {
          pb::gil_scoped_release release;
          st = s.store->checkpoint(dir);
        }
        check(st);
      },
      pb::arg("store"), pb::arg("dir"), "A consistent copy of the database in dir (as `hashsieve db checkpoint`).");
}

}  // namespace hashsieve::py
