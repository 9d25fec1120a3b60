// `hashsieve serve` answers HMA 2.0's API with HMA's shapes: content ids, string distances,
// banks without matches omitted, {"message": ...} errors, 422 for a missing required parameter.
#ifdef HASHSIEVE_HAVE_HTTPLIB
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/serve_db.h"
#include "tests/support/serve_process.h"
#include "tests/support/test_data.h"

namespace hashsieve::testing {
namespace {

using nlohmann::json;

class ServeHma : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new ServeDb(make_serve_db("serve-hma"));
    serve_ = new ServeProcess({"--db", db_->db()}, "serve-hma");
  }
  static void TearDownTestSuite() {
    delete serve_;
    std::filesystem::remove_all(db_->dir);
    delete db_;
  }
  void SetUp() override { ASSERT_GT(serve_->port(), 0) << serve_->stderr_text(); }

  static httplib::Result get(const std::string& path) { return serve_->client()->Get(path.c_str()); }
  // A multipart upload of the file at `path` under field `field`.
  static httplib::Result upload(const std::string& path, const std::string& target, const std::string& field = "photo") {
    const auto bytes = read_file(path);
    httplib::MultipartFormDataItems items{{field, std::string(bytes.begin(), bytes.end()), "upload.jpg", "image/jpeg"}};
    return serve_->client()->Post(target.c_str(), items);
  }
  static json body(const httplib::Result& r) { return json::parse(r->body); }
  static void expect_error(const httplib::Result& r, int status, const std::string& fragment) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
    const json j = json::parse(r->body);
    ASSERT_TRUE(j.contains("message")) << r->body;
    EXPECT_NE(j["message"].get<std::string>().find(fragment), std::string::npos) << r->body;
  }

  static ServeDb* db_;
  static ServeProcess* serve_;
};
ServeDb* ServeHma::db_ = nullptr;
ServeProcess* ServeHma::serve_ = nullptr;

TEST_F(ServeHma, RawLookupGivesContentIdsOrStringDistances) {
  auto r = get("/m/raw_lookup?signal_type=pdq&signal=" + db_->coffee);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(body(r), json::parse(R"({"matches": [1001]})"));
  r = get("/m/raw_lookup?signal_type=pdq&include_distance=true&signal=" + db_->coffee);
  EXPECT_EQ(body(r), json::parse(R"({"matches": [{"bank_content_id": 1001, "distance": "0"}]})"));
  r = get("/m/raw_lookup?signal_type=pdq&signal=" + db_->rocket);
  EXPECT_EQ(body(r), json::parse(R"({"matches": []})"));
  // A bank filter naming only other banks matches nothing; naming unknown banks is no error.
  r = get("/m/raw_lookup?signal_type=pdq&banks=BANK_B,NOPE&signal=" + db_->coffee);
  EXPECT_EQ(body(r), json::parse(R"({"matches": []})"));
  r = get("/m/raw_lookup?signal_type=pdq&banks=NOPE&signal=" + db_->coffee);
  EXPECT_EQ(body(r), json::parse(R"({"matches": []})"));
}

TEST_F(ServeHma, TextEntryIdsGetAStableIntegerContentId) {
  auto a = body(get("/m/raw_lookup?signal_type=pdq&signal=" + db_->camera));
  auto b = body(get("/m/raw_lookup?signal_type=pdq&signal=" + db_->camera));
  ASSERT_EQ(a["matches"].size(), 1u);
  ASSERT_TRUE(a["matches"][0].is_number_integer());
  EXPECT_EQ(a, b);
  EXPECT_LT(a["matches"][0].get<int64_t>(), int64_t{1} << 53);  // exact in a JSON double
}

TEST_F(ServeHma, RawLookupRefusesBadInput) {
  expect_error(get("/m/raw_lookup?signal_type=pdq"), 422, "signal is required");
  expect_error(get("/m/raw_lookup?signal=" + db_->coffee), 422, "signal_type is required");
  expect_error(get("/m/raw_lookup?signal_type=video_md5&signal=" + db_->coffee), 400, "No such SignalType");
  std::string upper = db_->coffee;
  for (auto& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
  expect_error(get("/m/raw_lookup?signal_type=pdq&signal=" + upper), 400, "invalid signal");
  expect_error(get("/m/raw_lookup?signal_type=pdq&signal=abc"), 400, "invalid signal");
  expect_error(get("/m/raw_lookup?signal_type=pdq&include_distance=maybe&signal=" + db_->coffee), 400, "boolean");
}

TEST_F(ServeHma, LookupGroupsByBankAndOmitsBanksWithoutMatches) {
  auto r = get("/m/lookup?signal_type=pdq&signal=" + db_->astronaut);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(body(r), json::parse(R"({"BANK_B": [{"bank_content_id": 4434, "distance": "0"}]})"));
  EXPECT_EQ(body(get("/m/lookup?signal_type=pdq&signal=" + db_->rocket)), json::object());
  EXPECT_EQ(body(get("/m/lookup?signal_type=pdq&banks=BANK_A&signal=" + db_->astronaut)), json::object());
  expect_error(get("/m/lookup?signal_type=pdq"), 400, "Either url or both signal and signal_type are required");
}

TEST_F(ServeHma, UrlFetchingIsRefused) {
  expect_error(get("/m/lookup?url=http://127.0.0.1:1/x.jpg"), 400, "never fetches");
  expect_error(get("/h/hash?url=http://127.0.0.1:1/x.jpg"), 400, "never fetches");
  expect_error(get("/h/hash"), 422, "url is required");
}

TEST_F(ServeHma, PostLookupScansTheUploadedPhoto) {
  auto r = upload(ServeDb::edit("coffee", "q85"), "/m/lookup");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  const json j = body(r);
  ASSERT_TRUE(j.contains("pdq"));
  ASSERT_TRUE(j["pdq"].contains("BANK_A")) << r->body;
  EXPECT_FALSE(j["pdq"].contains("BANK_B"));
  EXPECT_EQ(j["pdq"]["BANK_A"][0]["bank_content_id"], 1001);
  EXPECT_TRUE(j["pdq"]["BANK_A"][0]["distance"].is_string());
  EXPECT_EQ(body(upload(ServeDb::edit("rocket", "q85"), "/m/lookup")), json::parse(R"({"pdq": {}})"));
}

TEST_F(ServeHma, HashGivesThePdqHexAndEmptyForLowQuality) {
  auto r = upload(ServeDb::photo("coffee"), "/h/hash");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body(r), json({{"pdq", db_->coffee}}));
  r = upload(data_path("pdq-vectors/images/syn-constant-200x100.png"), "/h/hash");
  EXPECT_EQ(body(r), json({{"pdq", ""}}));
}

TEST_F(ServeHma, HashRefusesMalformedUploads) {
  expect_error(upload(ServeDb::photo("coffee"), "/h/hash", "picture"), 400, "no such content_type: 'picture'");
  expect_error(upload(ServeDb::photo("coffee"), "/h/hash", "video"), 400, "disabled");
  // Two files.
  const auto bytes = read_file(ServeDb::photo("coffee"));
  const std::string b(bytes.begin(), bytes.end());
  httplib::MultipartFormDataItems two{{"photo", b, "a.png", "image/png"}, {"photo", b, "b.png", "image/png"}};
  expect_error(serve_->client()->Post("/h/hash", two), 400, "Only one file");
  // A form field without a filename is not a file.
  httplib::MultipartFormDataItems field{{"photo", "not a file", "", ""}};
  expect_error(serve_->client()->Post("/h/hash", field), 400, "Missing multipart/form-data file upload");
  // Not multipart at all.
  expect_error(serve_->client()->Post("/h/hash", "hello", "text/plain"), 400, "Missing multipart");
  // A multipart body cut short (no closing boundary) and one with a broken part header.
  expect_error(serve_->client()->Post("/h/hash", "--XYZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a\"\r\n\r\nabc",
                                      "multipart/form-data; boundary=XYZ"),
               400, "");
  expect_error(serve_->client()->Post("/h/hash", "--XYZ\r\nGarbage\r\n\r\nabc\r\n--XYZ--\r\n", "multipart/form-data; boundary=XYZ"),
               400, "");
  // Bytes that are not an image: a per-request error, and the service carries on.
  httplib::MultipartFormDataItems junk{{"photo", std::string("\xff\xd8\xff garbage"), "x.jpg", "image/jpeg"}};
  expect_error(serve_->client()->Post("/h/hash", junk), 400, "cannot hash");
  EXPECT_EQ(get("/status/live")->status, 200);
}

TEST_F(ServeHma, StatusAndIndexStatus) {
  auto r = get("/status");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "I-AM-ALIVE");
  EXPECT_EQ(get("/status/live")->body, "I-AM-ALIVE");
  const json j = body(get("/m/index/status"));
  EXPECT_EQ(j["pdq"]["present"], true);
  EXPECT_EQ(j["pdq"]["size"], 3);
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(j["pdq"]["built_to"].get<int64_t>(), now);
  EXPECT_GT(j["pdq"]["built_to"].get<int64_t>(), now - 600);
  expect_error(get("/m/index/status?signal_type=vpdq"), 400, "No such signal type 'vpdq'");
}

TEST_F(ServeHma, CompareGivesMatchAndDistance) {
  auto r = serve_->client()->Post("/m/compare", json({{"pdq", {db_->coffee, db_->coffee}}}).dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(body(r), json::parse(R"({"pdq": [true, {"distance": 0}]})"));
  r = serve_->client()->Post("/m/compare", json({{"pdq", {db_->coffee, db_->rocket}}}).dump(), "application/json");
  EXPECT_EQ(body(r)["pdq"][0], false);
  expect_error(serve_->client()->Post("/m/compare", json({{"pdq", {db_->coffee}}}).dump(), "application/json"), 400,
               "exactly 2");
  expect_error(serve_->client()->Post("/m/compare", "[1,2]", "application/json"), 400, "not a dict");
}

TEST_F(ServeHma, ExchangesAre501AndUnknownRoutes404WithJsonBodies) {
  expect_error(get("/c/exchanges"), 501, "not supported");
  expect_error(serve_->client()->Post("/c/exchanges", "{}", "application/json"), 501, "not supported");
  expect_error(get("/no/such/route"), 404, "no such endpoint");
}

TEST_F(ServeHma, NativeScanAndBatchMatch) {
  const auto bytes = read_file(ServeDb::edit("astronaut", "rot90"));
  auto r = serve_->client()->Post("/v1/scan", reinterpret_cast<const char*>(bytes.data()), bytes.size(), "image/jpeg");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = body(r);
  EXPECT_EQ(j["outcome"], "match");
  EXPECT_FALSE(j.contains("hash"));  // the upload's hash only when asked for
  ASSERT_EQ(j["matches"].size(), 1u);
  EXPECT_EQ(j["matches"][0]["list"], "BANK_B");
  EXPECT_EQ(j["matches"][0]["entry_id"], "4434");
  EXPECT_NE(j["matches"][0]["transform"], "orig");  // found through a rotation
  EXPECT_GE(j["generation"].get<int>(), 1);

  r = serve_->client()->Post("/v1/match", json({{"hashes", {db_->coffee, "zz", db_->rocket}}}).dump(), "application/json");
  ASSERT_TRUE(r);
  j = body(r);
  ASSERT_EQ(j["results"].size(), 3u);
  EXPECT_EQ(j["results"][0]["matches"][0]["entry_id"], "1001");
  EXPECT_TRUE(j["results"][1].contains("error"));
  EXPECT_TRUE(j["results"][2]["matches"].empty());
  expect_error(serve_->client()->Post("/v1/match", json({{"hashes", {db_->coffee}}, {"lists", {"NOPE"}}}).dump(), "application/json"),
               400, "");
}

TEST_F(ServeHma, HealthzAndMetrics) {
  EXPECT_EQ(body(get("/healthz"))["status"], "ok");
  // The service counts a request after its answer is sent. On one keep-alive connection the next
  // request is read only after that, so /metrics below sees the lookup counted.
  auto client = serve_->client();
  client->set_keep_alive(true);
  ASSERT_TRUE(client->Get(("/m/raw_lookup?signal_type=pdq&signal=" + db_->coffee).c_str()));
  auto r = client->Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  for (const char* want : {"hashsieve_http_requests_total{route=\"GET /m/raw_lookup\",code=\"200\"}",
                           "hashsieve_http_request_duration_seconds_bucket{route=\"GET /m/raw_lookup\",le=\"+Inf\"}",
                           "hashsieve_matches_total", "hashsieve_index_generation", "hashsieve_index_entries 3",
                           "hashsieve_index_reloads_total"})
    EXPECT_NE(r->body.find(want), std::string::npos) << want;
}

}  // namespace
}  // namespace hashsieve::testing
#endif
