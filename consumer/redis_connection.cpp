#include "consumer/redis_connection.h"

#include <hiredis.h>
#include <sys/time.h>

namespace hashsieve::consumer {

void ReplyDeleter::operator()(redisReply* r) const noexcept { freeReplyObject(r); }

std::string error_text(const redisReply& r) {
  return r.type == REDIS_REPLY_ERROR ? std::string(r.str, r.len) : std::string();
}

namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = time_t(ms.count() / 1000);
  tv.tv_usec = suseconds_t((ms.count() % 1000) * 1000);
  return tv;
}

std::vector<const char*> argv_of(const Command& c, std::vector<size_t>& lens) {
  std::vector<const char*> argv;
  argv.reserve(c.size());
  lens.clear();
  for (const std::string& a : c) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return argv;
}

}  // namespace

Result<std::unique_ptr<RedisConnection>> RedisConnection::Connect(const RedisEndpoint& at,
                                                                  std::chrono::milliseconds io_timeout) {
  redisContext* c = redisConnectWithTimeout(at.host.c_str(), at.port, to_timeval(std::chrono::milliseconds(3000)));
  if (!c) return Status(StatusCode::kInternal, "out of memory making a Redis connection");
  std::unique_ptr<RedisConnection> conn(new RedisConnection(c));
  if (c->err) return conn->broken("connect");
  if (redisSetTimeout(c, to_timeval(io_timeout)) != REDIS_OK) return conn->broken("set timeout");
  redisEnableKeepAlive(c);
  if (!at.password.empty()) {
    auto r = conn->run({"AUTH", at.password});
    if (!r.ok()) return r.status();
    if (const std::string e = error_text(**r); !e.empty()) return Status(StatusCode::kInvalidArgument, "Redis AUTH: " + e);
  }
  if (at.db != 0) {
    auto r = conn->run({"SELECT", std::to_string(at.db)});
    if (!r.ok()) return r.status();
    if (const std::string e = error_text(**r); !e.empty()) return Status(StatusCode::kInvalidArgument, "Redis SELECT: " + e);
  }
  return conn;
}

RedisConnection::~RedisConnection() { redisFree(c_); }

Status RedisConnection::broken(const char* what) const {
  return Status(StatusCode::kIoError, std::string("Redis ") + what + ": " + (c_->err ? c_->errstr : "connection lost"));
}

Result<Reply> RedisConnection::run(const Command& command) {
  std::vector<size_t> lens;
  auto argv = argv_of(command, lens);
  void* r = redisCommandArgv(c_, int(argv.size()), argv.data(), lens.data());
  if (!r) return broken(command.empty() ? "command" : command[0].c_str());
  return Reply(static_cast<redisReply*>(r));
}

Result<std::vector<Reply>> RedisConnection::pipeline(const std::vector<Command>& commands) {
  std::vector<size_t> lens;
  for (const Command& c : commands) {
    auto argv = argv_of(c, lens);
    if (redisAppendCommandArgv(c_, int(argv.size()), argv.data(), lens.data()) != REDIS_OK)
      return broken("pipeline");
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* r = nullptr;
    if (redisGetReply(c_, &r) != REDIS_OK || !r) return broken("pipeline");
    replies.emplace_back(static_cast<redisReply*>(r));
  }
  return replies;
}

}  // namespace hashsieve::consumer
