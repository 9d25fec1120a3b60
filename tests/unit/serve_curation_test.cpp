// HMA's curation endpoints on `hashsieve serve`: banks are lists, content ids stable integers,
// writes served at once, and a clear 503 while another process holds the store's writer.
#ifdef HASHSIEVE_HAVE_HTTPLIB
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hashsieve/hash_store.h"
#include "tests/support/serve_db.h"
#include "tests/support/serve_process.h"
#include "tests/support/test_data.h"

namespace hashsieve::testing {
namespace {

using nlohmann::json;

class ServeCuration : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = make_serve_db("serve-curation");
    serve_ = std::make_unique<ServeProcess>(std::vector<std::string>{"--db", db_.db()}, "serve-curation");
    ASSERT_GT(serve_->port(), 0) << serve_->stderr_text();
    c_ = serve_->client();
  }
  void TearDown() override {
    serve_.reset();
    std::filesystem::remove_all(db_.dir);
  }
  httplib::Result post_json(const std::string& path, const json& j) {
    return c_->Post(path.c_str(), j.dump(), "application/json");
  }
  json lookup(const std::string& hash) {
    return json::parse(c_->Get(("/m/lookup?signal_type=pdq&signal=" + hash).c_str())->body);
  }
  ServeDb db_;
  std::unique_ptr<ServeProcess> serve_;
  std::unique_ptr<httplib::Client> c_;
};

TEST_F(ServeCuration, BanksAreCreatedListedAndDeleted) {
  auto r = post_json("/c/banks", {{"name", "NEW_BANK"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(json::parse(r->body), json::parse(R"({"name": "NEW_BANK", "matching_enabled_ratio": 1.0})"));
  r = post_json("/c/banks", {{"name", "NEW_BANK"}});
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->body.find("already exists"), std::string::npos);
  EXPECT_EQ(post_json("/c/banks", {{"name", "lower"}})->status, 400);
  const json banks = json::parse(c_->Get("/c/banks")->body);
  EXPECT_EQ(banks.size(), 3u);
  EXPECT_EQ(json::parse(c_->Get("/c/bank/NEW_BANK")->body)["name"], "NEW_BANK");
  EXPECT_EQ(c_->Get("/c/bank/NOPE")->status, 404);
  EXPECT_EQ(c_->Put("/c/bank/NEW_BANK", R"({"enabled_ratio": 1.0})", "application/json")->status, 200);
  EXPECT_EQ(c_->Put("/c/bank/NEW_BANK", R"({"enabled_ratio": 0.5})", "application/json")->status, 400);
  r = c_->Delete("/c/bank/NEW_BANK");
  EXPECT_EQ(json::parse(r->body), json::parse(R"({"message": "Done"})"));
  EXPECT_EQ(json::parse(c_->Delete("/c/bank/NEW_BANK")->body)["message"], "Done");  // also when missing
  EXPECT_EQ(c_->Get("/c/bank/NEW_BANK")->status, 404);
}

TEST_F(ServeCuration, AddedSignalsMatchAtOnceAndContentCanBeDisabledAndDeleted) {
  ASSERT_EQ(lookup(db_.rocket), json::object());
  auto r = post_json("/c/bank/BANK_A/signal", {{"pdq", db_.rocket}, {"note", "from a report"}});
  ASSERT_EQ(r->status, 200) << r->body;
  const json added = json::parse(r->body);
  const int64_t id = added["id"];
  EXPECT_EQ(added["signals"]["pdq"], db_.rocket);
  const json m = lookup(db_.rocket);  // no wait: the write is served at once
  ASSERT_TRUE(m.contains("BANK_A")) << m.dump();
  EXPECT_EQ(m["BANK_A"][0]["bank_content_id"], id);

  const std::string path = "/c/bank/BANK_A/content/" + std::to_string(id);
  json content = json::parse(c_->Get((path + "?include_signals=true").c_str())->body);
  EXPECT_EQ(content["id"], id);
  EXPECT_EQ(content["disable_until_ts"], 1);
  EXPECT_EQ(content["signals"]["pdq"], db_.rocket);
  EXPECT_EQ(content["note"], "from a report");
  EXPECT_EQ(content["bank"]["name"], "BANK_A");

  r = c_->Put(path.c_str(), R"({"disable_until_ts": 0})", "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(lookup(db_.rocket), json::object());
  r = c_->Put(path.c_str(), R"({"disable_until_ts": 1})", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(lookup(db_.rocket)["BANK_A"][0]["bank_content_id"], id);

  EXPECT_EQ(json::parse(c_->Delete(path.c_str())->body), json::parse(R"({"deleted": 1})"));
  EXPECT_EQ(lookup(db_.rocket), json::object());
  EXPECT_EQ(c_->Get("/c/bank/BANK_A/content/999999")->status, 404);
  EXPECT_EQ(post_json("/c/bank/NOPE/signal", {{"pdq", db_.rocket}})->status, 404);
  EXPECT_EQ(post_json("/c/bank/BANK_A/signal", {{"md5", "x"}})->status, 400);
  EXPECT_EQ(post_json("/c/bank/BANK_A/signal", json::object())->status, 400);
}

TEST_F(ServeCuration, UploadedContentIsHashedAndBanked) {
  const auto bytes = read_file(ServeDb::photo("coffee"));
  httplib::MultipartFormDataItems items{{"photo", std::string(bytes.begin(), bytes.end()), "c.png", "image/png"},
                                        {"metadata", R"({"content_id": "abc"})", "", ""}};
  auto r = c_->Post("/c/bank/BANK_B/content", items);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["signals"]["pdq"], db_.coffee);
  const json m = lookup(db_.coffee);
  EXPECT_TRUE(m.contains("BANK_A"));
  EXPECT_TRUE(m.contains("BANK_B"));
}

TEST_F(ServeCuration, AnotherWriterGives503WithRetryAfter) {
  // Another process opens the store's writer and holds it until told to stop.
  int ready[2], release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    auto store = HashStore::Open(db_.db());
    const char ok = store.ok() ? '1' : '0';
    (void)!::write(ready[1], &ok, 1);
    char c;
    (void)!::read(release[0], &c, 1);
    ::_exit(0);
  }
  char ok = 0;
  ASSERT_EQ(::read(ready[0], &ok, 1), 1);
  ASSERT_EQ(ok, '1');
  auto r = post_json("/c/bank/BANK_A/signal", {{"pdq", db_.rocket}});
  EXPECT_EQ(r->status, 503) << r->body;
  EXPECT_EQ(r->get_header_value("Retry-After"), "5");
  EXPECT_NE(r->body.find("another process"), std::string::npos);
  // Matching goes on meanwhile.
  EXPECT_TRUE(lookup(db_.coffee).contains("BANK_A"));
  (void)!::write(release[1], "x", 1);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_EQ(post_json("/c/bank/BANK_A/signal", {{"pdq", db_.rocket}})->status, 200);
}

}  // namespace
}  // namespace hashsieve::testing
#endif
