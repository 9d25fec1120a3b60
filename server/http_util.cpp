#include "server/http_util.h"

#include <nlohmann/json.hpp>

namespace hashsieve::server {

void send_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, nlohmann::json{{"message", message}}.dump());
}

std::optional<Hash256> parse_pdq_signal(const std::string& text, std::string* why) {
  if (text.size() != 64) {
    *why = "a pdq signal is 64 hex digits, got " + std::to_string(text.size()) + " characters";
    return std::nullopt;
  }
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      *why = "a pdq signal is lower-case hex digits";
      return std::nullopt;
    }
  auto h = parse_hex(text);
  if (!h.ok()) {
    *why = h.status().message();
    return std::nullopt;
  }
  return *h;
}

int64_t content_id(const std::string& list, const std::string& entry_id) {
  constexpr uint64_t kMax = (uint64_t{1} << 53) - 1;
  if (!entry_id.empty() && entry_id.size() <= 16 && (entry_id == "0" || entry_id[0] != '0')) {
    uint64_t v = 0;
    bool digits = true;
    for (char c : entry_id) {
      if (c < '0' || c > '9') {
        digits = false;
        break;
      }
      v = v * 10 + uint64_t(c - '0');
    }
    if (digits && v <= kMax) return int64_t(v);
  }
  uint64_t h = 1469598103934665603ull;  // FNV-1a over list, a separator and the entry id
  auto mix = [&](unsigned char c) { h = (h ^ c) * 1099511628211ull; };
  for (char c : list) mix(static_cast<unsigned char>(c));
  mix(0);
  for (char c : entry_id) mix(static_cast<unsigned char>(c));
  return int64_t(h & kMax);
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::optional<bool> parse_bool(const std::string& text) {
  std::string t;
  for (char c : text) t += char(std::tolower(static_cast<unsigned char>(c)));
  if (t == "true" || t == "1") return true;
  if (t == "false" || t == "0") return false;
  return std::nullopt;
}

std::vector<std::string> loaded_subset(const Scanner& scanner, const std::vector<std::string>& wanted) {
  std::vector<std::string> out;
  const GenerationInfo g = scanner.generation();
  for (const auto& w : wanted)
    for (const auto& [name, n] : g.lists)
      if (name == w) out.push_back(w);
  return out;
}

}  // namespace hashsieve::server
