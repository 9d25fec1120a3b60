#include "consumer/stream_consumer.h"

#include <hiredis.h>

#include <algorithm>
#include <optional>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "consumer/redis_connection.h"
#include "consumer/scan_workers.h"
#include "consumer/stream_message.h"
#include "hashsieve/cores.h"

namespace hashsieve::consumer {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A server error that no retry can cure: the keys hold something else than streams.
bool fatal_reply(const std::string& error) { return error.rfind("WRONGTYPE", 0) == 0; }

Command xadd(const std::string& stream, const Fields& fields) {
  Command c{"XADD", stream, "*"};
  for (const auto& f : fields) {
    c.push_back(f.first);
    c.push_back(f.second);
  }
  return c;
}

struct Pending {
  MessageOutcome outcome;
  bool added = false;  // its results (and dead-letter) entries are in; only the XACK is missing
};

}  // namespace

struct StreamConsumer::Impl {
  ConsumerOptions o;
  const Scanner& scanner;
  ConsumerLog log;
  ConsumerStats stats;
  std::unique_ptr<RedisConnection> conn;
  // The scanning threads, fed by this one (which alone talks to Redis) with one batch more than
  // they hold, so they never wait for a read; their outcomes are written back while they scan.
  std::unique_ptr<ScanWorkers> workers;
  std::vector<Pending> unpublished;         // scanned, not yet acknowledged
  std::unordered_set<std::string> in_hand;  // ids delivered and not yet answered: not scanned twice
  bool stream_dry = false;                  // the last read found nothing: wait for an outcome first
  std::string own_pending_cursor;    // non-empty: re-reading this consumer's own pending entries
  std::string claim_cursor = "0-0";
  Clock::time_point next_claim{};
  milliseconds backoff{100};
  bool reported_down = false;  // said once per outage
  std::optional<Clock::time_point> first_received;

  Impl(ConsumerOptions options, const Scanner& s, ConsumerLog l) : o(std::move(options)), scanner(s), log(std::move(l)) {}

  void say(const std::string& line) const {
    if (log) log(line);
  }

  // Sleeps for the current backoff (waking early on stop), then doubles it.
  void wait_backoff(const std::atomic<bool>& stop) {
    const auto until = Clock::now() + backoff;
    while (!stop.load() && Clock::now() < until) std::this_thread::sleep_for(milliseconds(20));
    backoff = std::min(backoff * 2, o.reconnect_max);
  }

  // A broken connection: forget it, the next step reconnects.
  void drop(const Status& why) {
    if (conn) say("Redis connection lost (" + why.to_string() + "); reconnecting with backoff");
    else if (!reported_down) say("cannot reach Redis (" + why.to_string() + "); retrying with backoff");
    reported_down = true;
    conn.reset();
  }

  // Connects and makes sure the group exists. Not ok and not kIoError: fatal.
  Status connect() {
    auto c = RedisConnection::Connect(o.redis, o.block + milliseconds(10000));
    if (!c.ok()) return c.status();
    // From the stream's start: uploads queued before the first consumer ran are scanned too.
    auto r = (*c)->run({"XGROUP", "CREATE", o.stream, o.group, "0", "MKSTREAM"});
    if (!r.ok()) return r.status();
    const std::string e = error_text(**r);
    if (!e.empty() && e.rfind("BUSYGROUP", 0) != 0) {
      if (fatal_reply(e)) return Status(StatusCode::kInvalidArgument, "cannot use stream " + o.stream + ": " + e);
      return Status(StatusCode::kIoError, "XGROUP CREATE: " + e);  // e.g. LOADING after a restart: retried
    }
    conn = std::move(*c);
    reported_down = false;
    own_pending_cursor = "0";  // whatever was delivered to this name and not acknowledged comes first
    ++stats.reconnects;
    say("connected to Redis " + o.redis.host + ":" + std::to_string(o.redis.port) + "; group " + o.group +
        " on stream " + o.stream + " as " + o.consumer);
    return Status::Ok();
  }

  // A command whose error reply is retried (kIoError) unless fatal (kInvalidArgument).
  Result<Reply> run(const Command& c) {
    auto r = conn->run(c);
    if (!r.ok()) return r.status();
    const std::string e = error_text(**r);
    if (e.empty()) return r;
    if (fatal_reply(e)) return Status(StatusCode::kInvalidArgument, c[0] + " on " + o.stream + ": " + e);
    if (e.rfind("NOGROUP", 0) == 0) conn.reset();  // the group went (e.g. Redis lost its data): recreate it
    return Status(StatusCode::kIoError, c[0] + ": " + e);
  }

  // The delivery count of each message (claimed or re-read ones have been delivered before).
  Status look_up_deliveries(std::vector<StreamMessage>& messages) {
    std::vector<Command> cmds;
    for (const auto& m : messages) cmds.push_back({"XPENDING", o.stream, o.group, m.id, m.id, "1"});
    auto replies = conn->pipeline(cmds);
    if (!replies.ok()) return replies.status();
    for (size_t i = 0; i < messages.size(); ++i) {
      auto n = parse_pending_deliveries(*(*replies)[i]);
      if (!n.ok()) return Status(StatusCode::kIoError, n.status().message());
      messages[i].deliveries = std::max<uint64_t>(*n, 1);
    }
    return Status::Ok();
  }

  // Redelivered messages this consumer holds already (scanning, or their results being written:
  // e.g. re-read after a reconnect, or idle long enough to be claimed) are not scanned again.
  void drop_in_hand(std::vector<StreamMessage>& messages) const {
    messages.erase(std::remove_if(messages.begin(), messages.end(),
                                  [&](const StreamMessage& m) { return in_hand.count(m.id) > 0; }),
                   messages.end());
  }

  milliseconds claim_interval() const { return std::clamp(o.claim_after / 4, milliseconds(100), milliseconds(5000)); }

  // The next batch: own pending entries first, then entries idle on other consumers, then new ones
  // (waiting up to o.block for some when `block`).
  Result<std::vector<StreamMessage>> fetch(bool block) {
    const std::string count = std::to_string(o.batch);
    while (!own_pending_cursor.empty()) {
      auto r = run({"XREADGROUP", "GROUP", o.group, o.consumer, "COUNT", count, "STREAMS", o.stream, own_pending_cursor});
      if (!r.ok()) return r.status();
      auto msgs = parse_read_reply(**r);
      if (!msgs.ok()) return Status(StatusCode::kIoError, msgs.status().message());
      if (msgs->empty()) {
        own_pending_cursor.clear();
      } else {
        own_pending_cursor = msgs->back().id;
        drop_in_hand(*msgs);
        if (msgs->empty()) continue;
        if (Status st = look_up_deliveries(*msgs); !st.ok()) return st;
        say("re-reading " + std::to_string(msgs->size()) + " messages delivered to " + o.consumer + " before");
        return msgs;
      }
    }
    if (Clock::now() >= next_claim) {
      auto r = run({"XAUTOCLAIM", o.stream, o.group, o.consumer, std::to_string(o.claim_after.count()), claim_cursor,
                    "COUNT", count});
      if (!r.ok()) return r.status();
      auto claimed = parse_autoclaim_reply(**r);
      if (!claimed.ok()) return Status(StatusCode::kIoError, claimed.status().message());
      claim_cursor = claimed->next_cursor;
      if (claim_cursor == "0-0") next_claim = Clock::now() + claim_interval();  // a full pass: rest a while
      drop_in_hand(claimed->messages);
      if (!claimed->messages.empty()) {
        if (Status st = look_up_deliveries(claimed->messages); !st.ok()) return st;
        stats.claimed += claimed->messages.size();
        say("claimed " + std::to_string(claimed->messages.size()) + " messages idle for over " +
            std::to_string(o.claim_after.count()) + " ms");
        return std::move(claimed->messages);
      }
    }
    Command read{"XREADGROUP", "GROUP", o.group, o.consumer, "COUNT", count};
    if (block) {
      read.push_back("BLOCK");
      read.push_back(std::to_string(o.block.count()));
    }
    read.insert(read.end(), {"STREAMS", o.stream, ">"});
    auto r = run(read);
    if (!r.ok()) return r.status();
    auto msgs = parse_read_reply(**r);
    if (!msgs.ok()) return Status(StatusCode::kIoError, msgs.status().message());
    return msgs;  // first deliveries: the count is 1
  }

  // Adds the results (and dead letters) of the messages scanned, then acknowledges the messages
  // whose entries were added. A message whose result was refused stays pending.
  Status publish() {
    std::vector<Command> adds;
    std::vector<size_t> first_reply(unpublished.size());
    for (size_t i = 0; i < unpublished.size(); ++i) {
      first_reply[i] = adds.size();
      if (unpublished[i].added) continue;
      adds.push_back(xadd(o.results, unpublished[i].outcome.result));
      if (unpublished[i].outcome.dead_letter) adds.push_back(xadd(o.dead_letter, *unpublished[i].outcome.dead_letter));
    }
    std::vector<Reply> replies;
    if (!adds.empty()) {
      auto r = conn->pipeline(adds);
      if (!r.ok()) return r.status();
      replies = std::move(*r);
    }
    std::string refused;
    for (size_t i = 0; i < unpublished.size(); ++i) {
      if (unpublished[i].added) continue;
      const size_t n = unpublished[i].outcome.dead_letter ? 2 : 1;
      bool ok = true;
      for (size_t k = 0; k < n; ++k)
        if (const std::string e = error_text(*replies[first_reply[i] + k]); !e.empty()) {
          ok = false;
          refused = e;
          if (fatal_reply(e)) return Status(StatusCode::kInvalidArgument, "cannot add results: " + e);
        }
      unpublished[i].added = ok;
    }
    Command ack{"XACK", o.stream, o.group};
    size_t held = 0;
    for (const Pending& p : unpublished) {
      if (p.added) ack.push_back(p.outcome.message_id);
      else ++held;
    }
    if (ack.size() > 3) {
      auto r = run(ack);
      if (!r.ok()) return r.status();
    }
    for (const Pending& p : unpublished) {
      in_hand.erase(p.outcome.message_id);  // answered, or left pending in Redis for a later delivery
      if (!p.added) continue;
      ++stats.messages;
      if (p.outcome.outcome == ScanOutcome::kMatch) ++stats.matched;
      if (p.outcome.outcome == ScanOutcome::kError) ++stats.errors;
      if (p.outcome.dead_letter) {
        ++stats.dead_lettered;
        say("dead-lettered message " + p.outcome.message_id);
      }
    }
    unpublished.clear();
    if (first_received) stats.busy_seconds = std::chrono::duration<double>(Clock::now() - *first_received).count();
    if (held) say(std::to_string(held) + " results refused by Redis (" + refused + "); those messages stay pending");
    return Status::Ok();
  }

  bool work_in_hand() const { return !unpublished.empty() || (workers && workers->in_hand() > 0); }

  // Results written at a time: a few round trips per batch read, not one per message.
  size_t publish_group() const { return size_t(std::clamp(o.batch / 4, 1, 64)); }

  void hand_over(std::vector<StreamMessage> messages) {
    for (const auto& m : messages) in_hand.insert(m.id);
    if (!first_received) first_received = Clock::now();
    ++stats.batches;
    workers->submit(std::move(messages));
  }

  // One step of the loop: keeps a batch queued beyond what the scanning threads hold, then waits
  // for outcomes (a group of them, or a short while) and writes them. Not ok: kIoError (retried
  // after a backoff) or fatal.
  Status step(const std::atomic<bool>& stop) {
    if (!conn) {
      if (Status st = connect(); !st.ok()) return st;
    }
    if (!unpublished.empty()) return publish();  // left by a lost connection
    const size_t refill_below = size_t(o.batch);
    if (!stop.load() && !stream_dry && workers->queued() < refill_below) {
      const bool idle = workers->in_hand() == 0;
      auto batch = fetch(/*block=*/idle);
      if (!batch.ok()) return batch.status();
      backoff = milliseconds(100);  // Redis answered
      if (!batch->empty()) {
        hand_over(std::move(*batch));
        return Status::Ok();  // read again if the queue is still short
      }
      if (idle) return Status::Ok();  // a blocking read timed out: look at `stop`, read again
      stream_dry = true;
    }
    // Waits for a group of outcomes, everything in hand, a queue running low (unless the stream
    // is dry) or 50 ms: a dry stream is read again at that pace while the last messages scan.
    auto outcomes = workers->take(std::min(publish_group(), workers->in_hand()),
                                  stream_dry || stop.load() ? 0 : refill_below, Clock::now() + milliseconds(50));
    stream_dry = false;
    for (auto& m : outcomes) {
      if (!m.ok()) return Status(StatusCode::kInternal, m.status().to_string());
      unpublished.push_back({std::move(*m), false});
    }
    return unpublished.empty() ? Status::Ok() : publish();
  }
};

StreamConsumer::StreamConsumer(ConsumerOptions options, const Scanner& scanner, ConsumerLog log)
    : impl_(std::make_unique<Impl>(std::move(options), scanner, std::move(log))) {}
StreamConsumer::~StreamConsumer() = default;

ConsumerStats StreamConsumer::stats() const { return impl_->stats; }

Status StreamConsumer::run(const std::atomic<bool>& stop) {
  Impl& s = *impl_;
  if (s.o.consumer.empty()) return Status(StatusCode::kInvalidArgument, "the consumer needs a name");
  if (s.o.batch < 1) return Status(StatusCode::kInvalidArgument, "the batch size must be at least 1");
  int failures_after_stop = 0;  // after stop, Redis gets a few tries to take the work in hand
  const int threads = s.o.threads > 0 ? s.o.threads
                      : s.scanner.options().threads > 0 ? s.scanner.options().threads
                                                        : int(usable_cores());
  s.workers = std::make_unique<ScanWorkers>(s.scanner, MessagePolicy{s.o.max_deliveries, s.o.consumer}, threads);
  Status result;
  while (!stop.load() || s.work_in_hand()) {
    Status st = s.step(stop);
    if (st.ok()) continue;
    if (st.code() != StatusCode::kIoError) {
      result = st;
      break;
    }
    s.drop(st);
    if (!stop.load()) {
      s.wait_backoff(stop);
    } else if (++failures_after_stop > 5) {
      break;
    } else {
      std::this_thread::sleep_for(milliseconds(200));
    }
  }
  const size_t left = s.unpublished.size() + s.workers->in_hand();
  s.workers.reset();  // no scan outlives the call
  s.unpublished.clear();
  s.in_hand.clear();
  if (left)
    s.say(std::to_string(left) +
          " messages in hand not answered (Redis unreachable); they stay pending and will be delivered again");
  return result;
}

}  // namespace hashsieve::consumer
