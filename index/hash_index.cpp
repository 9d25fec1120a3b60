// HashIndex: the snapshot's hashes plus, for kMultiIndex, the chunk tables. Queries the tables
// cannot serve cheaply (large radius, dense buckets, tiny lists) go to one batched flat scan.
#include "hashsieve/hash_index.h"

#include "common/parallel_for.h"

#include <algorithm>
#include <optional>

#include "index/flat_scan.h"
#include "index/multi_index.h"

namespace hashsieve {
namespace {

// A thread keeps the scratch of its searches up to this many candidates (1 MiB); a rare query
// of dense buckets gives its larger vectors back.
constexpr size_t kKeptCandidates = size_t(1) << 17;

class HashIndexImpl final : public HashIndex {
 public:
  HashIndexImpl(EntrySnapshot snap, const IndexOptions& o, const detail::HammingKernels& kernels)
      : snap_(std::move(snap)), kind_(o.kind), kernels_(&kernels) {
    snap_.entry_ids.shrink_to_fit();  // the generation lives long; give back the growth slack
    snap_.metadata.shrink_to_fit();
    n_ = snap_.hashes.size();
    if (kind_ == IndexKind::kMultiIndex && n_ >= o.min_entries_for_tables) {
      // The tables' candidates are random reads: keep the hashes on huge pages too.
      huge_hashes_.assign(snap_.hashes.begin(), snap_.hashes.end());
      std::vector<Hash256>().swap(snap_.hashes);
      hashes_ = huge_hashes_.data();
      mih_.emplace(hashes_, uint32_t(n_), o.parallel_build, o.layout, kernels.probe_cells5);
    } else {
      snap_.hashes.shrink_to_fit();
      hashes_ = snap_.hashes.data();
    }
  }

  Result<std::vector<Match>> search(const Hash256* queries, size_t n, const SearchOptions& o) const override;

  IndexKind kind() const noexcept override { return kind_; }
  SimdLevel simd_level() const noexcept override { return kernels_->level; }
  size_t size() const noexcept override { return n_; }
  const std::vector<SnapshotList>& lists() const noexcept override { return snap_.lists; }
  size_t list_of(uint32_t entry) const noexcept override {
    auto it = std::upper_bound(snap_.lists.begin(), snap_.lists.end(), entry,
                               [](uint32_t e, const SnapshotList& l) { return e < l.first; });
    return it == snap_.lists.begin() ? 0 : size_t(it - snap_.lists.begin()) - 1;
  }
  std::string_view entry_id(uint32_t entry) const noexcept override { return snap_.entry_ids.get(entry); }
  std::string_view metadata(uint32_t entry) const noexcept override { return snap_.metadata.get(entry); }
  const Hash256& hash(uint32_t entry) const noexcept override { return hashes_[entry]; }
  size_t index_bytes() const noexcept override {
    return (snap_.hashes.capacity() + huge_hashes_.capacity()) * sizeof(Hash256) +
           (mih_ ? mih_->memory_bytes() : 0);
  }
  size_t entry_id_bytes() const noexcept override {
    return snap_.entry_ids.memory_bytes() + snap_.metadata.memory_bytes();
  }

  bool allow_fallback = true;

 private:
  EntrySnapshot snap_;  // its hashes move to huge_hashes_ when there are tables
  std::vector<Hash256, detail::HugePageAllocator<Hash256>> huge_hashes_;
  const Hash256* hashes_ = nullptr;
  size_t n_ = 0;
  IndexKind kind_;
  const detail::HammingKernels* kernels_;
  std::optional<detail::MultiIndex> mih_;
};

Result<std::vector<Match>> HashIndexImpl::search(const Hash256* queries, size_t n, const SearchOptions& o) const {
  if (o.radius > 256) return Status(StatusCode::kInvalidArgument, "radius must be 0..256");
  if (!o.list_radius.empty() && o.list_radius.size() != snap_.lists.size())
    return Status(StatusCode::kInvalidArgument, "list_radius has " + std::to_string(o.list_radius.size()) +
                                                    " values for " + std::to_string(snap_.lists.size()) + " lists");
  if (n >= (size_t(1) << 32)) return Status(StatusCode::kInvalidArgument, "too many queries in one call");
  std::vector<Match> out;
  if (n == 0 || n_ == 0) return out;

  std::vector<int> radius(snap_.lists.size());
  int rmax = -1;
  for (size_t i = 0; i < radius.size(); ++i) {
    int r = !o.list_radius.empty() && o.list_radius[i] >= 0 ? o.list_radius[i]
            : o.radius >= 0                                 ? o.radius
                                                            : snap_.lists[i].default_radius;
    if (r > 256) return Status(StatusCode::kInvalidArgument, "radius must be 0..256");
    radius[i] = r;
    if (snap_.lists[i].count) rmax = std::max(rmax, r);
  }
  if (rmax < 0) return out;

  const uint32_t nq = uint32_t(n), ne = uint32_t(n_);
  std::vector<uint32_t> flat_ids;
  if (o.constant_time || !mih_) {
    flat_ids.resize(nq);
    for (uint32_t i = 0; i < nq; ++i) flat_ids[i] = i;
  } else {
    std::vector<std::vector<Match>> per_query(nq);
    std::vector<uint8_t> fell_back(nq, 0);
    auto one = [&](uint32_t q) {
      // Per thread and kept across calls: a service searches one hash per call, and this spares
      // every lookup growing its ~100 KB of vectors from empty again.
      thread_local detail::MultiIndex::Scratch scratch;
      if (!mih_->search(queries[q], q, rmax, allow_fallback, &scratch, &per_query[q])) fell_back[q] = 1;
      if (scratch.candidates.capacity() > kKeptCandidates) scratch = detail::MultiIndex::Scratch();
    };
    if (o.parallel && nq > 1)
      parallel_for_index(uint32_t(0), nq, one);
    else
      for (uint32_t q = 0; q < nq; ++q) one(q);
    for (uint32_t q = 0; q < nq; ++q) {
      if (fell_back[q]) flat_ids.push_back(q);
      out.insert(out.end(), per_query[q].begin(), per_query[q].end());
    }
  }
  if (!flat_ids.empty()) {
    std::vector<Hash256> fq(flat_ids.size());
    for (size_t i = 0; i < flat_ids.size(); ++i) fq[i] = queries[flat_ids[i]];
    detail::flat_search(*kernels_, hashes_, ne, fq.data(), flat_ids.data(), uint32_t(fq.size()), rmax,
                        o.constant_time, o.parallel, &out);
  }

  bool uniform = std::all_of(radius.begin(), radius.end(), [&](int r) { return r == rmax; });
  if (!uniform)
    out.erase(std::remove_if(out.begin(), out.end(),
                             [&](const Match& m) { return m.distance > radius[list_of(m.entry)]; }),
              out.end());
  std::sort(out.begin(), out.end(), [](const Match& a, const Match& b) {
    if (a.query != b.query) return a.query < b.query;
    if (a.distance != b.distance) return a.distance < b.distance;
    return a.entry < b.entry;
  });
  return out;
}

}  // namespace

namespace detail {
// Test hook: disables the cost-based fallback so small data exercises the chunk tables.
void set_allow_fallback(HashIndex* index, bool allow) {
  if (auto* impl = dynamic_cast<HashIndexImpl*>(index)) impl->allow_fallback = allow;
}
}  // namespace detail

Result<std::unique_ptr<HashIndex>> HashIndex::Build(EntrySnapshot snapshot, const IndexOptions& options) {
  if (snapshot.hashes.size() >= (size_t(1) << 32) - 1)
    return Status(StatusCode::kUnsupported, "more than 2^32 entries");
  if (snapshot.entry_ids.size() != snapshot.hashes.size())
    return Status(StatusCode::kInvalidArgument, "snapshot has " + std::to_string(snapshot.hashes.size()) +
                                                    " hashes but " + std::to_string(snapshot.entry_ids.size()) +
                                                    " entry ids");
  uint64_t sum = 0;
  for (const auto& l : snapshot.lists) {
    if (l.first != sum) return Status(StatusCode::kInvalidArgument, "snapshot lists are not contiguous");
    sum += l.count;
  }
  if (sum != snapshot.hashes.size()) return Status(StatusCode::kInvalidArgument, "snapshot list counts do not add up");
  auto level = resolve_simd_level(options.simd);
  if (!level.ok()) return level.status();
  return std::unique_ptr<HashIndex>(
      new HashIndexImpl(std::move(snapshot), options, detail::hamming_kernels_for(*level)));
}

}  // namespace hashsieve
