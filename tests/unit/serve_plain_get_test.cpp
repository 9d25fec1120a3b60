// The plain-GET reader (server/plain_get.h): what it takes from a lookup request, and every form
// it must leave to the library, which would read it differently (decoding, a body, a range).
#ifdef HASHSIEVE_HAVE_HTTPLIB
#include <gtest/gtest.h>

#include <string>

#include "server/plain_get.h"

namespace hashsieve::server {
namespace {

const std::string kLookup =
    "GET /m/raw_lookup?signal_type=pdq&signal=ab12&include_distance=true HTTP/1.1\r\n"
    "Host: 127.0.0.1:5100\r\nAuthorization:  Bearer t0k3n \r\n\r\n";

TEST(PlainGet, ReadsPathParamsAndHeadersOfALookup) {
  PlainGet g;
  ASSERT_TRUE(parse_plain_get(kLookup, &g));
  EXPECT_EQ(g.path, "/m/raw_lookup");
  ASSERT_EQ(g.params.size(), 3u);
  EXPECT_EQ(g.params[0].first, "signal_type");
  EXPECT_EQ(g.params[0].second, "pdq");
  EXPECT_EQ(g.params[1].second, "ab12");
  EXPECT_EQ(g.params[2].first, "include_distance");
  ASSERT_EQ(g.headers.size(), 2u);
  EXPECT_EQ(g.headers[1].first, "Authorization");
  EXPECT_EQ(g.headers[1].second, "Bearer t0k3n") << "the value's surrounding blanks are not part of it";
  EXPECT_FALSE(g.close);
  EXPECT_EQ(g.head_bytes, kLookup.size());
}

// The heads lookup clients send (python-requests as HMA's clients use it, curl, wrk,
// cpp-httplib's client) are all plain.
TEST(PlainGet, ReadsTheHeadsOfCommonClients) {
  const std::string q = "/m/raw_lookup?signal_type=pdq&signal=ab12";
  const std::string heads[] = {
      "GET " + q + " HTTP/1.1\r\nHost: 127.0.0.1:5100\r\nUser-Agent: python-requests/2.28.1\r\n"
      "Accept-Encoding: gzip, deflate\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n",
      "GET " + q + " HTTP/1.1\r\nHost: 127.0.0.1:5100\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
      "GET " + q + " HTTP/1.1\r\nHost: 127.0.0.1:5100\r\n\r\n",
      "GET " + q + " HTTP/1.1\r\nAccept: */*\r\nConnection: close\r\nHost: 127.0.0.1:5100\r\n"
      "User-Agent: cpp-httplib/0.11\r\n\r\n",
  };
  for (const std::string& h : heads) {
    PlainGet g;
    ASSERT_TRUE(parse_plain_get(h, &g)) << h;
    EXPECT_EQ(g.path, "/m/raw_lookup");
    EXPECT_EQ(g.params.size(), 2u);
  }
}

TEST(PlainGet, TakesOnlyTheFirstOfRequestsSentTogether) {
  PlainGet g;
  ASSERT_TRUE(parse_plain_get(kLookup + "GET /status HTTP/1.1\r\nHost: x\r\n\r\n", &g));
  EXPECT_EQ(g.head_bytes, kLookup.size());
  ASSERT_TRUE(parse_plain_get("GET /status HTTP/1.1\r\nHost: x\r\n\r\n", &g));
  EXPECT_EQ(g.path, "/status");
  EXPECT_TRUE(g.params.empty());
}

TEST(PlainGet, NotesAConnectionCloseInAnyCase) {
  PlainGet g;
  ASSERT_TRUE(parse_plain_get("GET /m/lookup?a=1 HTTP/1.1\r\nconnection: Close\r\n\r\n", &g));
  EXPECT_TRUE(g.close);
  ASSERT_TRUE(parse_plain_get("GET /m/lookup?a=1 HTTP/1.1\r\nConnection: keep-alive\r\n\r\n", &g));
  EXPECT_FALSE(g.close);
}

TEST(PlainGet, LeavesEveryOtherFormToTheLibrary) {
  const char* others[] = {
      "GET /m/raw_lookup?signal=ab HTTP/1.1\r\nHost: x\r\n",         // head not complete yet
      "GET /m/raw_lookup?signal=ab HTTP/1.1\r\nHost: x\r\n\r",       // nor here
      "POST /m/raw_lookup?signal=ab HTTP/1.1\r\nHost: x\r\n\r\n",    // not a GET
      "GET /m/raw_lookup?signal=ab HTTP/1.0\r\nHost: x\r\n\r\n",     // other version
      "GET /m/raw_lookup?signal=ab HTTP/1.1 \r\nHost: x\r\n\r\n",    // trailing blank
      "GET  /m/raw_lookup?signal=ab HTTP/1.1\r\nHost: x\r\n\r\n",    // two blanks
      "GET m/raw_lookup?signal=ab HTTP/1.1\r\nHost: x\r\n\r\n",      // not an origin form
      "GET /m/raw_lookup?banks=a%2Cb HTTP/1.1\r\nHost: x\r\n\r\n",   // percent-encoded
      "GET /m/raw_lookup?banks=a+b HTTP/1.1\r\nHost: x\r\n\r\n",     // '+' is a space in a query
      "GET /m/raw_lookup?signal=ab#x HTTP/1.1\r\nHost: x\r\n\r\n",   // fragment
      "GET /m/raw_lookup?signal HTTP/1.1\r\nHost: x\r\n\r\n",        // parameter without '='
      "GET /m/raw_lookup?=ab HTTP/1.1\r\nHost: x\r\n\r\n",           // without a name
      "GET /m/raw_lookup?a=1&&b=2 HTTP/1.1\r\nHost: x\r\n\r\n",      // empty pair
      "GET /m/raw_lookup?a=1=2 HTTP/1.1\r\nHost: x\r\n\r\n",         // second '='
      "GET /m/raw_lookup? HTTP/1.1\r\nHost: x\r\n\r\n",              // empty query
      "GET /m/raw_lookup?a=b?c HTTP/1.1\r\nHost: x\r\n\r\n",         // second '?' (the library: 400)
      "GET /m/raw_lookup??a=b HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /m/raw_lookup?a=1&a=1 HTTP/1.1\r\nHost: x\r\n\r\n",       // repeated (the library: once)
      "GET /m/raw_lookup?a=1&a=2 HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /m/raw_lookup?a=1 HTTP/1.1\r\nAuthorization: Bearer%20t\r\n\r\n",  // decoded by the library
      "GET /m/raw_lookup?a=1 HTTP/1.1\r\nAuthorization:\r\nAuthorization: Bearer t\r\n\r\n",  // empty
      "GET /m/raw_lookup?a=1 HTTP/1.1\r\nAccept-Encoding: gzip, identity;q=0\r\n\r\n",
      "GET /m/raw_lookup?a=1 HTTP/1.1\r\nAccept-Encoding: gzip, *;q=0\r\n\r\n",
      "GET /m/raw_lookup?a=1 HTTP/1.1\r\nContent-Length: 0\r\n\r\n",  // a body announced
      "GET /m/raw_lookup?a=1 HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n",
      "GET /m/raw_lookup?a=1 HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
      "GET /m/raw_lookup?a=1 HTTP/1.1\r\nRange: bytes=0-1\r\n\r\n",
      "GET /m/raw_lookup?a=1 HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
      "GET /m/raw_lookup?a=1 HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",  // obsolete line folding
      "GET /m/raw_lookup?a=1 HTTP/1.1\r\nHost x\r\n\r\n",            // no colon
      "GET /m/raw_lookup?a=1 HTTP/1.1\r\nHo st: x\r\n\r\n",          // blank in a name
      "GET /m/raw_lookup?a=1 HTTP/1.1\r\nHost: x\ny\r\n\r\n",        // bare LF in a value
      "GET /m/raw_lookup?a=1 HTTP/1.1\nHost: x\r\n\r\n",             // bare LF ending the line
  };
  for (const char* r : others) {
    PlainGet g;
    EXPECT_FALSE(parse_plain_get(r, &g)) << r;
  }
  // The library's limits: a request line over 8192 bytes with its CRLF is a 414 there, a header
  // line over 8192 a 400. A request line of 8192 is plain.
  auto line_of = [](size_t bytes) { return "GET /" + std::string(bytes - 16, 'a') + " HTTP/1.1\r\n"; };
  PlainGet g;
  ASSERT_EQ(line_of(8192).size(), 8192u);
  EXPECT_FALSE(parse_plain_get(line_of(8193) + "\r\n", &g));
  EXPECT_TRUE(parse_plain_get(line_of(8192) + "\r\n", &g));
  EXPECT_FALSE(parse_plain_get(line_of(100) + "X-Long: " + std::string(8200, 'v') + "\r\n\r\n", &g));
  std::string many = "GET /x?a=1 HTTP/1.1\r\n";
  for (int i = 0; i < 65; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  EXPECT_FALSE(parse_plain_get(many + "\r\n", &g)) << "more than 64 headers";
}

}  // namespace
}  // namespace hashsieve::server
#endif
