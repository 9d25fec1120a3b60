#include "engine/index_generation.h"

#include "engine/digest_costs.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>

namespace hashsieve {

Result<std::shared_ptr<const IndexGeneration>> build_generation(const HashStore& store, const ScanOptions& options,
                                                                uint64_t number) {
  auto snapshot = store.snapshot_active(options.lists);
  if (!snapshot.ok()) return snapshot.status();
  return build_generation(std::move(*snapshot), options, number);
}

Result<std::shared_ptr<const IndexGeneration>> build_generation(EntrySnapshot snapshot, const ScanOptions& options,
                                                                uint64_t number) {
  IndexOptions io;
  io.simd = options.simd;  // --simd reaches the Hamming kernels too
  const uint64_t store_version = snapshot.store_version;
  SnapshotDigests digests = std::move(snapshot.digests);
  const size_t lists = snapshot.lists.size();
  auto index = HashIndex::Build(std::move(snapshot), io);
  if (!index.ok()) return index.status();
  auto gen = std::make_shared<IndexGeneration>();
  gen->number = number;
  gen->store_version = store_version;
  gen->built_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
  gen->index = std::move(*index);
  gen->exact = std::make_unique<const ExactIndex>(std::move(digests), lists);
  for (const SnapshotList& l : gen->index->lists()) {
    int r = options.radius >= 0 ? options.radius : l.default_radius;
    for (const auto& [name, radius] : options.list_radius)
      if (name == l.name) r = radius;
    gen->list_radius.push_back(r);
  }
  return std::shared_ptr<const IndexGeneration>(std::move(gen));
}

namespace {

SearchOptions search_options(const std::vector<int>& radius, bool constant_time) {
  SearchOptions so;
  so.list_radius = radius;
  so.constant_time = constant_time;
  so.parallel = false;  // batches parallelise across items
  return so;
}

// One upload's index matches (any of its transforms: Match::query is the transform) as scan
// matches: entries of selected lists only, one per entry at its closest transform (the lower
// transform on ties), sorted by distance, list, entry id.
std::vector<ScanMatch> scan_matches(const IndexGeneration& gen, const Match* begin, const Match* end,
                                    uint32_t first_query, const std::vector<char>& selected) {
  std::map<uint32_t, std::pair<int, int>> best;  // entry -> (distance, transform)
  for (const Match* m = begin; m != end; ++m) {
    if (!selected[gen.index->list_of(m->entry)]) continue;
    const int transform = int(m->query - first_query);
    auto [it, fresh] = best.try_emplace(m->entry, m->distance, transform);
    if (!fresh && std::pair(m->distance, transform) < it->second) it->second = {m->distance, transform};
  }
  std::vector<ScanMatch> out;
  out.reserve(best.size());
  for (const auto& [entry, dt] : best) {
    ScanMatch sm;
    sm.list = gen.index->lists()[gen.index->list_of(entry)].name;
    sm.entry_id = std::string(gen.index->entry_id(entry));
    sm.metadata = std::string(gen.index->metadata(entry));
    sm.distance = dt.first;
    sm.transform = Dihedral(dt.second);
    out.push_back(std::move(sm));
  }
  std::sort(out.begin(), out.end(), [](const ScanMatch& a, const ScanMatch& b) {
    return std::tie(a.distance, a.list, a.entry_id, a.transform) < std::tie(b.distance, b.list, b.entry_id, b.transform);
  });
  return out;
}

}  // namespace

Result<std::vector<ScanMatch>> match_generation(const IndexGeneration& gen, const PdqResult& pdq,
                                                const std::vector<int>& radius, const std::vector<char>& selected,
                                                bool constant_time) {
  Hash256 queries[kDihedralCount];
  int nq = 1;
  queries[0] = pdq.hash;  // the canonical hash (differs from dihedral[0] only for 64x64 inputs)
  if (pdq.has_dihedral) {
    for (int d = 1; d < kDihedralCount; ++d) queries[d] = pdq.dihedral[d];
    nq = kDihedralCount;
  }
  auto found = gen.index->search(queries, size_t(nq), search_options(radius, constant_time));
  if (!found.ok()) return found.status();
  return scan_matches(gen, found->data(), found->data() + found->size(), 0, selected);
}

Result<std::vector<std::vector<ScanMatch>>> match_generation_batch(const IndexGeneration& gen,
                                                                   const Hash256* queries, size_t n,
                                                                   const std::vector<int>& radius,
                                                                   const std::vector<char>& selected,
                                                                   bool constant_time) {
  auto found = gen.index->search(queries, n, search_options(radius, constant_time));
  if (!found.ok()) return found.status();
  std::vector<std::vector<ScanMatch>> out(n);
  const Match* m = found->data();
  const Match* const end = m + found->size();
  while (m != end) {  // the index sorts its matches by query
    const uint32_t q = m->query;
    const Match* run = m;
    while (m != end && m->query == q) ++m;
    out[q] = scan_matches(gen, run, m, q, selected);
  }
  return out;
}

DigestMask digest_kinds(const IndexGeneration& gen, const std::vector<char>& selected) {
  if (!gen.exact) return 0;
  DigestCombos combos = 0;
  for (size_t i = 0; i < selected.size(); ++i)
    if (selected[i]) combos = DigestCombos(combos | gen.exact->combos_of(i));
  return cheapest_cover(combos, digest_costs_for_this_cpu());
}

std::vector<ScanMatch> match_digests(const IndexGeneration& gen, const Digests& upload, const std::vector<char>& selected) {
  std::vector<ScanMatch> out;
  if (!gen.exact) return out;
  std::vector<uint32_t> records;
  std::vector<std::pair<uint32_t, int>> hits;  // (record, kind) of one list
  for (size_t list = 0; list < selected.size(); ++list) {
    if (!selected[list]) continue;
    hits.clear();
    for (int k = 0; k < kDigestKinds; ++k) {
      const std::string& d = upload.bytes[size_t(k)];
      if (d.empty()) continue;
      records.clear();
      gen.exact->find(list, k, d, &records);
      for (uint32_t rec : records) hits.emplace_back(rec, k);
    }
    std::sort(hits.begin(), hits.end());  // per record, its lowest matching kind first
    for (size_t i = 0; i < hits.size(); ++i) {
      if (i > 0 && hits[i].first == hits[i - 1].first) continue;  // one match per entry
      const auto [rec, k] = hits[i];
      ScanMatch m;
      m.list = gen.index->lists()[list].name;
      m.entry_id = std::string(gen.exact->entry_id(rec));
      m.metadata = std::string(gen.exact->metadata(rec));
      m.signal = digest_signal(k);
      out.push_back(std::move(m));
    }
  }
  return out;
}

}  // namespace hashsieve
