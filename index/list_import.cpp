// The import loop: rows from a reader into atomic store batches, with the ids of the import
// tracked so a row that gives an id again is counted (and, when it changes an active hash,
// reported) instead of silently replacing the first.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "common/api_guard.h"
#include "index/huge_pages.h"
#include "index/list_rows.h"

namespace hashsieve {
namespace {

uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// Open addressing over 64-bit fingerprints of entry ids (16 bytes a row: a 10M-row import
// needs 256 MiB at most), each with a fingerprint of the row's hash and state. Each row's probe
// is a cache miss (and, with 4 KiB pages, a TLB miss) in a table of tens of MiB: the table is
// on huge pages, and rows are looked up a few at a time after their slots were prefetched.
class SeenIds {
 public:
  // Returns false for a new id; else the previous row's value, replaced by `value`.
  bool insert(uint64_t key, uint64_t value, uint64_t* previous) {
    if ((size_ + 1) * 10 > slots_.size() * 7) grow();
    key |= 1;  // 0 marks an empty slot
    size_t mask = slots_.size() - 1;
    for (size_t i = size_t(mix(key)) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.key == 0) { s = {key, value}; ++size_; return false; }
      if (s.key == key) { *previous = s.value; s.value = value; return true; }
    }
  }
  void prefetch(uint64_t key) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[size_t(mix(key | 1)) & (slots_.size() - 1)]);
  }

 private:
  struct Slot { uint64_t key = 0, value = 0; };
  void grow() {
    std::vector<Slot, detail::HugePageAllocator<Slot>> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    size_ = 0;
    uint64_t ignored;
    for (const Slot& s : old)
      if (s.key) insert(s.key, s.value, &ignored);
  }
  std::vector<Slot, detail::HugePageAllocator<Slot>> slots_;
  size_t size_ = 0;
};

uint64_t fingerprint(std::string_view id) { return mix(std::hash<std::string_view>{}(id) ^ (uint64_t(id.size()) << 56)); }

// The row's hash and state; 1 = withdrawn.
uint64_t row_value(const ListEntry& e) {
  if (e.state == EntryState::kWithdrawn) return 1;
  uint64_t v = e.has_hash ? e.hash.words[0] ^ mix(e.hash.words[1] ^ mix(e.hash.words[2] ^ mix(e.hash.words[3]))) : 2;
  for (const std::string& d : e.digests.bytes)
    if (!d.empty()) v = mix(v ^ std::hash<std::string_view>{}(d));
  return v <= 1 ? v + 2 : v;
}

// Parsing and storing overlap: full batches go to a writer thread through a one-batch slot, so
// at most two batches are in memory (the one being stored, the one being filled). A store error
// stops the reading at the next hand-off.
class ImportSink final : public ListSink {
 public:
  ImportSink(HashStore& store, const std::string& list, const ImportOptions& options, ImportReport* report,
             const std::string& file)
      : store_(store), list_(list), options_(options), report_(report), file_(file) {
    rows_.reserve(std::min<size_t>(options.batch_rows, 1 << 16));
    slot_.reserve(rows_.capacity());  // the two swap: neither grows (and faults in pages) later
  }
  ~ImportSink() { stop(); }

  Status row(ListEntry&& e, uint64_t line) override {
    const uint64_t key = fingerprint(e.entry_id);
    seen_.prefetch(key);
    pending_[pending_count_++] = Pending{key, row_value(e), line, rows_.size()};
    bytes_ += sizeof(ListEntry) + e.entry_id.size() + e.metadata.size() + 132 * !e.digests.empty();
    rows_.push_back(std::move(e));
    if (pending_count_ == kPending) check_pending();
    if (rows_.size() >= std::max<size_t>(options_.batch_rows, 1) || bytes_ >= options_.batch_bytes) return hand_off();
    return Status::Ok();
  }
  void error(RowError&& e) override {
    check_pending();  // errors stay in input order
    add_error(std::move(e));
  }
  // Stores what is left and waits for the writer.
  Status finish() {
    if (Status s = hand_off(); !s.ok()) return s;
    stop();
    return failed_;
  }
  // Waits for the writer to store what it holds.
  void stop() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (writer_.joinable()) writer_.join();
  }

 private:
  // The ids seen before in this import, for the rows given since the last check.
  void check_pending() {
    for (size_t i = 0; i < pending_count_; ++i) {
      const Pending& p = pending_[i];
      uint64_t previous;
      if (!seen_.insert(p.key, p.value, &previous)) continue;
      ++report_->superseded;
      if (previous > 1 && p.value > 1 && previous != p.value) {
        ++report_->conflicts;
        add_error(RowError{file_, p.line, "entry id '" + rows_[p.row].entry_id +
                                              "' was given earlier in this input with another hash; this row replaces it"});
      }
    }
    pending_count_ = 0;
  }
  void add_error(RowError&& e) {
    ++report_->error_count;
    if (report_->errors.size() < options_.max_errors) report_->errors.push_back(std::move(e));
  }
  Status hand_off() {
    check_pending();
    if (rows_.empty()) return Status::Ok();
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !full_ || !failed_.ok(); });
      if (!failed_.ok()) return failed_;
      slot_.swap(rows_);
      full_ = true;
      if (!writer_.joinable()) writer_ = std::thread([this] { write_loop(); });
    }
    cv_.notify_all();
    rows_.clear();
    bytes_ = 0;
    return Status::Ok();
  }
  void write_loop() {
    while (true) {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return full_ || done_; });
      if (!full_) return;
      lock.unlock();  // the slot stays full while it is stored: the reader fills the next batch
      Status s = store_batch(slot_);
      slot_.clear();
      lock.lock();
      full_ = false;
      if (!s.ok() && failed_.ok()) failed_ = s;
      lock.unlock();
      cv_.notify_all();
    }
  }
  Status store_batch(const std::vector<ListEntry>& rows) {
    auto st = store_.import_batch(list_, rows);
    if (!st.ok())  // what is committed stays: say how much, so the operator knows where to resume
      return Status(st.status().code(), st.status().message() + " (" + std::to_string(report_->batches) +
                                            " batches, " + std::to_string(report_->rows_committed) +
                                            " rows committed before)");
    report_->rows_committed += rows.size();
    report_->stats += *st;
    ++report_->batches;
    return Status::Ok();
  }

  HashStore& store_;
  const std::string& list_;
  const ImportOptions& options_;
  ImportReport* report_;  // the reader thread counts rows and errors, the writer thread batches
  std::string file_;
  std::vector<ListEntry> rows_;
  size_t bytes_ = 0;
  SeenIds seen_;
  struct Pending {
    uint64_t key, value, line;
    size_t row;  // index into rows_
  };
  static constexpr size_t kPending = 16;
  Pending pending_[kPending];
  size_t pending_count_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ListEntry> slot_;  // the batch handed to the writer
  bool full_ = false, done_ = false;
  Status failed_ = Status::Ok();
  std::thread writer_;
};

}  // namespace

Result<ImportReport> import_list(HashStore& store, const std::string& list, ListReader& reader,
                                 const ImportOptions& options) {
  return guard_status([&]() -> Result<ImportReport> {
    ImportReport report;
    ImportSink sink(store, list, options, &report, reader.name());
    if (Status s = reader.read(sink); !s.ok()) {
      sink.stop();  // the batches handed over before are stored; the partial one is not
      return s;
    }
    if (Status s = sink.finish(); !s.ok()) return s;
    report.counts = reader.counts();
    return report;
  });
}

std::string import_summary(const ImportReport& r, const std::string& input, ListFormat format) {
  auto n = [](uint64_t v) { return std::to_string(v); };
  std::string s = input + " (" + list_format_name(format) + "): added " + n(r.stats.added) + ", updated " +
                  n(r.stats.updated) + ", unchanged " + n(r.stats.unchanged) + ", withdrawn " + n(r.stats.withdrawn) +
                  ", unknown ids " + n(r.stats.not_found) + ", known benign " + n(r.counts.benign) +
                  ", not kept " + n(r.counts.skipped) + ", superseded " + n(r.superseded) + ", bad rows " +
                  n(r.error_count);
  if (r.error_count > r.errors.size()) s += " (" + n(r.error_count - r.errors.size()) + " more not shown)";
  return s;
}

}  // namespace hashsieve
