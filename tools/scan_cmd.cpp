// `hashsieve scan`: the main job. Upload files in, a report of what matches known lists out.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "hashsieve/audit_trail.h"
#include "hashsieve/hash_store.h"
#include "hashsieve/scan_report.h"
#include "hashsieve/scanner.h"
#include "tools/allow_file.h"
#include "tools/commands.h"
#include "tools/exit_codes.h"
#include "tools/input_paths.h"
#include "tools/list_selection.h"
#include "tools/path_text.h"
#include "tools/scan_options.h"
#include "tools/scan_report_output.h"
#include "tools/scan_state.h"
#include "tools/store_open.h"

namespace hashsieve::cli {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "hashsieve scan: %s\n", message.c_str());
  return kExitError;
}

std::string report_kind(const ReportOptions& r) {
  return std::string(r.format == ReportFormat::kCsv ? "csv" : "jsonl") + (r.emit_hashes ? "+hashes" : "");
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// The report lines of one item, its path written as every output writes paths (path_text.h).
Result<std::string> report_lines(const ScanResult& r, const ReportOptions& options) {
  if (path_prints_as_is(r.path)) return format_scan_result(r, options);
  ScanResult escaped = r;
  escaped.path = escape_path(r.path);
  return format_scan_result(escaped, options);
}

struct Counts {
  uint64_t done = 0, matched = 0, low_quality = 0, failed = 0;  // over the whole queue, resumed part included
  uint64_t this_run = 0;
};

int run(ScanCommandOptions& o) {
  finish_scan_options(o);
  std::string err;
  std::vector<AllowEntry> allow;
  if (!o.allow_file.empty() && !load_allow_file(o.allow_file, allow, err)) return fail(err);

  ScanState state;
  bool resuming = false;
  if (!o.state_file.empty() && !load_scan_state(o.state_file, state, resuming, err)) return fail(err);
  const std::string kind = report_kind(o.report);
  if (resuming && state.report_kind != kind)
    return fail("the state file " + o.state_file + " belongs to a " + state.report_kind + " report; this run writes " +
                kind + " (same --format and --emit-hashes to resume)");

  auto store = open_store(o.db, "scan", false, true);  // a reader of the lists; the audit log is its own instance
  if (!store) return kExitError;
  if (!check_named_lists(*store, o.scan.lists, o.scan.list_radius, allow, o.allow_file, err)) return fail(err);
  for (const AllowEntry& a : allow) o.scan.allow.emplace_back(a.list, a.entry_id);
  auto scanner = Scanner::Create(*store, o.scan);
  if (!scanner.ok()) return fail(scanner.status().to_string());
  const GenerationInfo gen = (*scanner)->generation();
  if (gen.entries == 0 && gen.digest_entries == 0) {
    std::vector<std::string> names;
    for (const auto& l : gen.lists) names.push_back(l.first);
    return fail("nothing can match: the lists selected (" + (names.empty() ? std::string("none") : joined(names)) +
                ") hold no active entries");
  }
  if (o.job.verbose)
    std::fprintf(stderr, "index generation %llu: %zu entries in %zu lists\n", (unsigned long long)gen.number, gen.entries,
                 gen.lists.size());

  InputPaths inputs(o.job.paths, o.job.files_from, o.job.nul);
  uint64_t seen = 0;  // items in the inputs, every shard's
  // The queue is this shard's items: the state file's digest and counts cover them alone.
  auto next_input = [&](InputItem& item) {
    while (inputs.next(item)) {
      ++seen;
      if (in_shard(o.shard, item.path)) return true;
    }
    return false;
  };
  QueueDigest digest;
  if (resuming) {  // the items the state covers must be this queue's first ones
    for (uint64_t i = 0; i < state.done; ++i) {
      InputItem item;
      if (!next_input(item))
        return fail("the state file " + o.state_file + " records " + std::to_string(state.done) +
                    " items done, but these inputs hold only " + std::to_string(i) +
                    ": it belongs to another, longer queue; refusing to resume");
      digest.add(item.path);
    }
    if (digest.value() != state.queue_digest)
      return fail("the state file " + o.state_file + " does not match these inputs (its first " +
                  std::to_string(state.done) + " items, up to " + state.last_path +
                  ", differ): it belongs to another queue; refusing to resume");
  }
  ScanReportOutput report;
  if (!(resuming ? report.open_resume(o.report_file, state.report_bytes, err) : report.open_fresh(o.report_file, err)))
    return fail(err);
  if (!resuming) report.write(scan_report_header(o.report));

  Counts c;
  c.done = state.done;
  c.matched = state.matched;
  c.failed = state.failed;
  std::string last_path = state.last_path;
  std::atomic<bool> stop{false};  // a write failed: read no more input
  bool state_failed = false;
  Status format_error;
  // Match records are keyed by item ordinal, so a resumed scan records each match once.
  const auto this_run = [&] {
    return AuditCounts{c.this_run, c.matched - state.matched, c.low_quality, c.failed - state.failed};
  };
  AuditTrail audit(o.audit ? store.get() : nullptr, o.operator_name, o.batch_id, o.state_file, state.done);
  if (Status as = audit.start(); !as.ok()) return fail(as.to_string());
  // The durable point: report bytes fsynced, then the state that covers exactly them.
  auto checkpoint = [&] {
    if (!report.sync()) return false;
    // The audit records of the items the state covers are stored before the state says they are done.
    if (Status as = audit.checkpoint(c.done, this_run()); !as.ok()) {
      err = as.to_string();
      state_failed = true;
      return false;
    }
    const ScanState s{c.done, report.bytes(), c.matched, c.failed, digest.value(), kind, last_path};
    if (!save_scan_state(o.state_file, s, err)) {
      state_failed = true;
      return false;
    }
    return true;
  };

  const bool progress = !o.job.quiet && ::isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  auto last_save = start;
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  auto next = [&](FileInput& in) {
    InputItem item;
    if (stop.load(std::memory_order_relaxed) || !next_input(item)) return false;
    in.path = std::move(item.path);
    in.error = std::move(item.error);
    return true;
  };
  auto sink = [&](const ScanResult& r) {
    ++c.done;
    ++c.this_run;
    switch (r.outcome) {
      case ScanOutcome::kMatch: ++c.matched; break;
      case ScanOutcome::kLowQuality: ++c.low_quality; break;
      case ScanOutcome::kError:
        ++c.failed;
        if (!o.job.quiet)
          std::fprintf(stderr, "%s%s: %s\n", progress ? "\r\033[K" : "", escape_path(r.path).c_str(),
                       r.status.to_string().c_str());
        break;
      case ScanOutcome::kNoMatch: break;
    }
    digest.add(r.path);
    last_path = escape_path(r.path);
    auto lines = report_lines(r, o.report);
    if (!lines.ok()) {
      format_error = lines.status();  // the item is not reported: nothing after it may be recorded as done
      stop = true;
    } else if (!report.write(*lines)) {
      stop = true;
    }
    audit.record(r);
    const auto now = std::chrono::steady_clock::now();
    if (!o.state_file.empty() && !stop && now - last_save > std::chrono::seconds(1)) {
      if (!checkpoint()) stop = true;
      last_save = now;
    }
    if (progress && c.this_run % 16 == 0)
      std::fprintf(stderr, "\r\033[Kscanned %llu  matched %llu  failed %llu  %.1f img/s", (unsigned long long)c.done,
                   (unsigned long long)c.matched, (unsigned long long)c.failed, c.this_run / std::max(elapsed(), 1e-9));
  };
  Status st = (*scanner)->scan_files(next, sink);
  if (progress) std::fputs("\r\033[K", stderr);
  if (!o.state_file.empty() && !stop && !report.failed()) checkpoint();
  report.close();
  if (st.ok()) st = audit.finish(gen, o.scan, this_run());
  const double secs = elapsed();
  if (!o.job.quiet)
    std::fprintf(stderr, "scanned %llu items in %.2f s (%.1f images/s): %llu matched, %llu low quality, %llu failed%s\n",
                 (unsigned long long)c.this_run, secs, c.this_run / std::max(secs, 1e-9), (unsigned long long)c.matched,
                 (unsigned long long)c.low_quality, (unsigned long long)c.failed,
                 state.done ? (" (resumed after " + std::to_string(state.done) + "; counts cover the whole queue)").c_str() : "");

  if (report.failed()) return fail(report.error() + " (the report is incomplete)");
  if (!format_error.ok()) return fail(format_error.to_string() + " (the report is incomplete)");
  if (state_failed) return fail(err);
  if (!st.ok()) return fail(st.to_string());
  if (const auto& unchecked = inputs.unchecked_inputs(); !unchecked.empty()) {
    std::string msg = "not everything asked for was checked: " + unchecked.front();
    if (unchecked.size() > 1) msg += " (and " + std::to_string(unchecked.size() - 1) + " more)";
    return fail(msg);
  }
  if (c.done == 0 && o.shard.count > 1 && seen > 0) {  // the other shards hold every item: nothing here to match
    if (!o.job.quiet)
      std::fprintf(stderr, "shard %llu/%llu holds none of the %llu items\n", (unsigned long long)o.shard.index,
                   (unsigned long long)o.shard.count, (unsigned long long)seen);
    return kExitNothingMatched;
  }
  if (c.done == 0) return fail("no input found: the paths and lists given hold no files; nothing was checked");
  if (c.failed == c.done)
    return fail("no item could be scanned (" + std::to_string(c.failed) + " failed): nothing was checked");
  if (o.strict && c.failed) return fail("--strict: " + std::to_string(c.failed) + " item(s) could not be scanned");
  return c.matched ? kExitMatched : kExitNothingMatched;
}

}  // namespace

void add_scan_command(CLI::App& root, Commands& commands) {
  auto o = std::make_shared<ScanCommandOptions>();
  CLI::App* app = add_command(root, "scan", "scan images against the hash lists and report matches",
                              "Hashes every image (files, directories walked recursively in sorted order, "
                              "--files-from) with PDQ, its eight rotations and mirrors included, and reports those "
                              "that match the database's hash lists: one JSONL (or CSV) line per match, and one per "
                              "item that could not be scanned or scored too low. Paths are written with \\ as \\\\ and control "
                              "or non-UTF-8 bytes as \\xHH (lossless). A summary goes to stderr.",
                              kScanExitHelp);
  declare_scan_options(*app, *o);
  commands.push_back({app, [o] { return run(*o); }, &o->job.paths});
}

}  // namespace hashsieve::cli
