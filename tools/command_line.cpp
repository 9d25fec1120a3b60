#include "tools/command_line.h"

namespace hashsieve::cli {

std::vector<std::string> split_names(const std::string& text, const std::string& option) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (out.back().empty()) throw CLI::ValidationError(option, "takes names separated by commas, none empty");
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& summary,
                      const std::string& details, const char* exit_help) {
  CLI::App* app = parent.add_subcommand(name, summary);
  app->footer((details.empty() ? std::string(exit_help) : details + "\n\n" + exit_help) + "\n");
  return app;
}

CLI::Validator in_range(long long lo, long long hi) {
  return CLI::Validator(
      [lo, hi](std::string& v) {
        long long n = 0;
        if (!CLI::detail::lexical_cast(v, n) || n < lo || n > hi)
          return "takes a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", not '" + v + "'";
        return std::string();
      },
      "");
}

CLI::Validator one_of(std::vector<std::string> values) {
  return CLI::Validator(
      [values](std::string& v) {
        std::string all;
        for (const auto& x : values) {
          if (v == x) return std::string();
          all += (all.empty() ? "" : ", ") + x;
        }
        return "takes one of " + all + ", not '" + v + "'";
      },
      "");
}

}  // namespace hashsieve::cli
