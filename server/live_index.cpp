#include "server/live_index.h"

#include <utility>

namespace hashsieve::server {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::unique_ptr<LiveIndex>> LiveIndex::Open(const LiveIndexOptions& options) {
  std::unique_ptr<LiveIndex> live(new LiveIndex());
  live->options_ = options;
  StoreOptions so = options.store;
  so.read_only = true;
  so.create_if_missing = false;
  auto store = HashStore::Open(options.db, so);
  if (!store.ok()) return store.status();
  live->store_ = std::move(*store);
  auto fp = live->fingerprint();
  if (!fp.ok()) return fp.status();
  live->fingerprint_ = *fp;
  auto scanner = Scanner::Create(*live->store_, options.scan);
  if (!scanner.ok()) return scanner.status();
  live->scanner_ = std::move(*scanner);
  live->status_.generation = live->scanner_->generation();
  live->status_.built_at_ms = live->status_.checked_at_ms = now_ms();
  if (options.poll_interval.count() > 0) live->poller_ = std::thread([p = live.get()] { p->poll_loop(); });
  return live;
}

LiveIndex::~LiveIndex() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (poller_.joinable()) poller_.join();
}

LiveIndexStatus LiveIndex::status() const {
  std::lock_guard<std::mutex> lock(status_mu_);
  return status_;
}

Result<std::string> LiveIndex::fingerprint() const {
  auto lists = store_->lists();
  if (!lists.ok()) return lists.status();
  std::string fp;
  for (const ListInfo& l : *lists)
    fp += l.name + '\0' + std::to_string(l.id) + ':' + std::to_string(l.updated_ms) + ':' + std::to_string(l.active) +
          ':' + std::to_string(l.withdrawn) + '\n';
  return fp;
}

Status LiveIndex::check_now() {
  std::lock_guard<std::mutex> check_lock(check_mu_);
  Status st = store_->refresh();
  Result<std::string> fp = st.ok() ? fingerprint() : Result<std::string>(st);
  if (fp.ok() && *fp == fingerprint_) {
    std::lock_guard<std::mutex> lock(status_mu_);
    status_.checked_at_ms = now_ms();
    return Status::Ok();
  }
  Result<GenerationInfo> gen = fp.ok() ? scanner_->reload() : Result<GenerationInfo>(fp.status());
  std::lock_guard<std::mutex> lock(status_mu_);
  if (!gen.ok()) {
    ++status_.reload_failures;
    status_.last_error = gen.status().to_string();
    return gen.status();
  }
  fingerprint_ = *fp;
  status_.generation = *gen;
  status_.built_at_ms = status_.checked_at_ms = now_ms();
  ++status_.reloads;
  status_.last_error.clear();
  return Status::Ok();
}

void LiveIndex::poll_loop() {
  std::unique_lock<std::mutex> lock(stop_mu_);
  while (!stop_cv_.wait_for(lock, options_.poll_interval, [this] { return stopping_; })) {
    lock.unlock();
    (void)check_now();  // failures are counted in status(); the old generation keeps serving
    lock.lock();
  }
}

}  // namespace hashsieve::server
