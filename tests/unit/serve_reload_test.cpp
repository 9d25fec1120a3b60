// Lists changed by another process while `hashsieve serve` runs are answered from within 10 s,
// with no failed request on the way; /status turns INDEX-STALE when checks stop.
#ifdef HASHSIEVE_HAVE_HTTPLIB
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/support/serve_db.h"
#include "tests/support/serve_process.h"
#include "tests/support/wait_until.h"

namespace hashsieve::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// `layout`: the index's tables (--index-layout); the reload must not depend on it.
void import_served_within_10s_without_a_failed_request(const std::string& layout) {
  const ServeDb db = make_serve_db("serve-reload-" + layout);
  ServeProcess serve({"--db", db.db(), "--poll", "0.5", "--index-layout", layout}, "serve-reload-" + layout);
  ASSERT_GT(serve.port(), 0) << serve.stderr_text();

  // A client loop through the reload: the known entry must match on every request, and the
  // new one must start matching (and keep matching) once the import is visible.
  std::atomic<bool> stop{false}, seen_new{false};
  std::atomic<int> requests{0}, failures{0}, lost_after_seen{0};
  std::thread client([&] {
    auto c = serve.client();
    const std::string known = "/m/raw_lookup?signal_type=pdq&signal=" + db.coffee;
    const std::string fresh = "/m/raw_lookup?signal_type=pdq&signal=" + db.rocket;
    while (!stop) {
      auto a = c->Get(known.c_str());
      auto b = c->Get(fresh.c_str());
      requests += 2;
      if (!a || a->status != 200 || json::parse(a->body)["matches"] != json::array({1001})) ++failures;
      if (!b || b->status != 200) {
        ++failures;
        continue;
      }
      const bool has_new = json::parse(b->body)["matches"] == json::array({2002});
      if (has_new) seen_new = true;
      else if (seen_new) ++lost_after_seen;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  db.import_row("BANK_A", db.rocket, "2002");  // another process: the CLI, holding the writer lock
  const auto imported = Clock::now();
  while (!seen_new && Clock::now() - imported < std::chrono::seconds(15))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double visible_s = std::chrono::duration<double>(Clock::now() - imported).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  client.join();

  EXPECT_TRUE(seen_new) << "the import was not served within 15 s";
  EXPECT_LT(visible_s, 10.0);
  EXPECT_EQ(failures, 0) << "of " << requests << " requests";
  EXPECT_EQ(lost_after_seen, 0);
  EXPECT_GT(requests, 10);
  // The poller records its status just after it starts serving the new generation: wait for the
  // size, which it records together with the reload count read below.
  json status;
  (void)wait_until([&] {
    status = json::parse(serve.client()->Get("/m/index/status")->body);
    return status["pdq"]["size"] == 4;
  }, std::chrono::seconds(10));
  EXPECT_EQ(status["pdq"]["size"], 4);
  EXPECT_NE(serve.client()->Get("/metrics")->body.find("hashsieve_index_reloads_total 1"), std::string::npos);
  std::filesystem::remove_all(db.dir);
}

TEST(ServeReload, AListImportIsServedWithin10sWithoutAFailedRequest) {
  import_served_within_10s_without_a_failed_request("compact");
}

TEST(ServeReload, AListImportIsServedWithin10sWithTheWideLayout) {
  import_served_within_10s_without_a_failed_request("wide");
}

TEST(ServeReload, AnUnknownIndexLayoutIsAUsageError) {
  const ServeDb db = make_serve_db("serve-layout");
  auto r = run_cli("serve --db " + db.db() + " --listen 127.0.0.1:0 --index-layout sparse");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--index-layout"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sparse"), std::string::npos) << r.err;
  std::filesystem::remove_all(db.dir);
}

TEST(ServeReload, StatusIsIndexStaleWhenTheListsWereNotCheckedInTime) {
  const ServeDb db = make_serve_db("serve-stale");
  // Checks every 60 s, stale after 5 s: the index goes stale before the next check. (5 s, not 1:
  // a slow build may take a second to start answering after the first check.)
  ServeProcess serve({"--db", db.db(), "--poll", "60", "--stale-after", "5"}, "serve-stale");
  ASSERT_GT(serve.port(), 0) << serve.stderr_text();
  auto r = serve.client()->Get("/status");
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "I-AM-ALIVE");
  (void)wait_until([&] {
    r = serve.client()->Get("/status");
    return !r || r->status != 200;
  }, std::chrono::seconds(30));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "INDEX-STALE");
  // Liveness does not look at the index, and matching goes on from the last generation.
  EXPECT_EQ(serve.client()->Get("/status/live")->status, 200);
  EXPECT_EQ(serve.client()->Get(("/m/raw_lookup?signal_type=pdq&signal=" + db.coffee).c_str())->status, 200);
  std::filesystem::remove_all(db.dir);
}

}  // namespace
}  // namespace hashsieve::testing
#endif
