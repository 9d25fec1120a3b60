// Runs the built `hashsieve` binary in a shell and captures its exit status, stdout and stderr.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace hashsieve::testing {

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The lines of `s`, without their newlines.
inline std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// `args` is appended to the binary's path as shell text; `stdin_text`, when given, is fed in.
inline CliRun run_cli(const std::string& args, const std::string& stdin_text = "") {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("hashsieve-cli-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  const auto in = dir / "in", out = dir / "out", err = dir / "err";
  std::ofstream(in, std::ios::binary) << stdin_text;
  const std::string cmd = std::string(HASHSIEVE_CLI) + " " + args + " <" + in.string() + " >" + out.string() +
                          " 2>" + err.string();
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out);
  r.err = slurp(err);
  std::filesystem::remove_all(dir);
  return r;
}

// Where a spawned binary's output goes and how it runs.
struct SpawnOptions {
  std::string out = "/dev/null", err = "/dev/null";  // files (created 0600)
  int out_fd = -1;         // >= 0: stdout is this descriptor instead of `out` (e.g. a pipe)
  bool as_nobody = false;  // when root, become nobody first (root reads files whatever their mode)
  int umask = -1;          // >= 0: the child's umask
};

// Exit status of a child that could not drop to nobody.
inline constexpr int kCannotDropPrivileges = 125;

// Starts the binary with `args` (no shell), stdin from /dev/null; returns its pid, for tests that
// wait for it or kill it.
inline pid_t spawn_cli(const std::vector<std::string>& args, const SpawnOptions& o) {
  std::vector<std::string> all{HASHSIEVE_CLI};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = o.out_fd >= 0 ? o.out_fd : ::open(o.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(o.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (o.as_nobody && ::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0))
      ::_exit(kCannotDropPrivileges);
    if (o.umask >= 0) ::umask(static_cast<mode_t>(o.umask));
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

inline pid_t spawn_cli(const std::vector<std::string>& args, const std::string& out = "/dev/null",
                       const std::string& err = "/dev/null") {
  SpawnOptions o;
  o.out = out;
  o.err = err;
  return spawn_cli(args, o);
}

// Waits for `pid`; the exit status, or 128 + the signal that ended it.
inline int wait_cli(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Runs the binary with `args` (no shell) to the end, stdout and stderr captured through files in
// `scratch` (unless o.out_fd is given: then out stays empty).
inline CliRun run_cli_argv(const std::vector<std::string>& args, const std::filesystem::path& scratch,
                           SpawnOptions o = {}) {
  o.out = (scratch / "out").string();
  o.err = (scratch / "err").string();
  CliRun r;
  r.exit_code = wait_cli(spawn_cli(args, o));
  if (o.out_fd < 0) r.out = slurp(o.out);
  r.err = slurp(o.err);
  return r;
}

}  // namespace hashsieve::testing
