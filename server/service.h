// `hashsieve serve`: the HTTP match service. It answers HMA 2.0's API (so a platform's HMA client
// works unchanged) and native endpoints, from a LiveScanner kept current while lists change.
// Upload bytes stay in memory for the request; nothing is logged but routes, codes and timings.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hashsieve/hash_index.h"
#include "hashsieve/hash_store.h"
#include "hashsieve/status.h"

namespace hashsieve::server {

struct ServeOptions {
  std::string db;
  StoreOptions store;               // key_file etc.; opened read-only
  std::vector<std::string> lists;   // lists to match; empty = all
  std::string host = "127.0.0.1";   // anything but loopback needs a token file
  int port = 5100;                  // 0 = any free port (see Service::port())
  std::string token_file;           // empty: no authentication (loopback only)
  size_t max_body_bytes = size_t{50} << 20;
  std::chrono::milliseconds request_timeout{10000};  // a scan past it is cancelled (503)
  std::chrono::seconds stale_after{65};   // /status answers INDEX-STALE past it; 0 = never
  std::chrono::milliseconds poll_interval{2000};     // how often the store is checked for changes
  size_t threads = 64;        // connection workers (a keep-alive connection holds one)
  size_t queue = 256;         // accepted connections waiting for a worker; past it: 503
  size_t searches = 0;        // index searches at once, the rest wait in arrival order; 0 = four per core
  IndexLayout index_layout = IndexLayout::kCompact;  // kWide: faster lookups, ~4.6x the index memory
  int io_timeout_s = 5;       // read/write timeout per socket operation (slow clients)
  std::function<void(const std::string&)> access_log;  // one line per request; empty = off
};

class Service {
 public:
  // Opens the store and builds the first index generation, then binds; nothing is served until run().
  static Result<std::unique_ptr<Service>> Open(const ServeOptions& options);
  ~Service();
  int port() const;
  // Serves until stop(); requests in flight finish before it returns.
  Status run();
  // Stops accepting; callable from any thread (e.g. a signal watcher).
  void stop();

  struct Impl;

 private:
  explicit Service(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hashsieve::server
