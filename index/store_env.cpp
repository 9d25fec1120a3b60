#include "index/store_env.h"

#include <rocksdb/env_encryption.h>
#include <rocksdb/file_system.h>
#include <rocksdb/threadpool.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "index/store_crypto.h"

namespace hashsieve::store {
namespace {

namespace rdb = rocksdb;

constexpr mode_t kFileMode = 0600, kDirMode = 0700;

// Files and directories the database creates are private whatever the umask: RocksDB's POSIX
// file system creates them 0644 / 0755 minus the umask, so each is narrowed right after creation
// (and the database directory itself is 0700, so nobody else can reach them in between).
class PrivateFileSystem final : public rdb::FileSystemWrapper {
 public:
  explicit PrivateFileSystem(const std::shared_ptr<rdb::FileSystem>& base) : FileSystemWrapper(base) {}
  const char* Name() const override { return "hashsieve.private"; }

  rdb::IOStatus NewWritableFile(const std::string& f, const rdb::FileOptions& o,
                                std::unique_ptr<rdb::FSWritableFile>* r, rdb::IODebugContext* d) override {
    return narrow(f, kFileMode, target()->NewWritableFile(f, o, r, d));
  }
  rdb::IOStatus ReopenWritableFile(const std::string& f, const rdb::FileOptions& o,
                                   std::unique_ptr<rdb::FSWritableFile>* r, rdb::IODebugContext* d) override {
    return narrow(f, kFileMode, target()->ReopenWritableFile(f, o, r, d));
  }
  rdb::IOStatus ReuseWritableFile(const std::string& f, const std::string& old, const rdb::FileOptions& o,
                                  std::unique_ptr<rdb::FSWritableFile>* r, rdb::IODebugContext* d) override {
    return narrow(f, kFileMode, target()->ReuseWritableFile(f, old, o, r, d));
  }
  rdb::IOStatus NewRandomRWFile(const std::string& f, const rdb::FileOptions& o,
                                std::unique_ptr<rdb::FSRandomRWFile>* r, rdb::IODebugContext* d) override {
    return narrow(f, kFileMode, target()->NewRandomRWFile(f, o, r, d));
  }
  rdb::IOStatus LockFile(const std::string& f, const rdb::IOOptions& o, rdb::FileLock** l,
                         rdb::IODebugContext* d) override {
    return narrow(f, kFileMode, target()->LockFile(f, o, l, d));
  }
  rdb::IOStatus NewLogger(const std::string& f, const rdb::IOOptions& o, std::shared_ptr<rdb::Logger>* r,
                          rdb::IODebugContext* d) override {
    return narrow(f, kFileMode, target()->NewLogger(f, o, r, d));
  }
  rdb::IOStatus CreateDir(const std::string& f, const rdb::IOOptions& o, rdb::IODebugContext* d) override {
    return narrow(f, kDirMode, target()->CreateDir(f, o, d));
  }
  rdb::IOStatus CreateDirIfMissing(const std::string& f, const rdb::IOOptions& o, rdb::IODebugContext* d) override {
    rdb::IOStatus s = target()->CreateDirIfMissing(f, o, d);
    return s;  // an existing directory keeps the mode its owner gave it
  }

 private:
  static rdb::IOStatus narrow(const std::string& path, mode_t mode, rdb::IOStatus s) {
    if (s.ok() && ::chmod(path.c_str(), mode) != 0)
      return rdb::IOStatus::IOError("cannot make " + path + " private: " + std::strerror(errno));
    return s;
  }
};

// Routes RocksDB's background work to this store's own pools instead of Env::Default()'s, so
// opening a store never resizes the thread pools of the host process (or of another store).
class OwnPoolsEnv final : public rdb::EnvWrapper {
 public:
  OwnPoolsEnv(rdb::Env* base, int low_threads)
      : EnvWrapper(base), low_(rdb::NewThreadPool(low_threads)), high_(rdb::NewThreadPool(1)) {}
  ~OwnPoolsEnv() override {
    // RocksDB's pool asserts it has no threads left when destroyed.
    low_->JoinAllThreads();
    high_->JoinAllThreads();
  }
  const char* Name() const override { return "hashsieve.own_pools"; }

  void Schedule(void (*fn)(void*), void* arg, Priority pri, void*, void (*)(void*)) override {
    pool(pri)->SubmitJob([fn, arg] { fn(arg); });
  }
  // Queued jobs are never withdrawn: the DB then waits for them, and they see it closing.
  int UnSchedule(void*, Priority) override { return 0; }
  unsigned int GetThreadPoolQueueLen(Priority pri) const override { return pool(pri)->GetQueueLen(); }
  void SetBackgroundThreads(int n, Priority pri) override { pool(pri)->SetBackgroundThreads(n); }
  int GetBackgroundThreads(Priority pri) override { return pool(pri)->GetBackgroundThreads(); }
  void IncBackgroundThreadsIfNeeded(int n, Priority pri) override {
    if (pool(pri)->GetBackgroundThreads() < n) pool(pri)->SetBackgroundThreads(n);
  }
  int ReserveThreads(int, Priority) override { return 0; }
  int ReleaseThreads(int, Priority) override { return 0; }
  void WaitForJoin() override {}
  void LowerThreadPoolIOPriority(Priority) override {}
  void LowerThreadPoolCPUPriority(Priority) override {}

 private:
  rdb::ThreadPool* pool(Priority pri) const { return pri == HIGH ? high_.get() : low_.get(); }
  std::unique_ptr<rdb::ThreadPool> low_, high_;
};

}  // namespace

Result<std::unique_ptr<StoreEnv>> StoreEnv::Create(int background_threads, std::shared_ptr<const StoreKey> key) {
  std::shared_ptr<rdb::FileSystem> fs = std::make_shared<PrivateFileSystem>(rdb::FileSystem::Default());
  if (key) fs = rdb::NewEncryptedFS(fs, make_encryption_provider(std::move(key)));
  std::unique_ptr<StoreEnv> e(new StoreEnv());
  e->composite_ = rdb::NewCompositeEnv(fs);
  if (!e->composite_) return Status(StatusCode::kInternal, "cannot build the store's file system");
  e->env_ = std::make_unique<OwnPoolsEnv>(e->composite_.get(), std::max(1, background_threads));
  return e;
}

StoreEnv::~StoreEnv() {
  env_.reset();  // joins the pools before the file system goes
  composite_.reset();
}

Status make_private_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return Status::Ok();
  const fs::path p(dir);
  if (p.has_parent_path() && !p.parent_path().empty() && !fs::exists(p.parent_path(), ec))
    if (Status s = make_private_dir(p.parent_path().string()); !s.ok()) return s;
  if (::mkdir(dir.c_str(), kDirMode) != 0 && errno != EEXIST)
    return Status(StatusCode::kIoError, "cannot create '" + dir + "': " + std::strerror(errno));
  if (::chmod(dir.c_str(), kDirMode) != 0)
    return Status(StatusCode::kIoError, "cannot make '" + dir + "' private: " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace hashsieve::store
