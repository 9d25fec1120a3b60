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

#include <hiredis.h>

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

  // Starts redis-server on port(). A free port found earlier may have been taken since by another
  // test's server: the one answering must be ours (its process id), or ours exits; a first start
  // then tries a new port, a restart (which must keep its port) fails.
  void start() {
    for (int attempt = 0; attempt < 5; ++attempt) {
      if (launch()) return;
      if (started_once_) throw std::runtime_error("redis-server could not take back its port");
      port_ = free_loopback_port();
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
  // True once our redis-server answers PING on port_; false if it exited (port taken).
  bool launch() {
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
    const std::string ours = "process_id:" + std::to_string(pid_) + "\r\n";
    // Ready when it answers PING (not LOADING) and is ours.
    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      auto c = consumer::RedisConnection::Connect(endpoint(), std::chrono::milliseconds(2000));
      if (c.ok()) {
        auto ping = (*c)->run({"PING"});
        auto info = (*c)->run({"INFO", "server"});
        if (ping.ok() && consumer::error_text(**ping).empty() && info.ok() && (*info)->str &&
            std::string((*info)->str, (*info)->len).find(ours) != std::string::npos) {
          started_once_ = true;
          return true;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    stop(SIGKILL);
    throw std::runtime_error("redis-server did not answer");
  }

  std::string dir_;
  bool appendonly_;
  bool started_once_ = false;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace hashsieve::testing
