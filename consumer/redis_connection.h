// One blocking connection to Redis (hiredis), with the connection's failures as Status values: a
// broken connection (kIoError) is thrown away and a new one made; a server error reply is kept as
// a reply, since the caller decides what it means (e.g. BUSYGROUP).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "consumer/redis_url.h"
#include "hashsieve/status.h"

struct redisContext;
struct redisReply;

namespace hashsieve::consumer {

struct ReplyDeleter {
  void operator()(redisReply* r) const noexcept;
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

using Command = std::vector<std::string>;

class RedisConnection {
 public:
  // Connects, authenticates and selects the database. `io_timeout` bounds every read and write,
  // so it must exceed the longest BLOCK a command asks for.
  static Result<std::unique_ptr<RedisConnection>> Connect(const RedisEndpoint& at, std::chrono::milliseconds io_timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  Result<Reply> run(const Command& command);
  // Sends every command, then reads every reply: one round trip.
  Result<std::vector<Reply>> pipeline(const std::vector<Command>& commands);

 private:
  explicit RedisConnection(redisContext* c) : c_(c) {}
  Status broken(const char* what) const;
  redisContext* c_;
};

// The server's error text when `r` is an error reply, else "".
std::string error_text(const redisReply& r);

}  // namespace hashsieve::consumer
