#include "binding_matcher.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace hashsieve::py {

BindingMatcher::BindingMatcher(const HashStore& store, ScanOptions options)
    : store_(store), options_(std::move(options)), allow_(options_.allow.begin(), options_.allow.end()) {}

Result<std::unique_ptr<BindingMatcher>> BindingMatcher::Create(const HashStore& store, const ScanOptions& options,
                                                               uint64_t generation) {
  std::unique_ptr<BindingMatcher> m(new BindingMatcher(store, options));
  Status s = m->reload(generation);
  if (!s.ok()) return s;
  return m;
}

Status BindingMatcher::reload(uint64_t generation) {
  auto snapshot = store_.snapshot_active(options_.lists);
  if (!snapshot.ok()) return snapshot.status();
  auto index = HashIndex::Build(std::move(*snapshot));
  if (!index.ok()) return index.status();
  auto gen = std::make_shared<Generation>();
  gen->index = std::move(*index);
  gen->number = generation;
  for (const SnapshotList& l : gen->index->lists()) {
    int r = options_.radius >= 0 ? options_.radius : l.default_radius;
    for (const auto& [name, radius] : options_.list_radius)
      if (name == l.name) r = radius;
    gen->list_radius.push_back(r);
  }
  std::lock_guard<std::mutex> lock(mu_);
  gen_ = std::move(gen);
  return Status::Ok();
}

std::shared_ptr<const BindingMatcher::Generation> BindingMatcher::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return gen_;
}

std::vector<ScanMatch> BindingMatcher::merge(const Generation& gen, const std::vector<Match>& found, size_t first,
                                             size_t end) const {
  std::map<uint32_t, std::pair<int, int>> best;  // entry -> (distance, transform)
  for (size_t i = first; i < end; ++i) {
    const Match& m = found[i];
    auto [it, fresh] = best.try_emplace(m.entry, m.distance, int(m.query % kDihedralCount));
    if (!fresh && std::pair(m.distance, int(m.query % kDihedralCount)) < it->second)
      it->second = {m.distance, int(m.query % kDihedralCount)};
  }
  std::vector<ScanMatch> out;
  for (const auto& [entry, dt] : best) {
    ScanMatch sm;
    sm.list = gen.index->lists()[gen.index->list_of(entry)].name;
    sm.entry_id = std::string(gen.index->entry_id(entry));
    if (allow_.count({sm.list, sm.entry_id})) continue;
    sm.distance = dt.first;
    sm.transform = Dihedral(dt.second);
    out.push_back(std::move(sm));
  }
  std::sort(out.begin(), out.end(), [](const ScanMatch& a, const ScanMatch& b) {
    return std::tie(a.distance, a.list, a.entry_id) < std::tie(b.distance, b.list, b.entry_id);
  });
  return out;
}

Result<std::vector<ScanMatch>> BindingMatcher::match(const PdqResult& pdq) const {
  auto gen = current();
  Hash256 q[kDihedralCount];
  size_t n = 1;
  q[0] = pdq.hash;
  if (pdq.has_dihedral && options_.dihedral) {
    for (int d = 1; d < kDihedralCount; ++d) q[d] = pdq.dihedral[d];
    n = kDihedralCount;
  }
  SearchOptions so;
  so.list_radius = gen->list_radius;
  so.constant_time = options_.constant_time;
  so.parallel = false;
  auto found = gen->index->search(q, n, so);
  if (!found.ok()) return found.status();
  return merge(*gen, *found, 0, found->size());
}

Result<std::vector<std::vector<ScanMatch>>> BindingMatcher::match_many(const std::vector<Hash256>& hashes) const {
  auto gen = current();
  SearchOptions so;
  so.list_radius = gen->list_radius;
  so.constant_time = options_.constant_time;
  so.parallel = hashes.size() >= 64;
  auto found = gen->index->search(hashes.data(), hashes.size(), so);
  if (!found.ok()) return found.status();
  std::vector<std::vector<ScanMatch>> out(hashes.size());
  // Matches come sorted by query: one run per query.
  size_t i = 0;
  while (i < found->size()) {
    size_t j = i;
    while (j < found->size() && (*found)[j].query == (*found)[i].query) ++j;
    auto ms = merge(*gen, *found, i, j);
    for (auto& m : ms) m.transform = Dihedral::kOrig;
    out[(*found)[i].query] = std::move(ms);
    i = j;
  }
  return out;
}

ScanResult BindingMatcher::scan_pixels(const ImageView& pixels) const {
  ScanResult r;
  PdqOptions po;
  po.flavor = options_.flavor;
  po.simd = options_.simd;
  po.dihedral = options_.dihedral;
  thread_local std::vector<std::pair<std::tuple<int, int, bool>, PdqHasher>> hashers;
  auto key = std::make_tuple(int(po.flavor), int(po.simd), po.dihedral);
  PdqHasher* hasher = nullptr;
  for (auto& [k, h] : hashers)
    if (k == key) hasher = &h;
  if (!hasher) {
    auto created = PdqHasher::Create(po);
    if (!created.ok()) {
      r.outcome = ScanOutcome::kError;
      r.status = created.status();
      return r;
    }
    hashers.emplace_back(key, std::move(*created));
    hasher = &hashers.back().second;
  }
  auto pdq = hasher->hash(pixels);
  if (!pdq.ok()) {
    r.outcome = ScanOutcome::kError;
    r.status = pdq.status();
    return r;
  }
  r.quality = pdq->quality;
  r.hash = pdq->hash;
  if (r.quality < options_.min_quality && !options_.match_low_quality) {
    r.outcome = ScanOutcome::kLowQuality;
    return r;
  }
  r.generation = current()->number;
  auto found = match(*pdq);
  if (!found.ok()) {
    r.outcome = ScanOutcome::kError;
    r.status = found.status();
    return r;
  }
  r.matches = std::move(*found);
  r.outcome = r.matches.empty() ? ScanOutcome::kNoMatch : ScanOutcome::kMatch;
  return r;
}

}  // namespace hashsieve::py
