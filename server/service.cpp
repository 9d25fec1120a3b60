#include "server/service.h"

#include <chrono>
#include <string>

#include <sys/socket.h>

#include "hashsieve/cores.h"
#include "server/http_util.h"
#include "server/service_impl.h"

namespace hashsieve::server {
namespace {

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// The role a path needs (0: open to all: health checks, status, metrics).
unsigned role_for(const std::string& path) {
  if (path.rfind("/h/", 0) == 0) return kRoleHash;
  if (path.rfind("/m/", 0) == 0 || path.rfind("/v1/", 0) == 0) return kRoleMatch;
  if (path.rfind("/c/", 0) == 0) return kRoleCurate;
  return 0;
}

const char* role_name(unsigned role) {
  return role == kRoleHash ? "hash" : role == kRoleMatch ? "match" : "curate";
}

// A fixed label per known route, so metrics never carry request paths.
std::string route_label(const std::string& method, const std::string& path) {
  static const char* kRoutes[] = {"/m/raw_lookup", "/m/lookup",  "/m/index/status", "/m/compare", "/h/hash",
                                  "/status/live",  "/status",    "/v1/scan",        "/v1/match",  "/healthz",
                                  "/metrics",      "/c/banks"};
  for (const char* r : kRoutes)
    if (path == r) return method + " " + r;
  if (path.rfind("/c/", 0) == 0) return method + " /c/*";
  return "other";
}

struct RequestClock {
  std::chrono::steady_clock::time_point start;
  bool counted = false;
};
thread_local RequestClock t_clock;

}  // namespace

ScanCall Service::Impl::call_for(const std::vector<std::string>& lists) const {
  ScanCall call;
  call.lists = lists;
  call.deadline = std::chrono::steady_clock::now() + options.request_timeout;
  return call;
}

IndexGauges Service::Impl::gauges() const {
  const LiveStatus st = index->status();
  return IndexGauges{st.generation.number, st.generation.entries, st.reloads, st.reload_failures,
                     st.generation.built_at_ms};
}

bool Service::Impl::index_stale() const {
  const int64_t limit_ms = int64_t(options.stale_after.count()) * 1000;
  if (limit_ms <= 0) return false;
  const LiveStatus st = index->status();
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  // A check that failed counts as no check: the generation in use is then as old as its build.
  const int64_t last_good = st.last_error.empty() ? st.checked_at_ms : st.generation.built_at_ms;
  return now_ms - last_good > limit_ms;
}

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Service::~Service() = default;
int Service::port() const { return impl_->port; }
void Service::stop() { impl_->http.stop(); }

Result<std::unique_ptr<Service>> Service::Open(const ServeOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (!options.token_file.empty()) {
    auto tokens = TokenTable::Load(options.token_file);
    if (!tokens.ok()) return tokens.status();
    impl->tokens = std::move(*tokens);
  } else if (!is_loopback(options.host)) {
    return Status(StatusCode::kInvalidArgument,
                  "listening on " + options.host + " needs --token-file: without tokens only loopback is allowed");
  }
  if (options.threads == 0 || options.queue == 0)
    return Status(StatusCode::kInvalidArgument, "threads and queue must be at least 1");

  LiveScannerOptions lo;
  lo.db = options.db;
  lo.store = options.store;
  lo.scan.lists = options.lists;
  lo.scan.index_layout = options.index_layout;
  lo.poll_interval = options.poll_interval;
  auto index = LiveScanner::Open(lo);
  if (!index.ok()) return index.status();
  impl->index = std::move(*index);
  // Four places a core: with one, up to 30 of 32 connections' lookups queued, and each wait (a
  // sleep, then a wake-up from the other core) cost more CPU than a wide search's ~60 us.
  impl->searches = std::make_unique<ComputeGate>(
      options.searches > 0 ? options.searches : 4 * usable_cores());

  Impl& s = *impl;
  s.http.new_task_queue = [&s] { return new WorkerPool(s.options.threads, s.options.queue); };
  s.http.set_tcp_nodelay(true);
  s.http.set_socket_options([&s](socket_t sock) {
    httplib::default_socket_options(sock);
    s.listen_fd = sock;
  });
  s.http.set_payload_max_length(options.max_body_bytes);
  s.http.set_read_timeout(options.io_timeout_s, 0);
  s.http.set_write_timeout(options.io_timeout_s, 0);
  // The library closes a keep-alive connection after 5 requests by default: a reconnect every
  // 5 lookups would cost more than the lookups. An idle connection still ends at the timeout.
  s.http.set_keep_alive_max_count(100000);
  s.http.set_keep_alive_timeout(options.io_timeout_s);

  // Before the body is read: shed when saturated, then authenticate, so neither a flood nor a
  // client without a token makes the service read a large body.
  s.http.set_pre_routing_handler([&s](const httplib::Request& req, httplib::Response& res) {
    // A request on this thread that was never logged (its client vanished mid-body) is over.
    if (!t_clock.counted) s.in_flight.fetch_add(1);
    t_clock = RequestClock{std::chrono::steady_clock::now(), true};
    if (WorkerPool::shedding()) {
      s.metrics.add_shed();
      res.set_header("Retry-After", "1");
      res.set_header("Connection", "close");
      send_error(res, 503, "busy: every worker is handling a request; retry shortly");
      return httplib::Server::HandlerResponse::Handled;
    }
    const unsigned need = role_for(req.path);
    if (need != 0 && !s.tokens.empty()) {
      const unsigned roles = s.tokens.roles_of(req.get_header_value("Authorization"));
      if (roles == 0) {
        res.set_header("WWW-Authenticate", "Bearer");
        send_error(res, 401, "missing or unknown bearer token");
        return httplib::Server::HandlerResponse::Handled;
      }
      if ((roles & need) == 0) {
        send_error(res, 403, std::string("this token lacks the ") + role_name(need) + " role");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  // Errors the library answers itself (unknown route, body too large, bad request line) get a
  // JSON body like every other error.
  s.http.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const int code = res.status;
    const char* what = code == 404   ? "no such endpoint"
                       : code == 413 ? "request body too large"
                       : code == 405 ? "method not allowed"
                                     : "bad request";
    send_error(res, code, what);
    return httplib::Server::HandlerResponse::Handled;
  }));
  s.http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    send_error(res, 500, "internal error");
  });

  // After each response: metrics, and the access log when asked for (route, code, time only).
  s.http.set_logger([&s](const httplib::Request& req, const httplib::Response& res) {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = t_clock.counted ? std::chrono::duration<double>(now - t_clock.start).count() : 0.0;
    if (t_clock.counted) s.in_flight.fetch_sub(1);
    t_clock.counted = false;
    const std::string route = route_label(req.method, req.path);
    s.metrics.observe(route, res.status, seconds);
    if (s.options.access_log)
      s.options.access_log(route + " " + std::to_string(res.status) + " " + std::to_string(int64_t(seconds * 1e6)) + "us");
  });

  add_hma_routes(s);
  add_native_routes(s);
  add_curation_routes(s);

  if (options.port == 0) {
    s.port = s.http.bind_to_any_port(options.host);
    if (s.port < 0) return Status(StatusCode::kIoError, "cannot bind " + options.host);
  } else {
    if (!s.http.bind_to_port(options.host, options.port))
      return Status(StatusCode::kIoError, "cannot bind " + options.host + ":" + std::to_string(options.port));
    s.port = options.port;
  }
  // The library listens with a backlog of 5: when more clients connect at once (a load balancer's
  // pool, wrk's 32 connections), the kernel drops their SYNs and each retries a second later, a
  // one-second stall in the latency tail. Listening again on the same socket raises the backlog.
  if (::listen(s.listen_fd, SOMAXCONN) != 0)
    return Status(StatusCode::kIoError, "cannot raise the listen backlog of " + options.host);
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

Status Service::run() {
  if (!impl_->http.listen_after_bind() && impl_->http.is_running())
    return Status(StatusCode::kIoError, "the listening socket failed");
  return Status::Ok();
}

}  // namespace hashsieve::server
