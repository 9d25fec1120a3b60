// What the consumer's end-to-end tests share: generated upload images, a hash-list database that
// lists some of them, a Redis client for the test's own side of the queue, a fixture that sets
// the three up beside a redis-server of the test's own, and the check that every message has its
// one result.
#pragma once

#include <gtest/gtest.h>
#include <hiredis.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "consumer/redis_connection.h"
#include "consumer/stream_message.h"
#include "tests/support/jpeg_encode.h"
#include "tests/support/run_cli.h"
#include "tests/support/test_data.h"
#include "tests/queue/redis_test_server.h"
#include "tests/unit/temp_dir.h"

namespace hashsieve::testing {

// A JPEG of random 12x12 blocks of colour (distinct images have unrelated PDQ hashes).
inline std::vector<uint8_t> random_block_jpeg(uint32_t seed, int size = 96) {
  std::mt19937 rng(seed);
  const int cells = 12;
  std::vector<uint8_t> grid(size_t(cells * cells * 3));
  for (auto& g : grid) g = uint8_t(rng());
  std::vector<uint8_t> px(size_t(size * size * 3));
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x)
      for (int c = 0; c < 3; ++c) px[size_t((y * size + x) * 3 + c)] = grid[size_t(((y * cells / size) * cells + x * cells / size) * 3 + c)];
  return encode_with_libjpeg(px.data(), size, size, 3);
}

inline void write_bytes(const std::string& path, const std::vector<uint8_t>& b) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

// `count` images under dir/images; the first `listed` go on list "known" (entry id = file stem) of
// the database dir/db, built through the command line.
struct UploadSet {
  std::vector<std::string> paths;
  size_t listed = 0;
  std::string db;
};

inline UploadSet make_upload_set(const std::string& dir, size_t count, size_t listed) {
  namespace fs = std::filesystem;
  UploadSet u;
  u.listed = listed;
  u.db = dir + "/db";
  fs::create_directories(dir + "/images");
  for (size_t i = 0; i < count; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "img%05zu", i);
    u.paths.push_back(dir + "/images/" + name + ".jpg");
    write_bytes(u.paths.back(), random_block_jpeg(uint32_t(i + 1)));
  }
  run_cli("list create known --db " + u.db);
  if (listed) {
    std::ofstream csv(dir + "/known.csv");
    csv << "hash,entry_id\n";
    for (size_t i = 0; i < listed; ++i) {
      const CliRun h = run_cli("hash " + u.paths[i]);
      csv << h.out.substr(0, 64) << "," << std::filesystem::path(u.paths[i]).stem().string() << "\n";
    }
    csv.close();
    run_cli("list import known " + dir + "/known.csv --db " + u.db);
  }
  return u;
}

// The test's side of Redis.
class QueueClient {
 public:
  explicit QueueClient(const consumer::RedisEndpoint& at) {
    auto c = consumer::RedisConnection::Connect(at, std::chrono::milliseconds(10000));
    if (!c.ok()) throw std::runtime_error(c.status().to_string());
    conn_ = std::move(*c);
  }
  consumer::Reply run(const consumer::Command& c) {
    auto r = conn_->run(c);
    if (!r.ok()) throw std::runtime_error(r.status().to_string());
    return std::move(*r);
  }
  // XADDs each field list; returns the entry ids.
  std::vector<std::string> add(const std::string& stream, const std::vector<consumer::Command>& field_lists) {
    std::vector<std::string> ids;
    for (size_t at = 0; at < field_lists.size(); at += 500) {
      std::vector<consumer::Command> cmds;
      for (size_t i = at; i < std::min(field_lists.size(), at + 500); ++i) {
        consumer::Command c{"XADD", stream, "*"};
        c.insert(c.end(), field_lists[i].begin(), field_lists[i].end());
        cmds.push_back(std::move(c));
      }
      auto replies = conn_->pipeline(cmds);
      if (!replies.ok()) throw std::runtime_error(replies.status().to_string());
      for (auto& r : *replies) ids.emplace_back(r->str, r->len);
    }
    return ids;
  }
  // Every entry of a stream, in order.
  std::vector<consumer::StreamMessage> all(const std::string& stream) {
    std::vector<consumer::StreamMessage> out;
    std::string from = "-";
    for (;;) {
      auto r = run({"XRANGE", stream, from, "+", "COUNT", "1000"});
      // XRANGE's reply is the entry list XREADGROUP nests under the stream name.
      std::vector<consumer::StreamMessage> page;
      for (size_t i = 0; i < r->elements; ++i) {
        const redisReply* e = r->element[i];
        consumer::StreamMessage m;
        m.id.assign(e->element[0]->str, e->element[0]->len);
        const redisReply* kv = e->element[1];
        for (size_t k = 0; k + 1 < kv->elements; k += 2)
          m.fields.emplace_back(std::string(kv->element[k]->str, kv->element[k]->len),
                                std::string(kv->element[k + 1]->str, kv->element[k + 1]->len));
        page.push_back(std::move(m));
      }
      if (page.empty()) return out;
      from = "(" + page.back().id;
      for (auto& m : page) out.push_back(std::move(m));
    }
  }
  long long integer(const consumer::Command& c) {
    auto r = run(c);
    return r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
  }
  // Entries pending in the group (delivered, not acknowledged); -1 when there is no group.
  long long pending(const std::string& stream, const std::string& group) {
    auto r = run({"XPENDING", stream, group});
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 1) return -1;
    return r->element[0]->integer;
  }
  // Whether `consumer` holds at least one delivered, unacknowledged entry.
  bool holds_pending(const std::string& stream, const std::string& group, const std::string& consumer) {
    auto r = run({"XPENDING", stream, group, "-", "+", "1", consumer});
    return r->type == REDIS_REPLY_ARRAY && r->elements > 0;
  }

 private:
  std::unique_ptr<consumer::RedisConnection> conn_;
};

// Results by message id (a message may have several after redeliveries).
inline std::map<std::string, std::vector<consumer::StreamMessage>> results_by_message(QueueClient& q,
                                                                                    const std::string& stream) {
  std::map<std::string, std::vector<consumer::StreamMessage>> by;
  for (auto& r : q.all(stream)) {
    const std::string* id = r.field("message_id");
    by[id ? *id : std::string()].push_back(std::move(r));
  }
  return by;
}

// Deduplicated by message id, every message of `ids` has a result in `results` and no other
// message has one; the copies a message's redeliveries left are identical, and each passes `check`
// (given the message's index in `ids`) when there is one. `duplicates`: the copies beyond the first.
void expect_one_result_each(QueueClient& q, const std::vector<std::string>& ids,
                            const std::function<void(size_t, const consumer::StreamMessage&)>& check = {},
                            size_t* duplicates = nullptr, const std::string& results = "uploads:results");

// A test with a queue of its own: a redis-server on a free loopback port with its data under tmp,
// `images` uploads under tmp (the first `listed` of them on list "known" of the database), and the
// test's client.
class QueueTest : public ::testing::Test {
 protected:
  // `appendonly`: every write is fsynced before Redis answers, so a kill -9 and restart loses
  // nothing it acknowledged.
  void start_queue(size_t images, size_t listed, bool appendonly = false);
  // A new client, e.g. after the server was restarted.
  void reconnect();

  TempDir tmp;  // first: it outlives the server whose data it holds
  std::unique_ptr<RedisTestServer> redis;
  UploadSet uploads;
  std::unique_ptr<QueueClient> queue;
};

}  // namespace hashsieve::testing
