// Small helpers the routes share: JSON error bodies (HMA's {"message": ...}), strict PDQ hex,
// HMA's stable integer content ids, comma lists.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hashsieve/hash256.h"
#include "hashsieve/scanner.h"

namespace hashsieve::server {

void send_json(httplib::Response& res, int status, const std::string& body);
void send_error(httplib::Response& res, int status, const std::string& message);

// 64 lower-case hex digits, as HMA's PDQ signal type accepts (upper case is refused).
std::optional<Hash256> parse_pdq_signal(const std::string& text, std::string* why);

// HMA's bank content id for an entry: the entry id itself when it is a decimal integer below
// 2^53 (JSON clients read numbers as doubles); otherwise a 53-bit hash of list + entry id.
int64_t content_id(const std::string& list, const std::string& entry_id);

std::vector<std::string> split_commas(const std::string& text);

// HMA's str_to_bool: true/1, false/0, anything else refused.
std::optional<bool> parse_bool(const std::string& text);

// Which of `wanted` the scanner loaded (a bank filter naming unknown banks just matches less).
std::vector<std::string> loaded_subset(const Scanner& scanner, const std::vector<std::string>& wanted);

}  // namespace hashsieve::server
