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
  io.layout = options.index_layout;
  const uint64_t store_version = snapshot.store_version;
  const uint64_t change_seq = snapshot.change_seq;
  SnapshotDigests digests = std::move(snapshot.digests);
  const size_t lists = snapshot.lists.size();
  auto index = HashIndex::Build(std::move(snapshot), io);
  if (!index.ok()) return index.status();
  auto gen = std::make_shared<IndexGeneration>();
  gen->number = number;
  gen->store_version = store_version;
  gen->change_seq = gen->base_change_seq = change_seq;
  gen->built_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
  gen->index = std::move(*index);
  gen->exact = std::make_shared<const ExactIndex>(std::move(digests), lists);
  gen->entries = gen->index->size();
  gen->digest_entries = gen->exact->size();
  for (const SnapshotList& l : gen->index->lists()) {
    int r = options.radius >= 0 ? options.radius : l.default_radius;
    for (const auto& [name, radius] : options.list_radius)
      if (name == l.name) r = radius;
    gen->list_radius.push_back(r);
    gen->list_counts.push_back(l.count);
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

// Where an upload's index matches came from: the base (whose hidden entries are skipped) or the delta.
struct MatchRun {
  const HashIndex* index;
  const Match* begin;
  const Match* end;
  const IndexGeneration* hide;  // non-null for the base
};

// One upload's index matches (any of its transforms: Match::query is the transform) as scan
// matches: entries of selected lists only, one per entry at its closest transform (the lower
// transform on ties), sorted by distance, list, entry id.
std::vector<ScanMatch> scan_matches(const MatchRun* runs, size_t nruns, uint32_t first_query,
                                    const std::vector<char>& selected) {
  std::map<std::pair<size_t, uint32_t>, std::pair<int, int>> best;  // (run, entry) -> (distance, transform)
  for (size_t r = 0; r < nruns; ++r) {
    const MatchRun& run = runs[r];
    for (const Match* m = run.begin; m != run.end; ++m) {
      if (!selected[run.index->list_of(m->entry)]) continue;
      if (run.hide && run.hide->base_hidden(m->entry)) continue;  // written since: its state is in the delta
      const int transform = int(m->query - first_query);
      auto [it, fresh] = best.try_emplace({r, m->entry}, m->distance, transform);
      if (!fresh && std::pair(m->distance, transform) < it->second) it->second = {m->distance, transform};
    }
  }
  std::vector<ScanMatch> out;
  out.reserve(best.size());
  for (const auto& [key, dt] : best) {
    const HashIndex& index = *runs[key.first].index;
    const uint32_t entry = key.second;
    ScanMatch sm;
    sm.list = index.lists()[index.list_of(entry)].name;
    sm.entry_id = std::string(index.entry_id(entry));
    sm.metadata = std::string(index.metadata(entry));
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
  MatchRun runs[2] = {{gen.index.get(), found->data(), found->data() + found->size(), &gen}, {}};
  size_t nruns = 1;
  Result<std::vector<Match>> delta_found = std::vector<Match>();
  if (gen.delta) {
    delta_found = gen.delta->search(queries, size_t(nq), search_options(radius, constant_time));
    if (!delta_found.ok()) return delta_found.status();
    runs[nruns++] = {gen.delta.get(), delta_found->data(), delta_found->data() + delta_found->size(), nullptr};
  }
  return scan_matches(runs, nruns, 0, selected);
}

Result<std::vector<std::vector<ScanMatch>>> match_generation_batch(const IndexGeneration& gen,
                                                                   const Hash256* queries, size_t n,
                                                                   const std::vector<int>& radius,
                                                                   const std::vector<char>& selected,
                                                                   bool constant_time) {
  auto found = gen.index->search(queries, n, search_options(radius, constant_time));
  if (!found.ok()) return found.status();
  Result<std::vector<Match>> delta_found = std::vector<Match>();
  if (gen.delta) {
    delta_found = gen.delta->search(queries, n, search_options(radius, constant_time));
    if (!delta_found.ok()) return delta_found.status();
  }
  std::vector<std::vector<ScanMatch>> out(n);
  const Match *b = found->data(), *const b_end = b + found->size();
  const Match *d = delta_found->data(), *const d_end = d + delta_found->size();
  while (b != b_end || d != d_end) {  // both are sorted by query
    const uint32_t q = b == b_end ? d->query : d == d_end ? b->query : std::min(b->query, d->query);
    MatchRun runs[2] = {{gen.index.get(), b, b, &gen}, {gen.delta.get(), d, d, nullptr}};
    while (b != b_end && b->query == q) ++b;
    while (d != d_end && d->query == q) ++d;
    runs[0].end = b;
    runs[1].end = d;
    out[q] = scan_matches(runs, gen.delta ? 2 : 1, q, selected);
  }
  return out;
}

DigestMask digest_kinds(const IndexGeneration& gen, const std::vector<char>& selected) {
  DigestCombos combos = 0;
  for (size_t i = 0; i < selected.size(); ++i) {
    if (!selected[i]) continue;
    if (!gen.list_combos.empty()) combos = DigestCombos(combos | gen.list_combos[i]);
    else if (gen.exact) combos = DigestCombos(combos | gen.exact->combos_of(i));
  }
  if (combos == 0) return 0;
  return cheapest_cover(combos, digest_costs_for_this_cpu());
}

std::vector<ScanMatch> match_digests(const IndexGeneration& gen, const Digests& upload, const std::vector<char>& selected) {
  std::vector<ScanMatch> out;
  struct Hit {
    std::string_view entry_id;
    int kind;
    const ExactIndex* from;
    uint32_t record;
  };
  std::vector<uint32_t> records;
  std::vector<Hit> hits;  // of one list
  const ExactIndex* sources[2] = {gen.exact.get(), gen.delta_exact.get()};
  for (size_t list = 0; list < selected.size(); ++list) {
    if (!selected[list]) continue;
    hits.clear();
    for (const ExactIndex* x : sources) {
      if (!x) continue;
      for (int k = 0; k < kDigestKinds; ++k) {
        const std::string& d = upload.bytes[size_t(k)];
        if (d.empty()) continue;
        records.clear();
        x->find(list, k, d, &records);
        for (uint32_t rec : records)
          if (x != gen.exact.get() || !gen.base_record_hidden(rec)) hits.push_back({x->entry_id(rec), k, x, rec});
      }
    }
    // Entry-id order (the order of a list's records), each entry's lowest matching kind first.
    std::sort(hits.begin(), hits.end(),
              [](const Hit& a, const Hit& b) { return std::tie(a.entry_id, a.kind) < std::tie(b.entry_id, b.kind); });
    for (size_t i = 0; i < hits.size(); ++i) {
      if (i > 0 && hits[i].entry_id == hits[i - 1].entry_id) continue;  // one match per entry
      const Hit& h = hits[i];
      ScanMatch m;
      m.list = gen.index->lists()[list].name;
      m.entry_id = std::string(h.entry_id);
      m.metadata = std::string(h.from->metadata(h.record));
      m.signal = digest_signal(h.kind);
      out.push_back(std::move(m));
    }
  }
  return out;
}

}  // namespace hashsieve
