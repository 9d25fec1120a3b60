#include "hashsieve/live_scanner.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/api_guard.h"

namespace hashsieve {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct LiveScanner::Impl {
  std::unique_ptr<HashStore> store;  // declared before the scanner, which borrows it
  std::unique_ptr<Scanner> scanner;
  std::chrono::milliseconds interval{0};

  std::mutex check_mu;  // one check at a time (thread or check_now)
  mutable std::mutex status_mu;
  LiveStatus status;

  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::thread poller;

  // Refreshes the store and reloads when its data version moved; records the outcome.
  Result<GenerationInfo> check() {
    std::lock_guard<std::mutex> lock(check_mu);
    Result<GenerationInfo> out = guard_status([&]() -> Result<GenerationInfo> {
      if (Status s = store->refresh(); !s.ok()) return s;
      auto version = store->data_version();
      if (!version.ok()) return version.status();
      GenerationInfo current = scanner->generation();
      if (*version == current.store_version) return current;
      return scanner->reload();
    });
    std::lock_guard<std::mutex> st(status_mu);
    status.checked_at_ms = now_ms();
    if (out.ok()) {
      if (out->number != status.generation.number) ++status.reloads;
      status.generation = *out;
      status.last_error.clear();
    } else {
      ++status.reload_failures;
      status.last_error = out.status().message();
    }
    return out;
  }

  void poll() {
    std::unique_lock<std::mutex> lock(stop_mu);
    while (!stopping) {
      if (stop_cv.wait_for(lock, interval, [&] { return stopping; })) break;
      lock.unlock();
      try {
        (void)check();  // failures are in status(); the previous generation keeps serving
      } catch (...) {
      }
      lock.lock();
    }
  }
};

Result<std::unique_ptr<LiveScanner>> LiveScanner::Open(const LiveScannerOptions& options) {
  return guard_status([&]() -> Result<std::unique_ptr<LiveScanner>> {
    auto impl = std::make_unique<Impl>();
    StoreOptions so = options.store;
    so.read_only = true;
    so.create_if_missing = false;
    auto store = HashStore::Open(options.db, so);
    if (!store.ok()) return store.status();
    impl->store = std::move(*store);
    auto scanner = Scanner::Create(*impl->store, options.scan);
    if (!scanner.ok()) return scanner.status();
    impl->scanner = std::move(*scanner);
    impl->interval = options.poll_interval;
    impl->status.generation = impl->scanner->generation();
    impl->status.checked_at_ms = now_ms();
    std::unique_ptr<LiveScanner> live(new LiveScanner(std::move(impl)));
    if (options.poll_interval.count() > 0) live->impl_->poller = std::thread([p = live->impl_.get()] { p->poll(); });
    return live;
  });
}

LiveScanner::LiveScanner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LiveScanner::~LiveScanner() {
  {
    std::lock_guard<std::mutex> lock(impl_->stop_mu);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  if (impl_->poller.joinable()) impl_->poller.join();
}

const Scanner& LiveScanner::scanner() const noexcept { return *impl_->scanner; }

LiveStatus LiveScanner::status() const {
  std::lock_guard<std::mutex> lock(impl_->status_mu);
  return impl_->status;
}

Result<GenerationInfo> LiveScanner::check_now() {
  return impl_->check();
}

}  // namespace hashsieve
