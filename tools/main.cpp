// `hashsieve <command> ...`: one CLI11 parser; each subcommand declares its options in its own file.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "tools/commands.h"
#include "tools/exit_codes.h"

namespace hashsieve::cli {
namespace {

void add_version_command(CLI::App& root, Commands& commands) {
  CLI::App* app = add_command(root, "version", "print the version", "", kVersionExitHelp);
  commands.push_back({app, [] {
                        std::printf("hashsieve %s\n", kVersion);
                        return kExitDone;
                      }});
}

// The innermost (sub)command the arguments selected.
const CLI::App* selected(const CLI::App& root) {
  const CLI::App* app = &root;
  for (auto subs = app->get_subcommands(); !subs.empty(); subs = app->get_subcommands()) app = subs.front();
  return app;
}

std::string command_path(const CLI::App* app) {
  std::string path;
  for (; app; app = app->get_parent()) path = path.empty() ? app->get_name() : app->get_name() + " " + path;
  return path;
}

int run(int argc, char** argv) {
  CLI::App root{"hashsieve finds known harmful images in uploads by their PDQ hashes, without keeping the images.",
                "hashsieve"};
  root.require_subcommand(1);
  root.set_version_flag("--version", std::string("hashsieve ") + kVersion);
  root.footer(
      "`hashsieve <command> --help` describes a command (and `hashsieve list <action> --help` an action).\n\n"
      "exit status: scan and match: 0 something matched, 1 everything asked for was checked and nothing matched, "
      "2 error; every command: 2 on error; each command's --help gives its own.\n");
  root.get_formatter()->column_width(28);
  Commands commands;
  add_hash_command(root, commands);
  add_scan_command(root, commands);
  add_version_command(root, commands);
  add_list_command(root, commands);
  add_db_command(root, commands);
  add_match_command(root, commands);
  add_bench_command(root, commands);
  add_serve_command(root, commands);
  add_consume_command(root, commands);

  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "help") {  // `hashsieve help [COMMAND...]`
    args.erase(args.begin());
    args.push_back("--help");
  }
  // Arguments after "--" are positionals whatever they look like; handed over after parsing.
  std::vector<std::string> after_dashes;
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i] == "--") {
      after_dashes.assign(args.begin() + long(i) + 1, args.end());
      args.resize(i);
      break;
    }
  const Runnable* chosen = nullptr;
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
    root.parse(reversed);
    for (const auto& c : commands)
      if (c.app == selected(root)) chosen = &c;
    if (!chosen) throw CLI::RequiredError("an action");  // e.g. `list` alone: CLI11 reports this itself
    if (!after_dashes.empty()) {
      if (!chosen->after_dashes) throw CLI::ExtrasError(after_dashes);
      chosen->after_dashes->insert(chosen->after_dashes->end(), after_dashes.begin(), after_dashes.end());
    }
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help, --version
      root.exit(e);
      return kExitDone;
    }
    const std::string name = command_path(selected(root));
    std::fprintf(stderr, "%s: %s\n(see %s --help)\n", name.c_str(), e.what(), name.c_str());
    return kExitError;
  }
  try {
    return chosen->run();
  } catch (const CLI::ParseError& e) {  // a usage error found after parsing (e.g. no input)
    const std::string name = command_path(chosen->app);
    std::fprintf(stderr, "%s: %s\n(see %s --help)\n", name.c_str(), e.what(), name.c_str());
    return kExitError;
  }
}

}  // namespace
}  // namespace hashsieve::cli

int main(int argc, char** argv) {
  // A closed pipe must be a write error with a message and exit status 2, not a silent death.
  std::signal(SIGPIPE, SIG_IGN);
  int rc = hashsieve::cli::run(argc, argv);
  // Flush stdio before std::cout (which flushes it too) so errno still says why a write failed.
  errno = 0;
  const bool flush_failed = std::fflush(stdout) != 0;
  const int err = errno;
  std::cout.flush();
  if ((flush_failed || std::ferror(stdout) || !std::cout) && rc != hashsieve::cli::kExitError) {
    std::fprintf(stderr, "hashsieve: cannot write stdout: %s\n", std::strerror(err ? err : EIO));
    rc = hashsieve::cli::kExitError;
  }
  return rc;
}
