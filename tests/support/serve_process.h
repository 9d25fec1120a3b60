// A `hashsieve serve` started by a test on 127.0.0.1 and a free port (it binds port 0 and says
// which port it got on stderr), with an HTTP client for it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/run_cli.h"

namespace hashsieve::testing {

// A raw TCP connection to 127.0.0.1:port (-1 if refused), for clients that misbehave or that
// need to see the bytes on the wire; receive_buffer > 0 fixes the socket's receive buffer (and
// so the window the service may fill) at about that size.
inline int connect_raw(int port, int receive_buffer = 0) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (receive_buffer > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

class ServeProcess {
 public:
  // `args` after `serve --listen 127.0.0.1:0`; waits until it listens (or exits).
  explicit ServeProcess(const std::vector<std::string>& args, const std::string& tag = "serve") {
    err_ = (std::filesystem::temp_directory_path() /
            ("hashsieve-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++) + ".err"))
               .string();
    std::vector<std::string> all{"serve", "--listen", "127.0.0.1:0"};
    all.insert(all.end(), args.begin(), args.end());
    pid_ = spawn_cli(all, "/dev/null", err_);
    const std::regex listening("listening on 127\\.0\\.0\\.1:([0-9]+)");
    for (int i = 0; i < 600 && port_ == 0; ++i) {
      std::smatch m;
      const std::string text = slurp(err_);
      if (std::regex_search(text, m, listening)) port_ = std::stoi(m[1]);
      else if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
        exited_ = true;
        break;
      } else std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~ServeProcess() {
    if (!exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status_, 0);
    }
    std::filesystem::remove(err_);
  }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string stderr_text() const { return slurp(err_); }
  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_read_timeout(30, 0);
    return c;
  }
  // SIGTERM, then the exit status (or 128 + signal).
  int terminate_and_wait() {
    ::kill(pid_, SIGTERM);
    return wait_exit();
  }
  int wait_exit() {
    if (!exited_) ::waitpid(pid_, &status_, 0);
    exited_ = true;
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string err_;
  pid_t pid_ = -1;
  int port_ = 0, status_ = 0;
  bool exited_ = false;
};

}  // namespace hashsieve::testing
