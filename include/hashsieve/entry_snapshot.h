// A consistent copy of the active entries of some lists, laid out compactly: the input of HashIndex.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hashsieve/digests.h"
#include "hashsieve/export.h"
#include "hashsieve/hash256.h"

namespace hashsieve {

// Entry ids held compactly: the bytes back to back, a length byte per entry and an offset every
// 16 entries (about 1.3 bytes per entry besides the text).
class HASHSIEVE_API EntryIdTable {
 public:
  void reserve(size_t entries, size_t bytes);
  // `id` must be at most 255 bytes (the store guarantees it).
  void push_back(std::string_view id);
  // Appends ids given back to back in `chars` with their lengths (each at most 255).
  void append(std::string_view chars, const std::vector<uint8_t>& lengths);
  std::string_view get(size_t i) const noexcept;
  size_t size() const noexcept { return lengths_.size(); }
  size_t text_bytes() const noexcept { return chars_.size(); }
  size_t memory_bytes() const noexcept;
  void shrink_to_fit();

 private:
  static constexpr size_t kBlock = 16;
  std::string chars_;
  std::vector<uint8_t> lengths_;
  std::vector<uint64_t> block_offsets_;
};

// Texts of any length (entry metadata), held compactly: the bytes back to back, a varint length
// per entry and offsets every 16 entries; nothing at all while every text is empty.
class EntryTextTable {
 public:
  void reserve(size_t entries, size_t bytes);
  void push_back(std::string_view text);
  void append(const EntryTextTable& other);
  std::string_view get(size_t i) const noexcept;  // "" past the end
  size_t size() const noexcept { return size_; }
  size_t text_bytes() const noexcept { return chars_.size(); }
  size_t memory_bytes() const noexcept;
  void shrink_to_fit();

 private:
  static constexpr size_t kBlock = 16;
  void push_length(size_t len);
  size_t size_ = 0;
  std::string chars_;
  std::string lengths_;  // empty while every text is
  std::vector<uint64_t> block_chars_, block_lengths_;
};

// No change sequence: the store has no change log (or the view cannot read it).
inline constexpr uint64_t kNoChangeSeq = ~uint64_t(0);

struct SnapshotList {
  uint32_t list_id = 0;
  std::string name;
  int default_radius = 31;
  std::string source;
  uint32_t first = 0;  // this list's entries are ordinals [first, first + count)
  uint32_t count = 0;
};

// The exact signals of a snapshot: one record per active entry that has digests (with or without
// a PDQ hash), holding its own entry id and metadata, so an entry with digests only takes no
// PDQ ordinal. The input of the exact-match maps of an index generation.
struct HASHSIEVE_API SnapshotDigests {
  std::vector<uint32_t> list;  // per record: index into EntrySnapshot::lists
  EntryIdTable entry_ids;
  EntryTextTable metadata;
  std::array<std::string, kDigestKinds> bytes;            // per kind: the digests back to back
  std::array<std::vector<uint32_t>, kDigestKinds> owner;  // per kind: the record of each digest

  size_t size() const noexcept { return list.size(); }
  void add(uint32_t list_index, std::string_view entry_id, std::string_view metadata, const Digests& digests);
  // Appends every record of `other` under `list_index`.
  void append(const SnapshotDigests& other, uint32_t list_index);
};

// Entries are grouped by list (lists in name order) and ordered by entry id within a list, so an
// ordinal is a deterministic position.
struct HASHSIEVE_API EntrySnapshot {
  std::vector<SnapshotList> lists;
  std::vector<Hash256> hashes;
  EntryIdTable entry_ids;
  EntryTextTable metadata;  // each entry's metadata (JSON text) as stored; may be shorter than hashes
  uint64_t store_version = 0;  // the store's data_version() this was read at; 0 when not read from a store
  // The store's change sequence at the same view (HashStore::changes_since), or kNoChangeSeq.
  uint64_t change_seq = kNoChangeSeq;
  SnapshotDigests digests;  // the entries' exact signals (not counted in SnapshotList::count)

  size_t size() const noexcept { return hashes.size(); }
  // Appends an entry to the last list in `lists` (whose count it bumps).
  void add(const Hash256& h, std::string_view entry_id);
  // Records an entry's digests under the last list in `lists`.
  void add_digests(const Digests& d, std::string_view entry_id, std::string_view metadata = {});
};

}  // namespace hashsieve
