#include "server/tokens.h"

#include <fstream>
#include <sstream>

namespace hashsieve::server {
namespace {

// Compares without an early exit, so timing does not tell how much of a guess was right.
bool same_secret(const std::string& a, const std::string& b) {
  unsigned diff = a.size() != b.size();
  for (size_t i = 0; i < a.size(); ++i) diff |= unsigned(uint8_t(a[i]) ^ uint8_t(i < b.size() ? b[i] : 0));
  return diff == 0;
}

}  // namespace

Result<TokenTable> TokenTable::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status(StatusCode::kIoError, "cannot read the token file");
  TokenTable t;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream fields(line);
    std::string roles, token, extra;
    if (!(fields >> roles) || roles[0] == '#') continue;
    if (!(fields >> token) || (fields >> extra))
      return Status(StatusCode::kParseError, "token file line " + std::to_string(n) + ": expected `ROLES TOKEN`");
    if (token.size() < 16)
      return Status(StatusCode::kInvalidArgument, "token file line " + std::to_string(n) + ": token shorter than 16 characters");
    unsigned mask = 0;
    std::istringstream names(roles);
    for (std::string r; std::getline(names, r, ',');) {
      if (r == "match") mask |= kRoleMatch;
      else if (r == "hash") mask |= kRoleHash;
      else if (r == "curate") mask |= kRoleCurate;
      else return Status(StatusCode::kParseError, "token file line " + std::to_string(n) + ": unknown role '" + r +
                                                      "' (match, hash, curate)");
    }
    t.tokens_.emplace_back(token, mask);
  }
  if (t.tokens_.empty()) return Status(StatusCode::kInvalidArgument, "the token file holds no token");
  return t;
}

unsigned TokenTable::roles_of(const std::string& authorization) const {
  static const std::string kPrefix = "Bearer ";
  if (authorization.compare(0, kPrefix.size(), kPrefix) != 0) return 0;
  const std::string presented = authorization.substr(kPrefix.size());
  unsigned roles = 0;
  for (const auto& [token, mask] : tokens_)
    if (same_secret(presented, token)) roles = mask;  // no early exit: every token is compared
  return roles;
}

}  // namespace hashsieve::server
