// Files at rest: private modes whatever the umask, key files open to no one else, AES-256-CTR encryption (no stored hash, entry
// id or audit path in plain text anywhere; wrong or missing keys are clear errors; a checkpoint
// re-encrypts with a new key), and a database of a newer schema is a version mismatch.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "hashsieve/hash_store.h"
#include "store_test_util.h"
#include "temp_dir.h"
#include "tests/support/demo_db.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;

using testing::mode_of;
using testing::write_key;

// Runs the CLI with umask 000, so any file it creates without an explicit mode is world-writable.
// `args` are split at spaces (the test paths hold none).
int run_cli_umask0(const std::string& args) {
  std::vector<std::string> argv;
  std::istringstream words(args);
  for (std::string w; words >> w;) argv.push_back(w);
  testing::SpawnOptions o;
  o.umask = 0;
  return testing::wait_cli(testing::spawn_cli(argv, o));
}

TEST(StoreSecurity, FilesArePrivateUnderUmask000) {
  auto demo = testing::make_demo_db("modes");
  fs::remove_all(demo.db());  // recreate it under umask 000
  const std::string db = " --db " + demo.db();
  ASSERT_EQ(run_cli_umask0("list create known" + db), 0);
  ASSERT_EQ(run_cli_umask0("list import known " + (demo.dir / "known.csv").string() + db), 0);
  const auto report = demo.dir / "report.jsonl", state = demo.dir / "scan.state";
  ASSERT_EQ(run_cli_umask0("scan -q --audit --report " + report.string() + " --state " + state.string() + db + " " +
                           demo.uploads()),
            0);
  ASSERT_TRUE(fs::exists(demo.db() + "/audit/CURRENT"));
  int files = 0;
  EXPECT_EQ(mode_of(demo.db()), 0700u);
  for (const auto& e : fs::recursive_directory_iterator(demo.db())) {
    if (e.is_directory()) {
      EXPECT_EQ(mode_of(e.path()), 0700u) << e.path();
    } else {
      EXPECT_EQ(mode_of(e.path()), 0600u) << e.path();
      ++files;
    }
  }
  EXPECT_GT(files, 10);
  EXPECT_EQ(mode_of(report), 0600u);
  EXPECT_EQ(mode_of(state), 0600u);
  fs::remove_all(demo.dir);
}

bool file_contains(const fs::path& p, const std::string& needle) {
  const std::string bytes = testing::slurp(p);
  return bytes.find(needle) != std::string::npos;
}

TEST(StoreSecurity, EncryptedStoreHoldsNoPlainText) {
  auto demo = testing::make_demo_db("crypt");
  fs::remove_all(demo.db());
  const std::string key = write_key((demo.dir / "key").string(), 1);
  const std::string db = " --db " + demo.db() + " --key-file " + key;
  // Entries with recognisable ids and hashes, an audited scan (paths in the audit log).
  std::vector<std::string> hexes;
  {
    std::ofstream f(demo.dir / "rows.csv");
    f << "hash,entry_id\n";
    std::mt19937_64 rng(9);
    for (int i = 0; i < 2000; ++i) {
      hexes.push_back(to_hex(testing::random_hash(rng)));
      f << hexes.back() << ",secret-entry-" << i << "\n";
    }
  }
  ASSERT_EQ(testing::run_cli("list create known" + db).exit_code, 0);
  ASSERT_EQ(testing::run_cli("list import known " + (demo.dir / "known.csv").string() + db).exit_code, 0);
  ASSERT_EQ(testing::run_cli("list create other" + db).exit_code, 0);
  ASSERT_EQ(testing::run_cli("list import other " + (demo.dir / "rows.csv").string() + db).exit_code, 0);
  auto scan = testing::run_cli("scan -q --audit --operator alice" + db + " " + demo.uploads());
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  auto log = testing::run_cli("db audit" + db);
  ASSERT_NE(log.out.find("photo-coffee-q85.jpg"), std::string::npos) << log.out << log.err;

  // Needles: entry ids, hashes (hex and the 32 stored bytes), an audited path, the operator.
  std::vector<std::string> needles = {"secret-entry-", "coffee", "photo-coffee-q85", "alice", hexes[0].substr(0, 16)};
  for (int i = 0; i < 50; ++i) {
    auto h = parse_hex(hexes[i]);
    ASSERT_TRUE(h.ok());
    needles.push_back(std::string(reinterpret_cast<const char*>(h->words.data()), 32));
  }
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(demo.db())) {
    if (!e.is_regular_file()) continue;
    ++files;
    for (const auto& n : needles) EXPECT_FALSE(file_contains(e.path(), n)) << e.path() << " holds plain text";
  }
  EXPECT_GT(files, 10);
  // A checkpoint keeps the store's key.
  {
    const auto plain = demo.dir / "plain";
    ASSERT_EQ(testing::run_cli("db checkpoint " + plain.string() + db).exit_code, 0);
    bool found = false;
    for (const auto& e : fs::recursive_directory_iterator(plain))
      if (e.is_regular_file() && file_contains(e.path(), "secret-entry-")) found = true;
    EXPECT_FALSE(found) << "a checkpoint keeps the store's key";
  }

  // Missing key, wrong key, key for a plain store: clear errors, exit 2.
  auto missing = testing::run_cli("list stats --db " + demo.db());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("is encrypted"), std::string::npos) << missing.err;
  const std::string wrong = write_key((demo.dir / "wrong").string(), 2);
  auto bad = testing::run_cli("list stats --db " + demo.db() + " --key-file " + wrong);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("wrong key"), std::string::npos) << bad.err;

  // Key rotation: the copy opens with the new key only, with the same content.
  const std::string fresh = write_key((demo.dir / "new").string(), 3);
  const auto rotated = demo.dir / "rotated";
  auto cp = testing::run_cli("db checkpoint " + rotated.string() + db + " --new-key-file " + fresh);
  ASSERT_EQ(cp.exit_code, 0) << cp.err;
  EXPECT_EQ(testing::run_cli("list stats --db " + rotated.string() + " --key-file " + key).exit_code, 2);
  auto stats = testing::run_cli("list stats --db " + rotated.string() + " --key-file " + fresh);
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_EQ(stats.out, testing::run_cli("list stats" + db).out);
  EXPECT_EQ(testing::run_cli("db audit --db " + rotated.string() + " --key-file " + fresh).out, log.out);
  EXPECT_EQ(testing::run_cli("db check --db " + rotated.string() + " --key-file " + fresh).out, "ok\n");

  // A plain store opened with a key. (Its files do show the entry ids: the search above works.)
  const auto plain_db = demo.dir / "plain-db";
  ASSERT_EQ(testing::run_cli("list create x --db " + plain_db.string()).exit_code, 0);
  ASSERT_EQ(testing::run_cli("list import x " + (demo.dir / "rows.csv").string() + " --db " + plain_db.string()).exit_code, 0);
  bool plain_found = false;
  for (const auto& e : fs::recursive_directory_iterator(plain_db))
    if (e.is_regular_file() && file_contains(e.path(), "secret-entry-")) plain_found = true;
  EXPECT_TRUE(plain_found);
  auto keyed = testing::run_cli("list stats --db " + plain_db.string() + " --key-file " + key);
  EXPECT_EQ(keyed.exit_code, 2);
  EXPECT_NE(keyed.err.find("not encrypted"), std::string::npos) << keyed.err;
  fs::remove_all(demo.dir);
}

TEST(StoreSecurity, KeyFileOpenToGroupOrOthersIsRefused) {
  testing::TempDir dir;
  const std::string key = write_key(dir / "key", 5);
  std::string key_text = testing::slurp(key);
  key_text.pop_back();  // the newline
  StoreOptions o;
  o.key_file = key;
  ASSERT_TRUE(HashStore::Open(dir / "db", o).ok());  // 0600: fine
  const fs::perms open_modes[] = {fs::perms::group_read, fs::perms::others_read, fs::perms::group_write,
                                  fs::perms::others_write | fs::perms::others_exec};
  for (fs::perms extra : open_modes) {
    fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write | extra, fs::perm_options::replace);
    auto s = HashStore::Open(dir / "db", o);
    ASSERT_FALSE(s.ok()) << "mode " << std::oct << unsigned(testing::mode_of(key));
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    const std::string why = s.status().message();
    EXPECT_NE(why.find("open to group or others"), std::string::npos) << why;
    EXPECT_NE(why.find(key), std::string::npos) << "names the file: " << why;
    EXPECT_NE(why.find("chmod 600"), std::string::npos) << why;
    EXPECT_EQ(why.find(key_text), std::string::npos) << "never the key itself";
    // The checkpoint's new key is read the same way.
    fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    auto store = HashStore::Open(dir / "db", o);
    ASSERT_TRUE(store.ok());
    const std::string other = write_key(dir / "other", 6, fs::perms::owner_read | extra);
    EXPECT_EQ((*store)->checkpoint(dir / "copy", other).code(), StatusCode::kInvalidArgument);
    EXPECT_FALSE(fs::exists(dir / "copy"));
    fs::remove(other);
  }
  // The command line says so and stops.
  fs::permissions(key, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read,
                  fs::perm_options::replace);
  auto r = testing::run_cli("list stats --db " + (dir / "db") + " --key-file " + key);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("open to group or others (mode 0444)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(key_text), std::string::npos);
}

TEST(StoreSecurity, KeyFileFromTheEnvironment) {
  testing::TempDir dir;
  const std::string key = write_key(dir / "key", 4);
  ASSERT_EQ(testing::run_cli("list create l --db " + (dir / "db") + " --key-file " + key).exit_code, 0);
  const std::string cmd = "HASHSIEVE_KEY_FILE=" + key + " " + std::string(HASHSIEVE_CLI) + " list stats --db " +
                          (dir / "db") + " >/dev/null 2>&1";
  EXPECT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 0);
}

TEST(StoreSecurity, NewerSchemaWithAnExtraColumnFamilyIsAVersionMismatch) {
  testing::TempDir dir;
  { ASSERT_TRUE(HashStore::Open(dir / "db").ok()); }
  {
    testing::RawRocksDb raw(dir / "db");
    ASSERT_NE(raw.db, nullptr);
    rocksdb::ColumnFamilyHandle* extra = nullptr;
    ASSERT_TRUE(raw.db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "future_index", &extra).ok());
    raw.handles.push_back(extra);
    raw.names.push_back("future_index");
  }
  for (bool read_only : {false, true}) {
    StoreOptions o;
    o.read_only = read_only;
    auto s = HashStore::Open(dir / "db", o);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kVersionMismatch) << s.status().to_string();
    EXPECT_NE(s.status().message().find("future_index"), std::string::npos);
  }
}

}  // namespace
}  // namespace hashsieve
