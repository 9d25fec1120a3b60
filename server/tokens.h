// Bearer tokens and their roles, read from a file: one token per line, `ROLES TOKEN`, ROLES a
// comma list of match, hash, curate; blank lines and lines starting with # are skipped.
#pragma once

#include <string>
#include <vector>

#include "hashsieve/status.h"

namespace hashsieve::server {

enum Role : unsigned { kRoleMatch = 1, kRoleHash = 2, kRoleCurate = 4 };

class TokenTable {
 public:
  static Result<TokenTable> Load(const std::string& path);
  bool empty() const { return tokens_.empty(); }
  // The roles of the token in an `Authorization: Bearer ...` header value; 0 when unknown.
  unsigned roles_of(const std::string& authorization) const;

 private:
  std::vector<std::pair<std::string, unsigned>> tokens_;
};

}  // namespace hashsieve::server
