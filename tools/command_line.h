// The one option parser of the `hashsieve` binary (CLI11). Every subcommand and action declares its
// options once, on its own CLI::App; the parsing, the errors and the --help text all come from
// those declarations.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace hashsieve::cli {

// A runnable (sub)command: the App its options live on and what runs when it is the one given.
struct Runnable {
  CLI::App* app = nullptr;
  std::function<int()> run;
  // Receives the arguments after "--" (CLI11 2.1 drops positionals there once one was seen).
  std::vector<std::string>* after_dashes = nullptr;
};
using Commands = std::vector<Runnable>;

// "a,b,c" -> {"a", "b", "c"}; an empty field is a usage error naming `option`.
std::vector<std::string> split_names(const std::string& text, const std::string& option);

// A (sub)command with the help layout every command shares: `summary` (one line, also shown in
// the parent's list), then usage and options, then `details` and the exit statuses.
CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& summary,
                      const std::string& details, const char* exit_help);

// Value checks whose limits the option's description already states (CLI11 would repeat them
// in the type column).
CLI::Validator in_range(long long lo, long long hi);
CLI::Validator one_of(std::vector<std::string> values);

}  // namespace hashsieve::cli
