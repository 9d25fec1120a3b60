#include "index/store_instance.h"

#include <rocksdb/convenience.h>
#include <rocksdb/file_system.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "index/store_crypto.h"

namespace hashsieve::store {
namespace {

namespace rdb = rocksdb;

// A reader's RocksDB diagnostics go nowhere: a secondary would otherwise write its own LOG file.
class QuietLogger final : public rdb::Logger {
 public:
  QuietLogger() : Logger(rdb::InfoLogLevel::HEADER_LEVEL) {}
  using rdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
};

// The writer's RocksDB diagnostics (the LOG file), written through the store's file system (so
// encrypted with it). RocksDB's own logger asserts (aborts, in Debian's build) when it writes
// again after a failed write, e.g. on a full disk; this one stops logging at the first failure.
class StoreLogger final : public rdb::Logger {
 public:
  static std::shared_ptr<rdb::Logger> Create(rdb::Env* env, const std::string& dir) {
    const auto& fs = env->GetFileSystem();
    const std::string path = dir + "/LOG";
    rdb::IOOptions io;
    if (fs->FileExists(path, io, nullptr).ok()) (void)fs->RenameFile(path, path + ".old", io, nullptr);
    std::unique_ptr<rdb::FSWritableFile> file;
    if (!fs->NewWritableFile(path, rdb::FileOptions(), &file, nullptr).ok()) return std::make_shared<QuietLogger>();
    return std::make_shared<StoreLogger>(std::move(file), env);
  }
  StoreLogger(std::unique_ptr<rdb::FSWritableFile> file, rdb::Env* env)
      : Logger(rdb::InfoLogLevel::INFO_LEVEL), file_(std::move(file)), env_(env) {}
  ~StoreLogger() override {
    if (file_ && !failed_) (void)file_->Close(rdb::IOOptions(), nullptr);
  }
  using rdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[2048];
    const uint64_t us = env_->NowMicros();
    int n = std::snprintf(line, sizeof line, "%llu.%06llu ", (unsigned long long)(us / 1000000),
                          (unsigned long long)(us % 1000000));
    va_list copy;
    va_copy(copy, ap);
    const int m = std::vsnprintf(line + n, sizeof line - size_t(n) - 1, format, copy);
    va_end(copy);
    n = std::min<int>(int(sizeof line) - 2, n + std::max(0, m));
    line[n++] = '\n';
    std::lock_guard lock(mu_);
    if (failed_) return;
    if (!file_->Append(rdb::Slice(line, size_t(n)), rdb::IOOptions(), nullptr).ok()) failed_ = true;
  }
  void Flush() override {
    std::lock_guard lock(mu_);
    if (!failed_ && !file_->Flush(rdb::IOOptions(), nullptr).ok()) failed_ = true;
  }

 private:
  std::unique_ptr<rdb::FSWritableFile> file_;
  rdb::Env* env_;
  std::mutex mu_;
  bool failed_ = false;
};

// The primary may delete a file (an old write-ahead log, a compacted table) between the moment
// a secondary reads the MANIFEST and the moment it opens that file; the next attempt reads the
// newer MANIFEST. The window is a few milliseconds, so a handful of attempts always suffices.
constexpr int kReaderAttempts = 50;

bool retryable(const rdb::Status& s) { return s.IsPathNotFound() || s.IsNotFound() || s.IsIOError() || s.IsCorruption(); }

}  // namespace

Status from_rdb(const rdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::Ok();
  StatusCode code = s.IsCorruption() ? StatusCode::kCorruption
                    : s.IsInvalidArgument() ? StatusCode::kInvalidArgument
                    : s.IsNotFound() && !s.IsPathNotFound() ? StatusCode::kNotFound
                                                            : StatusCode::kIoError;
  return Status(code, what + ": " + s.ToString());
}

Result<std::unique_ptr<RocksInstance>> RocksInstance::Open(const std::string& path, const InstanceOptions& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool exists = fs::exists(fs::path(path) / "CURRENT", ec);
  if (!exists && (!o.writer || !o.create_if_missing)) return Status(StatusCode::kNotFound, "no database at '" + path + "'");
  if (!exists)
    if (Status s = make_private_dir(path); !s.ok()) return s;
  if (Status s = check_store_key(path, o.key.get()); !s.ok()) return s;

  std::unique_ptr<RocksInstance> inst(new RocksInstance());
  inst->path_ = path;
  inst->writer_ = o.writer;
  auto env = StoreEnv::Create(o.background_threads, o.key);
  if (!env.ok()) return env.status();
  inst->env_ = std::move(env).value();

  rdb::DBOptions dbo;
  dbo.env = inst->env_->env();
  dbo.create_if_missing = o.writer && o.create_if_missing;
  dbo.create_missing_column_families = dbo.create_if_missing && !exists;
  dbo.max_background_jobs = std::max(2, o.background_threads);
  dbo.keep_log_file_num = 3;
  dbo.max_open_files = o.writer ? 256 : -1;  // a secondary keeps its tables open: see RocksDB's advice
  // Every catch-up of a secondary (each poll of a service or consumer) loads table handlers on
  // this many threads, started and joined each time even when nothing changed: ~280 thread starts
  // a poll with the default 16. A reader opens the few new tables on its own thread.
  if (!o.writer) dbo.max_file_opening_threads = 1;
  // A reader's open replays the write-ahead log the writer has not flushed yet: bound it, so an
  // open during a long import replays at most about this much.
  dbo.max_total_wal_size = 32 << 20;
  inst->logger_ = o.writer ? StoreLogger::Create(dbo.env, path) : std::make_shared<QuietLogger>();
  dbo.info_log = inst->logger_;

  if (exists) {
    std::vector<std::string> found;
    rdb::Status ls = rdb::DB::ListColumnFamilies(dbo, path, &found);
    if (!ls.ok()) return from_rdb(ls, "opening '" + path + "'");
    std::set<std::string> known;
    for (const auto& d : o.families) known.insert(d.name);
    for (const auto& name : found)
      if (!known.count(name))
        return Status(StatusCode::kVersionMismatch, "database '" + path + "' was written by a newer hashsieve (it has a '" +
                                                        name + "' column family this build does not know)");
    bool missing = false;
    for (const auto& name : known)
      if (std::find(found.begin(), found.end(), name) == found.end() &&
          (o.writer || std::find(o.optional.begin(), o.optional.end(), name) == o.optional.end()))
        missing = true;
    if (!o.marker.empty() && std::find(found.begin(), found.end(), o.marker) == found.end())
      return Status(StatusCode::kCorruption, "'" + path + "' is not a hashsieve database, or its MANIFEST is damaged");
    if (missing && !o.writer)
      return Status(StatusCode::kNotFound, "the database at '" + path + "' is not complete yet (a writer creates it)");
    dbo.create_missing_column_families = missing;
  }

  // A reader opens the optional families the database has; the others get a null handle.
  std::vector<rdb::ColumnFamilyDescriptor> opened;
  std::vector<size_t> slot;  // opened[i] is o.families[slot[i]]
  std::vector<std::string> present;
  if (!o.writer && exists) {
    rdb::Status ls = rdb::DB::ListColumnFamilies(dbo, path, &present);
    if (!ls.ok()) return from_rdb(ls, "opening '" + path + "'");
  }
  for (size_t i = 0; i < o.families.size(); ++i) {
    const std::string& name = o.families[i].name;
    if (!o.writer && std::find(o.optional.begin(), o.optional.end(), name) != o.optional.end() &&
        std::find(present.begin(), present.end(), name) == present.end())
      continue;
    opened.push_back(o.families[i]);
    slot.push_back(i);
  }
  std::vector<rdb::ColumnFamilyHandle*> raw_handles;
  rdb::DB* raw = nullptr;
  rdb::Status s;
  if (o.writer) {
    s = rdb::DB::Open(dbo, path, opened, &raw_handles, &raw);
  } else {
    for (int attempt = 0; attempt < kReaderAttempts; ++attempt) {
      s = rdb::DB::OpenAsSecondary(dbo, path, path, opened, &raw_handles, &raw);
      if (s.ok() || !retryable(s)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2 + attempt));
    }
  }
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos)
      return Status(StatusCode::kIoError, "database '" + path + "' is in use by another writer: " + s.ToString());
    return from_rdb(s, "opening '" + path + "'");
  }
  inst->db_.reset(raw);
  inst->handles_.resize(o.families.size());
  for (size_t i = 0; i < raw_handles.size(); ++i) inst->handles_[slot[i]].reset(raw_handles[i]);
  return inst;
}

RocksInstance::~RocksInstance() {
  // A clean close leaves nothing in the write-ahead log: the next open (a service loading its
  // index at start) then reads table files only. Failure only means the log is replayed then.
  if (db_ && writer_ && !failed_) {
    std::vector<rdb::ColumnFamilyHandle*> all;
    for (const auto& h : handles_)
      if (h) all.push_back(h.get());
    rdb::FlushOptions fo;
    fo.wait = true;
    (void)db_->Flush(fo, all);
  }
  handles_.clear();
  db_.reset();
}

Status RocksInstance::write(rdb::WriteBatch& batch, const std::string& what) {
  if (!writer_) return Status(StatusCode::kInvalidArgument, what + ": the database is open for reading only");
  std::lock_guard lock(write_mu_);
  if (failed_) return Status(StatusCode::kIoError, what + ": an earlier write failed; reopen the database");
  rdb::WriteOptions wo;
  wo.sync = true;
  rdb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) {
    failed_ = true;
    return Status(StatusCode::kIoError, what + ": " + s.ToString());
  }
  return Status::Ok();
}

Status RocksInstance::catch_up() {
  if (writer_) return Status::Ok();
  std::unique_lock lock(view_mu_);
  rdb::Status s;
  for (int attempt = 0; attempt < kReaderAttempts; ++attempt) {
    s = db_->TryCatchUpWithPrimary();
    if (s.ok() || !retryable(s)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2 + attempt));
  }
  return from_rdb(s, "following the writer of '" + path_ + "'");
}

}  // namespace hashsieve::store
