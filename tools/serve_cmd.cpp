// `hashsieve serve`: runs the HTTP match service (server/) until SIGTERM or SIGINT, then stops
// accepting, lets requests in flight finish and exits 0.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <thread>

#include "server/service.h"
#include "tools/commands.h"
#include "tools/db_options.h"
#include "tools/exit_codes.h"
#include "tools/store_open.h"

namespace hashsieve::cli {
namespace {

constexpr const char* kServeExitHelp = "exit status: 0 stopped by SIGTERM or SIGINT; 2 error (usage, database, bind)";

struct Options {
  DbOptions db;
  std::string listen = "127.0.0.1:5100", lists, token_file;
  size_t max_body_mib = 50;
  double request_timeout_s = 10, stale_after_s = 65, poll_s = 2;
  size_t threads = 64, queue = 256, searches = 0;
  int io_timeout_s = 5;
  std::string index_layout = "compact";
  bool access_log = false;
};

int fail(const std::string& why) {
  std::fprintf(stderr, "hashsieve serve: %s\n", why.c_str());
  return kExitError;
}

int run(const Options& o) {
  server::ServeOptions so;
  so.db = o.db.path;
  so.store.key_file = store_key_file(o.db.key_file);
  if (!o.lists.empty()) so.lists = split_names(o.lists, "--lists");
  const size_t colon = o.listen.rfind(':');
  if (colon == std::string::npos) return fail("--listen: expected HOST:PORT, got " + o.listen);
  so.host = o.listen.substr(0, colon);
  if (so.host.size() > 2 && so.host.front() == '[' && so.host.back() == ']') so.host = so.host.substr(1, so.host.size() - 2);
  try {
    so.port = std::stoi(o.listen.substr(colon + 1));
  } catch (...) {
    return fail("--listen: bad port in " + o.listen);
  }
  if (so.port < 0 || so.port > 65535) return fail("--listen: port out of range");
  so.token_file = o.token_file;
  so.max_body_bytes = o.max_body_mib << 20;
  so.request_timeout = std::chrono::milliseconds(int64_t(o.request_timeout_s * 1000));
  so.stale_after = std::chrono::seconds(int64_t(o.stale_after_s));
  so.poll_interval = std::chrono::milliseconds(int64_t(o.poll_s * 1000));
  so.threads = o.threads;
  so.queue = o.queue;
  so.searches = o.searches;
  so.io_timeout_s = o.io_timeout_s;
  so.index_layout = o.index_layout == "wide" ? IndexLayout::kWide : IndexLayout::kCompact;
  if (o.access_log) so.access_log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };

  // Signals are taken by one watcher thread: blocked here, before any thread exists, so every
  // thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto service = server::Service::Open(so);
  if (!service.ok()) return fail(service.status().to_string());
  std::fprintf(stderr, "hashsieve serve: listening on %s:%d\n", so.host.c_str(), (*service)->port());
  std::fflush(stderr);

  std::atomic<bool> done{false};
  std::thread watcher([&] {
    const timespec tick{0, 200 * 1000 * 1000};
    while (!done.load()) {
      if (sigtimedwait(&stop_signals, nullptr, &tick) > 0) {
        (*service)->stop();
        return;
      }
    }
  });
  const Status st = (*service)->run();
  done = true;
  watcher.join();
  service->reset();  // joins the index's reload thread
  if (!st.ok()) return fail(st.to_string());
  std::fprintf(stderr, "hashsieve serve: stopped\n");
  return kExitDone;
}

}  // namespace

void add_serve_command(CLI::App& root, Commands& commands) {
  auto o = std::make_shared<Options>();
  CLI::App* app = add_command(
      root, "serve", "run the HTTP match service (HMA-compatible API and native endpoints)",
      "Answers HMA 2.0's matching, hashing and status endpoints and /v1/scan, /v1/match, /healthz, /metrics. "
      "Lists changed by another process (`hashsieve list import`) are picked up within a few seconds. Without "
      "--token-file only a loopback address may be listened on. SIGTERM stops accepting and lets requests in "
      "flight finish.",
      kServeExitHelp);
  add_db_options(*app, o->db);
  app->add_option("--listen", o->listen, "HOST:PORT to listen on (default 127.0.0.1:5100; port 0: any free port)")
      ->type_name("HOST:PORT");
  app->add_option("--lists", o->lists, "lists to match, comma-separated (default: all)")->type_name("A,B");
  app->add_option("--token-file", o->token_file,
                  "bearer tokens, a line each: `ROLES TOKEN` (roles: match,hash,curate)")
      ->type_name("FILE");
  app->add_option("--max-body-mib", o->max_body_mib, "largest request body (default 50)")->check(in_range(1, 4096))->type_name("MIB");
  app->add_option("--request-timeout", o->request_timeout_s, "seconds a scan may take before it is cancelled (default 10)")
      ->type_name("S");
  app->add_option("--stale-after", o->stale_after_s,
                  "/status answers 503 INDEX-STALE when the lists were not checked for this many seconds (default 65; 0: never)")
      ->type_name("S");
  app->add_option("--poll", o->poll_s, "seconds between checks for changed lists (default 2)")->type_name("S");
  app->add_option("--threads", o->threads, "connection workers (default 64)")->check(in_range(1, 4096))->type_name("N");
  app->add_option("--queue", o->queue, "connections waiting for a worker before 503 (default 256)")
      ->check(in_range(1, 65536))
      ->type_name("N");
  app->add_option("--searches", o->searches,
                  "index searches at once; more lookups wait their turn (default: four per core)")
      ->check(in_range(0, 4096))
      ->type_name("N");
  app->add_option("--io-timeout", o->io_timeout_s, "seconds a client may stall a read or write (default 5)")
      ->check(in_range(1, 3600))
      ->type_name("S");
  app->add_option("--index-layout", o->index_layout,
                  "the index's tables: compact (default) or wide (fewer memory reads a lookup, ~4.6x the "
                  "index memory: ~360 instead of ~78 bytes a hash at 10M entries)")
      ->check(CLI::IsMember({"compact", "wide"}))
      ->type_name("compact|wide");
  app->add_flag("--access-log", o->access_log, "a line per request on stderr: route, status, microseconds");
  commands.push_back({app, [o] { return run(*o); }});
}

}  // namespace hashsieve::cli
