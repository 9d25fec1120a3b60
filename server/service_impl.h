// What the route files share: the HTTP server, the live scanner, tokens, metrics and options.
#pragma once

#include <httplib.h>

#include <atomic>
#include <memory>

#include "hashsieve/live_scanner.h"
#include "server/compute_gate.h"
#include "server/http_server.h"
#include "server/metrics.h"
#include "server/service.h"
#include "server/tokens.h"
#include "server/worker_pool.h"

namespace hashsieve::server {

struct Service::Impl {
  ServeOptions options;
  std::unique_ptr<LiveScanner> index;
  TokenTable tokens;
  std::unique_ptr<ComputeGate> searches;  // hash lookups pass it before they search the index
  Metrics metrics;
  std::atomic<int> in_flight{0};
  HttpServer http;
  int port = 0;
  int listen_fd = -1;  // the listening socket, seen as it is made (for its backlog)

  ScanCall call_for(const std::vector<std::string>& lists) const;
  IndexGauges gauges() const;
  // HMA's INDEX-STALE: the lists were not checked successfully within stale_after.
  bool index_stale() const;
};

void add_hma_routes(Service::Impl& s);
void add_native_routes(Service::Impl& s);
void add_curation_routes(Service::Impl& s);

}  // namespace hashsieve::server
