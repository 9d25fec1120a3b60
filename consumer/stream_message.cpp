#include "consumer/stream_message.h"

#include <hiredis.h>

#include "consumer/redis_connection.h"

namespace hashsieve::consumer {

const std::string* StreamMessage::field(const std::string& name) const {
  for (const auto& f : fields)
    if (f.first == name) return &f.second;
  return nullptr;
}

namespace {

Status unexpected(const char* what, const redisReply& r) {
  if (r.type == REDIS_REPLY_ERROR) return Status(StatusCode::kIoError, std::string(what) + ": " + error_text(r));
  return Status(StatusCode::kCorruption, std::string("unexpected reply shape to ") + what);
}

bool is_text(const redisReply* r) { return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS); }

// [id, [field, value, ...]] or [id, nil] (an entry deleted while pending).
Result<StreamMessage> parse_entry(const redisReply& e, const char* what) {
  if (e.type != REDIS_REPLY_ARRAY || e.elements != 2 || !is_text(e.element[0])) return unexpected(what, e);
  StreamMessage m;
  m.id.assign(e.element[0]->str, e.element[0]->len);
  const redisReply* kv = e.element[1];
  if (!kv || kv->type == REDIS_REPLY_NIL) {
    m.deleted = true;
    return m;
  }
  if (kv->type != REDIS_REPLY_ARRAY || kv->elements % 2 != 0) return unexpected(what, e);
  m.fields.reserve(kv->elements / 2);
  for (size_t i = 0; i < kv->elements; i += 2) {
    const redisReply* k = kv->element[i];
    const redisReply* v = kv->element[i + 1];
    if (!is_text(k) || !is_text(v)) return unexpected(what, e);
    m.fields.emplace_back(std::string(k->str, k->len), std::string(v->str, v->len));
  }
  return m;
}

Result<std::vector<StreamMessage>> parse_entries(const redisReply& list, const char* what) {
  if (list.type != REDIS_REPLY_ARRAY) return unexpected(what, list);
  std::vector<StreamMessage> out;
  out.reserve(list.elements);
  for (size_t i = 0; i < list.elements; ++i) {
    const redisReply* e = list.element[i];
    if (!e || e->type == REDIS_REPLY_NIL) continue;  // Redis 6.2's XAUTOCLAIM: a deleted entry
    auto m = parse_entry(*e, what);
    if (!m.ok()) return m.status();
    out.push_back(std::move(*m));
  }
  return out;
}

}  // namespace

Result<std::vector<StreamMessage>> parse_read_reply(const redisReply& r) {
  if (r.type == REDIS_REPLY_NIL) return std::vector<StreamMessage>{};
  if (r.type != REDIS_REPLY_ARRAY) return unexpected("XREADGROUP", r);
  std::vector<StreamMessage> out;
  for (size_t s = 0; s < r.elements; ++s) {  // [[stream, entries], ...]
    const redisReply* pair = r.element[s];
    if (!pair || pair->type != REDIS_REPLY_ARRAY || pair->elements != 2 || !pair->element[1])
      return unexpected("XREADGROUP", r);
    auto entries = parse_entries(*pair->element[1], "XREADGROUP");
    if (!entries.ok()) return entries.status();
    for (auto& m : *entries) out.push_back(std::move(m));
  }
  return out;
}

Result<ClaimBatch> parse_autoclaim_reply(const redisReply& r) {
  if (r.type != REDIS_REPLY_ARRAY || r.elements < 2 || !is_text(r.element[0]) || !r.element[1])
    return unexpected("XAUTOCLAIM", r);
  ClaimBatch b;
  b.next_cursor.assign(r.element[0]->str, r.element[0]->len);
  auto entries = parse_entries(*r.element[1], "XAUTOCLAIM");
  if (!entries.ok()) return entries.status();
  b.messages = std::move(*entries);
  return b;
}

Result<uint64_t> parse_pending_deliveries(const redisReply& r) {
  if (r.type != REDIS_REPLY_ARRAY) return unexpected("XPENDING", r);
  if (r.elements == 0) return uint64_t{0};
  const redisReply* e = r.element[0];  // [id, consumer, idle ms, deliveries]
  if (!e || e->type != REDIS_REPLY_ARRAY || e->elements != 4 || !e->element[3] ||
      e->element[3]->type != REDIS_REPLY_INTEGER)
    return unexpected("XPENDING", r);
  return uint64_t(e->element[3]->integer);
}

}  // namespace hashsieve::consumer
