#include "consumer/redis_url.h"

#include <charconv>

namespace hashsieve::consumer {
namespace {

bool parse_int(const std::string& s, int lo, int hi, int& out) {
  int v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi) return false;
  out = v;
  return true;
}

}  // namespace

Result<RedisEndpoint> parse_redis_url(const std::string& url) {
  const std::string scheme = "redis://";
  auto bad = [&](const std::string& why) {
    return Status(StatusCode::kInvalidArgument, "bad Redis URL (" + why + "); expected redis://[:password@]host[:port][/db]");
  };
  if (url.compare(0, scheme.size(), scheme) != 0) return bad("it must start with redis://");
  std::string rest = url.substr(scheme.size());
  RedisEndpoint e;
  if (const size_t slash = rest.find('/'); slash != std::string::npos) {
    const std::string db = rest.substr(slash + 1);
    if (!db.empty() && !parse_int(db, 0, 1 << 20, e.db)) return bad("the database number is not a number");
    rest.resize(slash);
  }
  if (const size_t at = rest.rfind('@'); at != std::string::npos) {
    std::string auth = rest.substr(0, at);
    rest = rest.substr(at + 1);
    // "user:password" is Redis 6 ACL form; only the password is used (the default user).
    const size_t colon = auth.find(':');
    e.password = colon == std::string::npos ? auth : auth.substr(colon + 1);
  }
  std::string host = rest;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
    const size_t close = rest.find(']');
    if (close == std::string::npos) return bad("unclosed [");
    host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !parse_int(rest.substr(1), 1, 65535, e.port)))
      return bad("the port is not a number from 1 to 65535");
  } else if (const size_t colon = rest.rfind(':'); colon != std::string::npos) {
    host = rest.substr(0, colon);
    if (!parse_int(rest.substr(colon + 1), 1, 65535, e.port)) return bad("the port is not a number from 1 to 65535");
  }
  if (host.empty()) return bad("no host");
  e.host = host;
  return e;
}

}  // namespace hashsieve::consumer
