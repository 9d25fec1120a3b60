// CSV cells of the scan report: text that a spreadsheet would run as a formula is neutralised.
// Internal to the engine.
#pragma once

#include <string>
#include <string_view>

namespace hashsieve {

// True when a spreadsheet would take `s` as the start of a formula or command: it starts with
// =, +, -, @, a tab or a carriage return (OWASP's list for CSV injection).
bool starts_like_formula(std::string_view s) noexcept;

// One CSV text cell: a single quote prefixed when starts_like_formula, then RFC 4180 quoting.
std::string csv_report_cell(std::string_view text);

}  // namespace hashsieve
