#include "engine/csv_cell.h"

#include "common/text_escape.h"

namespace hashsieve {

bool starts_like_formula(std::string_view s) noexcept {
  if (s.empty()) return false;
  const char c = s.front();
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

std::string csv_report_cell(std::string_view text) {
  if (!starts_like_formula(text)) return csv_field(text);
  std::string neutral = "'";
  neutral += text;
  return csv_field(neutral);
}

}  // namespace hashsieve
