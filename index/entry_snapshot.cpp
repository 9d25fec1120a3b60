#include "hashsieve/entry_snapshot.h"

#include <algorithm>

namespace hashsieve {

void EntryIdTable::push_back(std::string_view id) {
  if (lengths_.size() % kBlock == 0) block_offsets_.push_back(chars_.size());
  if (id.size() > 255) id = id.substr(0, 255);
  lengths_.push_back(uint8_t(id.size()));
  chars_.append(id);
}

void EntryIdTable::append(std::string_view chars, const std::vector<uint8_t>& lengths) {
  size_t off = chars_.size();
  for (size_t i = 0; i < lengths.size(); ++i) {
    if ((lengths_.size() + i) % kBlock == 0) block_offsets_.push_back(off);
    off += lengths[i];
  }
  lengths_.insert(lengths_.end(), lengths.begin(), lengths.end());
  chars_.append(chars);
}

std::string_view EntryIdTable::get(size_t i) const noexcept {
  if (i >= lengths_.size()) return {};
  size_t block = i / kBlock;
  size_t off = block_offsets_[block];
  for (size_t k = block * kBlock; k < i; ++k) off += lengths_[k];
  return std::string_view(chars_.data() + off, lengths_[i]);
}

size_t EntryIdTable::memory_bytes() const noexcept {
  return chars_.capacity() + lengths_.capacity() + block_offsets_.capacity() * sizeof(uint64_t);
}

void EntryIdTable::shrink_to_fit() {
  chars_.shrink_to_fit();
  lengths_.shrink_to_fit();
  block_offsets_.shrink_to_fit();
}

namespace {
// Room for at least n, growing at least twofold, so that reserving list after list of a snapshot
// stays linear in what it holds.
template <typename C>
void reserve_at_least(C& c, size_t n) {
  if (n > c.capacity()) c.reserve(std::max(n, 2 * c.capacity()));
}
}  // namespace

void EntryIdTable::reserve(size_t entries, size_t bytes) {
  reserve_at_least(lengths_, entries);
  reserve_at_least(block_offsets_, entries / kBlock + 1);
  reserve_at_least(chars_, bytes);
}

void EntryTextTable::reserve(size_t entries, size_t bytes) {
  reserve_at_least(chars_, bytes);
  reserve_at_least(lengths_, entries);  // capacity only: the table stays all-empty until a text
  reserve_at_least(block_chars_, entries / kBlock + 1);
  reserve_at_least(block_lengths_, entries / kBlock + 1);
}

void EntryTextTable::push_length(size_t len) {
  if (size_ % kBlock == 0) {
    block_chars_.push_back(chars_.size());
    block_lengths_.push_back(lengths_.size());
  }
  do {
    uint8_t b = uint8_t(len & 0x7f);
    len >>= 7;
    lengths_.push_back(char(len ? b | 0x80 : b));
  } while (len);
  ++size_;
}

void EntryTextTable::push_back(std::string_view text) {
  if (lengths_.empty()) {
    if (text.empty()) { ++size_; return; }
    // The first text: write out the empty ones before it.
    size_t n = size_;
    size_ = 0;
    for (size_t i = 0; i < n; ++i) push_length(0);
  }
  push_length(text.size());
  chars_.append(text);
}

void EntryTextTable::append(const EntryTextTable& other) {
  if (other.lengths_.empty()) {
    for (size_t i = 0; i < other.size_; ++i) push_back({});
    return;
  }
  size_t c = 0, l = 0;
  for (size_t i = 0; i < other.size_; ++i) {
    size_t len = 0;
    for (int shift = 0;; shift += 7) {
      uint8_t b = uint8_t(other.lengths_[l++]);
      len |= size_t(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    push_back(std::string_view(other.chars_).substr(c, len));
    c += len;
  }
}

std::string_view EntryTextTable::get(size_t i) const noexcept {
  if (lengths_.empty() || i >= size_) return {};
  size_t block = i / kBlock;
  size_t c = block_chars_[block], l = block_lengths_[block];
  for (size_t k = block * kBlock;; ++k) {
    size_t len = 0;
    for (int shift = 0;; shift += 7) {
      uint8_t b = uint8_t(lengths_[l++]);
      len |= size_t(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    if (k == i) return std::string_view(chars_.data() + c, len);
    c += len;
  }
}

size_t EntryTextTable::memory_bytes() const noexcept {
  return chars_.capacity() + lengths_.capacity() + (block_chars_.capacity() + block_lengths_.capacity()) * sizeof(uint64_t);
}

void EntryTextTable::shrink_to_fit() {
  chars_.shrink_to_fit();
  lengths_.shrink_to_fit();
  block_chars_.shrink_to_fit();
  block_lengths_.shrink_to_fit();
}

void EntrySnapshot::add(const Hash256& h, std::string_view entry_id) {
  hashes.push_back(h);
  entry_ids.push_back(entry_id);
  if (!lists.empty()) ++lists.back().count;
}

void EntrySnapshot::add_digests(const Digests& d, std::string_view entry_id, std::string_view meta) {
  digests.add(lists.empty() ? 0 : uint32_t(lists.size() - 1), entry_id, meta, d);
}

void SnapshotDigests::add(uint32_t list_index, std::string_view entry_id, std::string_view meta, const Digests& d) {
  const uint32_t record = uint32_t(list.size());
  list.push_back(list_index);
  entry_ids.push_back(entry_id);
  metadata.push_back(meta);
  for (size_t k = 0; k < size_t(kDigestKinds); ++k) {
    if (d.bytes[k].size() != kDigestSizes[k]) continue;  // absent (or not a digest of this kind)
    bytes[k] += d.bytes[k];
    owner[k].push_back(record);
  }
}

void SnapshotDigests::append(const SnapshotDigests& other, uint32_t list_index) {
  const uint32_t base = uint32_t(list.size());
  list.insert(list.end(), other.list.size(), list_index);
  for (size_t i = 0; i < other.size(); ++i) entry_ids.push_back(other.entry_ids.get(i));
  metadata.append(other.metadata);
  for (size_t k = 0; k < size_t(kDigestKinds); ++k) {
    bytes[k] += other.bytes[k];
    for (uint32_t r : other.owner[k]) owner[k].push_back(base + r);
  }
}

}  // namespace hashsieve
