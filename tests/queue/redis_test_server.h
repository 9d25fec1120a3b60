// A real redis-server for a test: its own free 127.0.0.1 port and temp directory, killed (or
// restarted on the same port and data) when the test says so.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "consumer/redis_connection.h"

namespace hashsieve::testing {

inline int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("no free port");
  ::close(fd);
  return ntohs(a.sin_port);
}

class RedisTestServer {
 public:
  // `appendonly`: the stream survives a kill -9 (every write fsynced before it is answered).
  RedisTestServer(std::string dir, bool appendonly) : dir_(std::move(dir)), appendonly_(appendonly) {
    port_ = free_loopback_port();
    start();
  }
  ~RedisTestServer() { stop(SIGKILL); }

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  consumer::RedisEndpoint endpoint() const {
    consumer::RedisEndpoint e;
    e.port = port_;
    return e;
  }

  void start() {
    std::vector<std::string> args{REDIS_SERVER_BIN, "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                  "--dir", dir_, "--save", "", "--daemonize", "no", "--logfile",
                                  dir_ + "/redis.log", "--appendonly", appendonly_ ? "yes" : "no",
                                  "--appendfsync", "always"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    // Ready when it answers PING (not LOADING).
    for (int i = 0; i < 200; ++i) {
      auto c = consumer::RedisConnection::Connect(endpoint(), std::chrono::milliseconds(2000));
      if (c.ok()) {
        auto r = (*c)->run({"PING"});
        if (r.ok() && consumer::error_text(**r).empty()) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("redis-server did not start");
  }

  void stop(int sig) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // A kill -9 and a start on the same port and data.
  void restart(std::chrono::milliseconds down) {
    stop(SIGKILL);
    std::this_thread::sleep_for(down);
    start();
  }

 private:
  std::string dir_;
  bool appendonly_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace hashsieve::testing
