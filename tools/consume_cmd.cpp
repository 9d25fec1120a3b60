// `hashsieve consume`: scans the uploads queued on a Redis stream (consumer/ does the work).
#include <csignal>
#include <cstdio>
#include <ctime>
#include <string>

#include "consumer/redis_url.h"
#include "consumer/stream_consumer.h"
#include "hashsieve/live_scanner.h"
#include "tools/commands.h"
#include "tools/db_options.h"
#include "tools/exit_codes.h"
#include "tools/store_open.h"

namespace hashsieve::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop.store(true); }

struct Options {
  DbOptions db;
  std::string redis = "redis://127.0.0.1:6379";
  consumer::ConsumerOptions consume;
  ScanOptions scan;
  double claim_after_s = 60;
  double reload_s = 2;
  bool quiet = false;
};

// A number of seconds in [lo, hi] (CLI::Range would repeat its bounds in the help's type column).
CLI::Validator seconds_in(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(text, v) || !(v >= lo && v <= hi))
          return "takes seconds from " + CLI::detail::to_string(lo) + " to " + CLI::detail::to_string(hi) + ", not '" +
                 text + "'";
        return "";
      },
      "");
}

int fail(const std::string& message) {
  std::fprintf(stderr, "hashsieve consume: %s\n", message.c_str());
  return kExitError;
}

void log_line(const std::string& line) {
  char when[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::fprintf(stderr, "%s hashsieve consume: %s\n", when, line.c_str());
}

std::string fixed(double v, int digits) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

int run(Options& o) {
  auto endpoint = consumer::parse_redis_url(o.redis);
  if (!endpoint.ok()) return fail(endpoint.status().message());
  o.consume.redis = *endpoint;
  o.consume.claim_after = std::chrono::milliseconds(static_cast<long long>(o.claim_after_s * 1000));

  // Before the database is opened: a SIGTERM during start-up is a clean stop (exit 0), not a kill.
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  // Lists changed by another process (`hashsieve list import`) are used from the next message on.
  LiveScannerOptions lo;
  lo.db = o.db.path;
  lo.store.key_file = store_key_file(o.db.key_file);
  lo.scan = o.scan;
  lo.poll_interval = std::chrono::milliseconds(static_cast<long long>(o.reload_s * 1000));
  auto live = LiveScanner::Open(lo);
  if (!live.ok()) return fail("cannot open database " + o.db.path + ": " + live.status().to_string());

  consumer::StreamConsumer consumer(o.consume, (*live)->scanner(), o.quiet ? consumer::ConsumerLog() : consumer::ConsumerLog(log_line));
  const Status st = consumer.run(g_stop);
  const auto s = consumer.stats();
  const LiveStatus ls = (*live)->status();
  if (!o.quiet)
    log_line("stopping: " + std::to_string(s.messages) + " messages answered in " + fixed(s.busy_seconds, 2) + " s (" +
             fixed(s.busy_seconds > 0 ? double(s.messages) / s.busy_seconds : 0, 1) + " messages/s; " +
             std::to_string(s.matched) +
             " matched, " + std::to_string(s.errors) + " errors, " + std::to_string(s.dead_lettered) +
             " dead-lettered), " + std::to_string(s.claimed) + " claimed, " + std::to_string(s.batches) +
             " batches; list reloads: " + std::to_string(ls.reloads) + " (" + std::to_string(ls.reload_failures) +
             " failed" + (ls.last_error.empty() ? std::string() : ", last: " + ls.last_error) + ")");
  if (!st.ok()) return fail(st.to_string());
  return kExitDone;
}

}  // namespace

void add_consume_command(CLI::App& root, Commands& commands) {
  auto o = std::make_shared<Options>();
  CLI::App* app = add_command(
      root, "consume", "scan uploads queued on a Redis stream; one result per message on a results stream",
      "Each message carries `path` (a file to scan) or `data` (the image bytes), and any `id`. Its result "
      "(`message_id`, `id`, `outcome`, and `result`: the scan report line(s) as JSON) is added to the results "
      "stream before the message is acknowledged, so after a crash a message is scanned again: dedupe results "
      "by message_id. Messages idle on a dead consumer for --claim-after are claimed; a message delivered "
      "more than --max-deliveries times goes to the dead-letter stream unscanned. SIGTERM finishes the "
      "messages in hand, acknowledges them and exits 0.",
      kConsumeExitHelp);
  add_db_options(*app, o->db);
  app->add_option("--redis", o->redis, "the Redis server (default redis://127.0.0.1:6379)")->type_name("URL");
  app->add_option("--stream", o->consume.stream, "the upload stream (default uploads)")->type_name("KEY");
  app->add_option("--group", o->consume.group, "the consumer group, created if missing (default hashsieve)")
      ->type_name("NAME");
  app->add_option("--consumer", o->consume.consumer, "this consumer's name in the group (keep it across restarts)")
      ->required()
      ->type_name("NAME");
  app->add_option("--results", o->consume.results, "the results stream (default uploads:results)")->type_name("KEY");
  app->add_option("--dead-letter", o->consume.dead_letter, "the dead-letter stream (default uploads:dead)")
      ->type_name("KEY");
  app->add_option_function<std::string>(
         "--lists", [o](const std::string& v) { o->scan.lists = split_names(v, "--lists"); },
         "lists to match, comma-separated (default: all)")
      ->type_name("A,B");
  app->add_option("--radius", o->scan.radius, "match radius 0..256 for every list (default: each list's own)")
      ->check(in_range(0, 256))
      ->type_name("R");
  app->add_option("--min-quality", o->scan.min_quality, "items scoring below are low quality (default 50)")
      ->check(in_range(0, 100))
      ->type_name("Q");
  app->add_option("--batch", o->consume.batch, "messages read at a time; up to twice this many wait for a scanning thread (default 64)")
      ->check(in_range(1, 10000))
      ->type_name("N");
  app->add_option("--claim-after", o->claim_after_s,
                  "claim messages pending this long on another consumer (default 60)")
      ->check(seconds_in(0.001, 86400))
      ->type_name("SECONDS");
  app->add_option("--max-deliveries", o->consume.max_deliveries,
                  "dead-letter a message delivered more often than this (default 5)")
      ->check(in_range(1, 1000000))
      ->type_name("N");
  app->add_option("--reload-interval", o->reload_s,
                  "how often to look for changed lists, reloading them when they changed (default 2)")
      ->check(seconds_in(0.05, 3600))
      ->type_name("SECONDS");
  app->add_option("--threads", o->scan.threads, "scanning threads (default: all cores)")->type_name("N");
  app->add_flag("-q,--quiet", o->quiet, "no log lines on stderr");
  commands.push_back({app, [o] { return run(*o); }});
}

}  // namespace hashsieve::cli
