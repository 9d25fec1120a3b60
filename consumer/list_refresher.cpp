#include "consumer/list_refresher.h"

namespace hashsieve::consumer {

ListRefresher::ListRefresher(HashStore& store, Scanner& scanner, std::chrono::milliseconds interval,
                             std::function<void(const std::string&)> log)
    : store_(store), scanner_(scanner), interval_(interval), log_(std::move(log)) {
  if (auto f = fingerprint(); f.ok()) last_ = *f;
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
      lock.unlock();
      auto r = check_now();
      if (!r.ok() && log_) log_("list reload failed (the current lists stay in use): " + r.status().to_string());
      lock.lock();
    }
  });
}

ListRefresher::~ListRefresher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

// What changes whenever a list's content does: each list's id, counts and update time.
Result<std::string> ListRefresher::fingerprint() const {
  auto lists = store_.lists();
  if (!lists.ok()) return lists.status();
  std::string f;
  for (const ListInfo& l : *lists)
    f += std::to_string(l.id) + ":" + std::to_string(l.updated_ms) + ":" + std::to_string(l.active) + ":" +
         std::to_string(l.withdrawn) + ";";
  return f;
}

Result<bool> ListRefresher::check_now() {
  if (Status st = store_.refresh(); !st.ok()) return st;
  auto f = fingerprint();
  if (!f.ok()) return f.status();
  if (*f == last_) return false;
  auto g = scanner_.reload();
  if (!g.ok()) return g.status();
  last_ = *f;
  if (log_)
    log_("lists reloaded: generation " + std::to_string(g->number) + ", " + std::to_string(g->entries) + " entries");
  return true;
}

}  // namespace hashsieve::consumer
