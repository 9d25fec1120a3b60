// The audit log is append-only, ordered, and stores each record identity once.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "hashsieve/hash_store.h"
#include "tests/support/demo_db.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;

TEST(StoreAudit, RecordsComeBackInAppendOrderAcrossReopen) {
  const auto dir = fs::temp_directory_path() / ("hashsieve-audit-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    auto store = HashStore::Open((dir / "db").string());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->append_audit({{"b", "1", "{\"n\":1}"}, {"b", "2", "{\"n\":2}"}}).ok());
    ASSERT_TRUE((*store)->append_audit({{"b", "3", "{\"n\":3}"}, {"b", "1", "{\"n\":1,\"again\":1}"}}).ok());
  }
  auto store = HashStore::Open((dir / "db").string());
  ASSERT_TRUE(store.ok());
  // The same identities again (a resumed scan repeating items): nothing new is stored.
  ASSERT_TRUE((*store)->append_audit({{"b", "2", "{\"n\":2}"}, {"c", "1", "{\"n\":4}"}, {"c", "1", "{\"n\":5}"}}).ok());
  EXPECT_EQ(*(*store)->get_audit("b", "3"), "{\"n\":3}");
  EXPECT_EQ((*store)->get_audit("b", "4").status().code(), StatusCode::kNotFound);
  std::vector<std::string> seen;
  int64_t last_t = 0;
  ASSERT_TRUE((*store)->for_each_audit([&](int64_t t, const std::string& r) {
    EXPECT_GE(t, last_t);
    last_t = t;
    seen.push_back(r);
    return true;
  }).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}"}));
  EXPECT_TRUE((*store)->verify().ok());
  store->reset();  // close first: the database's background jobs may still be creating or deleting files
  fs::remove_all(dir);
}

TEST(StoreAudit, ScanWithAuditRecordsMatchesAndTheBatch) {
  auto demo = testing::make_demo_db("audit");
  auto r = testing::run_cli("scan -q --audit --operator alice --batch b-1 --db " + demo.db() + " " + demo.uploads());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto log = testing::run_cli("db audit --db " + demo.db());
  ASSERT_EQ(log.exit_code, 0) << log.err;
  EXPECT_EQ(std::count(log.out.begin(), log.out.end(), '\n'), 13 + 1);  // 13 matches + the batch record
  EXPECT_NE(log.out.find("\"type\":\"batch\",\"batch\":\"b-1\",\"operator\":\"alice\""), std::string::npos) << log.out;
  EXPECT_NE(log.out.find("\"items\":21,\"matched\":13"), std::string::npos) << log.out;
  EXPECT_NE(log.out.find("\"entry_id\":\"coffee\""), std::string::npos);
  EXPECT_EQ(testing::run_cli("db check --db " + demo.db()).out, "ok\n");
  fs::remove_all(demo.dir);
}

}  // namespace
}  // namespace hashsieve
