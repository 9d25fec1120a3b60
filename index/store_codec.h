// Byte layouts of the store's keys and values. Fixed-width integers are little-endian in values
// and big-endian in keys (so keys sort by number).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "hashsieve/hash_store.h"

namespace hashsieve::store {

inline void put_u32(std::string* s, uint32_t v) { s->append(reinterpret_cast<const char*>(&v), 4); }
inline void put_u64(std::string* s, uint64_t v) { s->append(reinterpret_cast<const char*>(&v), 8); }

// Big-endian, for keys that must sort by number (the audit log).
inline void put_u64_be(std::string* s, uint64_t v) {
  for (int i = 7; i >= 0; --i) s->push_back(char((v >> (8 * i)) & 0xff));
}
inline uint64_t get_u64_be(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | uint8_t(p[i]);
  return v;
}

// Reads fixed fields from a value; ok() turns false on underflow.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool ok() const { return ok_; }
  uint32_t u32() { uint32_t v = 0; take(&v, 4); return v; }
  uint64_t u64() { uint64_t v = 0; take(&v, 8); return v; }
  std::string str(size_t n) {
    if (n > s_.size()) { ok_ = false; return {}; }
    std::string r(s_.substr(0, n)); s_.remove_prefix(n); return r;
  }
 private:
  void take(void* out, size_t n) {
    if (n > s_.size()) { ok_ = false; return; }
    std::memcpy(out, s_.data(), n); s_.remove_prefix(n);
  }
  std::string_view s_;
  bool ok_ = true;
};

// Entries: key = list id (big-endian u32) + entry id.
inline std::string list_prefix(uint32_t list_id) {
  std::string k(4, '\0');
  for (int i = 0; i < 4; ++i) k[i] = char((list_id >> (24 - 8 * i)) & 0xff);
  return k;
}
// The list id a key (list prefix, entry key or change-log entry) starts with; key holds >= 4 bytes.
inline uint32_t list_id_of_key(std::string_view key) {
  uint32_t id = 0;
  for (int i = 0; i < 4; ++i) id = (id << 8) | uint8_t(key[size_t(i)]);
  return id;
}
inline std::string entry_key(uint32_t list_id, std::string_view entry_id) {
  std::string k = list_prefix(list_id);
  k.append(entry_id);
  return k;
}

// Entry value, format 1: [1][state][quality or 0xff][flags: 1 = PDQ known][32-byte hash].
// Format 2 (an entry with digests): the same 36 bytes with format 2, then [digest mask] and the
// digests of the kinds in the mask, in kind order (16, 20, 32, 64 bytes). An entry without
// digests is still written as format 1, byte for byte what schema-1 stores hold.
inline constexpr size_t kEntryValueSize = 36;
inline constexpr uint8_t kEntryFormat = 1;
inline constexpr uint8_t kEntryFormatDigests = 2;

inline std::string encode_entry(const ListEntry& e) {
  const DigestMask mask = e.digests.mask();
  std::string v(kEntryValueSize, '\0');
  v[0] = char(mask ? kEntryFormatDigests : kEntryFormat);
  v[1] = char(e.state);
  v[2] = char(e.quality < 0 ? 0xff : e.quality);
  v[3] = char(e.has_hash ? 1 : 0);
  std::memcpy(v.data() + 4, e.hash.words.data(), 32);
  if (mask) {
    v.push_back(char(mask));
    for (int k = 0; k < kDigestKinds; ++k) v += e.digests.bytes[size_t(k)];
  }
  return v;
}

// Fills all fields but entry_id and metadata. False when the value is malformed.
inline bool decode_entry(std::string_view v, ListEntry* e) {
  if (v.size() < kEntryValueSize || uint8_t(v[1]) > 1) return false;
  const uint8_t format = uint8_t(v[0]);
  if (format == kEntryFormat) {
    if (v.size() != kEntryValueSize) return false;
    for (auto& d : e->digests.bytes) d.clear();
  } else if (format == kEntryFormatDigests) {
    if (v.size() < kEntryValueSize + 1) return false;
    const uint8_t mask = uint8_t(v[kEntryValueSize]);
    if (mask == 0 || mask > kAllDigests) return false;
    size_t at = kEntryValueSize + 1;
    for (int k = 0; k < kDigestKinds; ++k) {
      std::string& d = e->digests.bytes[size_t(k)];
      d.clear();
      if (!(mask & (1u << k))) continue;
      if (v.size() < at + kDigestSizes[k]) return false;
      d.assign(v.substr(at, kDigestSizes[k]));
      at += kDigestSizes[k];
    }
    if (at != v.size()) return false;
  } else {
    return false;
  }
  e->state = EntryState(uint8_t(v[1]));
  e->quality = uint8_t(v[2]) == 0xff ? -1 : int(uint8_t(v[2]));
  e->has_hash = (uint8_t(v[3]) & 1) != 0;
  std::memcpy(e->hash.words.data(), v.data() + 4, 32);
  return true;
}

inline std::string encode_list(const ListInfo& l) {
  std::string v;
  put_u32(&v, l.id);
  put_u32(&v, uint32_t(l.default_radius));
  put_u64(&v, uint64_t(l.created_ms));
  put_u64(&v, uint64_t(l.updated_ms));
  put_u64(&v, l.active);
  put_u64(&v, l.withdrawn);
  put_u32(&v, uint32_t(l.source.size()));
  v += l.source;
  return v;
}

inline bool decode_list(std::string_view name, std::string_view v, ListInfo* l) {
  Reader r(v);
  l->name = std::string(name);
  l->id = r.u32();
  l->default_radius = int(r.u32());
  l->created_ms = int64_t(r.u64());
  l->updated_ms = int64_t(r.u64());
  l->active = r.u64();
  l->withdrawn = r.u64();
  l->source = r.str(r.u32());
  return r.ok();
}

}  // namespace hashsieve::store
