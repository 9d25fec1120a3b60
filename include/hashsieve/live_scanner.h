// A scanner for long-running front ends (an HTTP service, a queue consumer, a distributed
// worker): a read-only store, a Scanner over it, and a thread that follows the store's writer.
//
// Every poll_interval the thread moves the store's view forward (refresh()) and, when
// data_version() moved past the version the current generation was built from, builds a new
// generation and swaps it in. Scans in flight finish on the generation they started with; a
// failed reload keeps serving the previous generation and is counted in status().
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "hashsieve/export.h"
#include "hashsieve/hash_store.h"
#include "hashsieve/scanner.h"
#include "hashsieve/status.h"

namespace hashsieve {

struct LiveScannerOptions {
  std::string db;       // the database directory (opened read-only: never the writer's lock)
  StoreOptions store;   // read_only and create_if_missing are forced to true and false
  ScanOptions scan;
  // How often the store is checked for changes; zero: never in the background (check_now() only).
  std::chrono::milliseconds poll_interval{2000};
};

struct LiveStatus {
  GenerationInfo generation;  // the generation new scans use
  int64_t checked_at_ms = 0;  // the last check of the store, successful or not (Unix epoch ms)
  uint64_t reloads = 0;       // generations built after the first
  uint64_t reload_failures = 0;
  std::string last_error;     // the last failed check or reload; "" when the last one succeeded
};

class HASHSIEVE_API LiveScanner {
 public:
  // Opens the store, builds the first generation and starts the polling thread.
  static Result<std::unique_ptr<LiveScanner>> Open(const LiveScannerOptions& options);
  ~LiveScanner();  // stops the thread (waits for a reload in progress)
  LiveScanner(const LiveScanner&) = delete;
  LiveScanner& operator=(const LiveScanner&) = delete;

  // Callable from any thread at any time; the reference stays valid for the LiveScanner's life.
  const Scanner& scanner() const noexcept;
  LiveStatus status() const;
  // Checks the store now on the caller's thread and reloads when it changed; returns the
  // generation in use afterwards. Serialised with the polling thread.
  Result<GenerationInfo> check_now();

 private:
  struct Impl;
  explicit LiveScanner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hashsieve
