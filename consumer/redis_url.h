// Where the queue's Redis server is: redis://[:password@]host[:port][/db] (the usual URL form).
#pragma once

#include <string>

#include "hashsieve/status.h"

namespace hashsieve::consumer {

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  // sent with AUTH when not empty
  int db = 0;            // SELECTed when not 0
};

Result<RedisEndpoint> parse_redis_url(const std::string& url);

}  // namespace hashsieve::consumer
