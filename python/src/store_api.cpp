// hashsieve.Store: lists, imports, withdrawals and export over HashStore.
#include <pybind11/stl.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "bindings.h"
#include "errors.h"
#include "hashsieve/list_formats.h"
#include "json_value.h"
#include "store.h"

namespace hashsieve::py {

namespace {

std::string fs_path(pb::handle path) {
  pb::object fs = pb::module_::import("os").attr("fsdecode")(path);
  return fs.cast<std::string>();
}

struct ImportSummary {
  ImportStats stats;
  uint64_t batches = 0;
  ReadCounts counts;
  uint64_t superseded = 0;
  uint64_t error_count = 0;
  std::vector<RowError> errors;
};

struct PyEntry {
  ListEntry e;
};

// Streams a list's entries from one consistent view: a worker thread visits them (the store's
// visitor cannot be resumed), handing over chunks through a short queue, so an export of ten
// million entries never sits in memory whole.
class ExportIterator {
 public:
  ExportIterator(std::shared_ptr<HashStore> store, std::string list) : store_(std::move(store)), list_(std::move(list)) {
    worker_ = std::thread([this] { run(); });
  }
  ~ExportIterator() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  // Next entry or nullopt at the end (GIL released while waiting).
  std::optional<ListEntry> next() {
    if (pos_ < current_.size()) return std::move(current_[pos_++]);
    Status status;
    {
      pb::gil_scoped_release release;
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return !chunks_.empty() || done_; });
      if (!chunks_.empty()) {
        current_ = std::move(chunks_.front());
        chunks_.pop_front();
        pos_ = 0;
      } else {
        status = status_;
        status_ = Status::Ok();
      }
    }
    cv_.notify_all();
    check(status);
    if (pos_ < current_.size()) return std::move(current_[pos_++]);
    return std::nullopt;
  }

 private:
  static constexpr size_t kChunk = 1024, kMaxChunks = 4;

  void run() {
    std::vector<ListEntry> chunk;
    auto hand_over = [&]() {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop_ || chunks_.size() < kMaxChunks; });
      if (stop_) return false;
      chunks_.push_back(std::move(chunk));
      chunk.clear();
      cv_.notify_all();
      return true;
    };
    Status s = store_->for_each_entry(list_, [&](const ListEntry& e) {
      chunk.push_back(e);
      return chunk.size() < kChunk || hand_over();
    });
    if (s.ok() && !chunk.empty()) hand_over();
    std::lock_guard<std::mutex> lock(mu_);
    status_ = s;
    done_ = true;
    cv_.notify_all();
  }

  std::shared_ptr<HashStore> store_;
  std::string list_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<ListEntry>> chunks_;
  bool done_ = false, stop_ = false;
  Status status_;
  std::vector<ListEntry> current_;
  size_t pos_ = 0;
  std::thread worker_;
};

template <typename F>
auto without_gil(F&& f) {
  pb::gil_scoped_release release;
  return f();
}

}  // namespace

void bind_store(pb::module_& m) {
  pb::class_<ListInfo>(m, "ListInfo", "A named hash list.")
      .def_readonly("name", &ListInfo::name)
      .def_readonly("radius", &ListInfo::default_radius, "The list's default match radius.")
      .def_readonly("source", &ListInfo::source)
      .def_readonly("active", &ListInfo::active, "Entries that match.")
      .def_readonly("withdrawn", &ListInfo::withdrawn, "Withdrawn entries kept for the audit trail.")
      .def_readonly("created_ms", &ListInfo::created_ms)
      .def_readonly("updated_ms", &ListInfo::updated_ms)
      .def("__repr__", [](const ListInfo& l) {
        return "<hashsieve.ListInfo " + l.name + " radius=" + std::to_string(l.default_radius) +
               " active=" + std::to_string(l.active) + " withdrawn=" + std::to_string(l.withdrawn) + ">";
      });

  pb::class_<RowError>(m, "RowError", "A row of a list file that was not imported.")
      .def_readonly("file", &RowError::file)
      .def_readonly("line", &RowError::line, "1-based; 0 when the whole file is affected.")
      .def_readonly("reason", &RowError::reason)
      .def("__str__", &RowError::to_string)
      .def("__repr__", [](const RowError& e) { return "<hashsieve.RowError " + e.to_string() + ">"; });

  pb::class_<ImportSummary>(m, "ImportSummary", "What an import or withdrawal changed.")
      .def_property_readonly("added", [](const ImportSummary& s) { return s.stats.added; })
      .def_property_readonly("updated", [](const ImportSummary& s) { return s.stats.updated; })
      .def_property_readonly("unchanged", [](const ImportSummary& s) { return s.stats.unchanged; })
      .def_property_readonly("withdrawn", [](const ImportSummary& s) { return s.stats.withdrawn; })
      .def_property_readonly("not_found", [](const ImportSummary& s) { return s.stats.not_found; },
                             "Withdrawals of unknown ids.")
      .def_readonly("batches", &ImportSummary::batches, "Atomic store batches written.")
      .def_property_readonly("skipped", [](const ImportSummary& s) { return s.counts.skipped; },
                             "Rows that are not PDQ (other signal types).")
      .def_property_readonly("benign", [](const ImportSummary& s) { return s.counts.benign; },
                             "Known-benign rows (NEGATIVE_CLASS): kept withdrawn, never matching.")
      .def_readonly("superseded", &ImportSummary::superseded,
                    "Rows whose entry id a later row of the same import gave again.")
      .def_readonly("error_count", &ImportSummary::error_count, "All bad rows; .errors holds the first 100.")
      .def_readonly("errors", &ImportSummary::errors, "Bad rows (file, line, reason); good rows were kept.")
      .def("__repr__", [](const ImportSummary& s) {
        return "<hashsieve.ImportSummary added=" + std::to_string(s.stats.added) +
               " updated=" + std::to_string(s.stats.updated) + " unchanged=" + std::to_string(s.stats.unchanged) +
               " withdrawn=" + std::to_string(s.stats.withdrawn) + " errors=" + std::to_string(s.errors.size()) + ">";
      });

  pb::class_<PyEntry>(m, "Entry", "One entry of a list, as exported.")
      .def_property_readonly("entry_id", [](const PyEntry& e) { return e.e.entry_id; })
      .def_property_readonly("hash", [](const PyEntry& e) -> pb::object {
        if (!e.e.has_hash) return pb::none();
        return pb::str(to_hex(e.e.hash));
      }, "64 hex digits, or None for a withdrawal recorded by id only.")
      .def_property_readonly("quality", [](const PyEntry& e) -> pb::object {
        if (e.e.quality < 0) return pb::none();
        return pb::int_(e.e.quality);
      })
      .def_property_readonly("metadata", [](const PyEntry& e) { return parse_metadata(e.e.metadata); },
                             "The list's own fields for this entry (parsed JSON), or None.")
      .def_property_readonly("state", [](const PyEntry& e) {
        return e.e.state == EntryState::kActive ? "active" : "withdrawn";
      })
      .def("__repr__", [](const PyEntry& e) {
        return "<hashsieve.Entry " + e.e.entry_id + " " + (e.e.has_hash ? to_hex(e.e.hash) : "-") + " " +
               (e.e.state == EntryState::kActive ? "active" : "withdrawn") + ">";
      });

  pb::class_<ExportIterator>(m, "ExportIterator", "Entries of one list, from one consistent view.")
      .def("__iter__", [](pb::object self) { return self; })
      .def("__next__", [](ExportIterator& it) {
        auto e = it.next();
        if (!e) throw pb::stop_iteration();
        return PyEntry{std::move(*e)};
      });

  pb::class_<PyStore>(m, "Store", R"doc(A hash-list database (one directory; embedded, no server).

Store(path, *, create=False, read_only=False). Without create=True a missing database is NotFound.
Every change is one atomic, synced write; several processes may open a database read_only.)doc")
      .def(pb::init([](pb::handle path, bool create, bool read_only) {
             StoreOptions options;
             options.create_if_missing = create;
             options.read_only = read_only;
             std::string p = fs_path(path);
             auto opened = without_gil([&] { return HashStore::Open(p, options); });
             return PyStore{std::shared_ptr<HashStore>(take(std::move(opened))), p};
           }),
           pb::arg("path"), pb::kw_only(), pb::arg("create") = false, pb::arg("read_only") = false)
      .def_readonly("path", &PyStore::path)
      .def("create_list",
           [](PyStore& s, const std::string& name, int radius, std::optional<std::string> source) {
             return take(without_gil([&] { return s.store->create_list(name, radius, source.value_or("")); }));
           },
           pb::arg("name"), pb::arg("radius") = kDefaultMatchRadius, pb::arg("source") = pb::none(),
           "Creates a list (AlreadyExists if the name is taken) and returns its ListInfo.")
      .def("get_list", [](PyStore& s, const std::string& name) {
             return take(without_gil([&] { return s.store->get_list(name); }));
           }, pb::arg("name"), "The ListInfo of one list (NotFound if there is none).")
      .def("lists", [](PyStore& s) { return take(without_gil([&] { return s.store->lists(); })); },
           "Every list, sorted by name.")
      .def("drop_list", [](PyStore& s, const std::string& name) {
             check(without_gil([&] { return s.store->drop_list(name); }));
           }, pb::arg("name"), "Removes a list and all its entries.")
      .def("import_file",
           [](PyStore& s, const std::string& name, pb::handle path, std::optional<std::string> format) {
             ListFormat f = format ? take(parse_list_format(*format)) : ListFormat::kAuto;
             std::string p = fs_path(path);
             auto report = without_gil([&]() -> Result<ImportReport> {
               auto reader = ListReader::Open(p, f);
               if (!reader.ok()) return reader.status();
               return import_list(*s.store, name, **reader);
             });
             ImportReport r = take(std::move(report));
             return ImportSummary{r.stats, r.batches, r.counts, r.superseded, r.error_count, std::move(r.errors)};
           },
           pb::arg("name"), pb::arg("path"), pb::arg("format") = pb::none(),
           R"doc(Imports a list file into a list. format: None (detect), "hex", "csv", "tx-csv",
"tx-export", "stopncii", "ncmec", "tat" or "jsonl". Bad rows are reported in .errors; good rows are kept.
Atomic per batch of 100,000 rows and idempotent.)doc")
      .def("withdraw",
           [](PyStore& s, const std::string& name, std::vector<std::string> ids) {
             auto stats = take(without_gil([&] { return s.store->withdraw(name, ids); }));
             return ImportSummary{stats, 1, {}, 0, 0, {}};
           },
           pb::arg("name"), pb::arg("ids"), "Withdraws entries by id: they stop matching and are kept until purged.")
      .def("purge", [](PyStore& s, const std::string& name) {
             return take(without_gil([&] { return s.store->purge_withdrawn(name); }));
           }, pb::arg("name"), "Deletes a list's withdrawn entries for good; returns how many.")
      .def("export",
           [](PyStore& s, const std::string& name) {
             take(without_gil([&] { return s.store->get_list(name); }));  // NotFound now, not at the first next()
             return std::make_unique<ExportIterator>(s.store, name);
           },
           pb::arg("name"), "An iterator of a list's entries (active and withdrawn), in entry-id order.")
      .def("verify", [](PyStore& s) { check(without_gil([&] { return s.store->verify(); })); },
           "Checks checksums and counters; raises CorruptionError saying what is wrong.")
      .def("__repr__", [](const PyStore& s) { return "<hashsieve.Store " + s.path + ">"; });
}

}  // namespace hashsieve::py
