#include "hashsieve/scanner.h"

#include <oneapi/tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>

#include "common/api_guard.h"
#include "common/parallel_for.h"
#include "engine/hasher_pool.h"
#include "engine/index_generation.h"
#include "engine/item_scan.h"
#include "engine/ordered_pipeline.h"
#include "hashsieve/cores.h"
#include "index/flat_scan_kernels.h"

namespace hashsieve {

const char* scan_outcome_name(ScanOutcome o) noexcept {
  switch (o) {
    case ScanOutcome::kNoMatch: return "no_match";
    case ScanOutcome::kMatch: return "match";
    case ScanOutcome::kLowQuality: return "low_quality";
    case ScanOutcome::kError: return "error";
  }
  return "unknown";
}

namespace {

// A reload reads only the entries written since the current base while they number at most
// max(kMinDeltaEntries, base / kDeltaFraction); beyond that it builds a new base in full.
constexpr size_t kMinDeltaEntries = 4096;
constexpr size_t kDeltaFraction = 16;

size_t idle_hasher_limit(const ScanOptions& o) {
  if (o.idle_hashers > 0) return size_t(o.idle_hashers);
  return usable_cores();
}

ScanResult error_result(Status st) {
  ScanResult r;
  r.outcome = ScanOutcome::kError;
  r.status = std::move(st);
  return r;
}

}  // namespace

// Hidden: a nested class of an exported class would otherwise be exported with it.
struct [[gnu::visibility("hidden")]] Scanner::Impl {
  const HashStore* store = nullptr;  // null: built from a snapshot, nothing to reload
  ScanOptions options;
  AllowSet allow;
  mutable std::optional<HasherPool> hashers;  // lends scratch to const calls; thread-safe
  // A mutex rather than std::atomic<shared_ptr>: libstdc++ 12 implements the latter with a lock bit
  // that ThreadSanitizer cannot see, and the lock is held only to copy one pointer per call.
  mutable std::mutex current_mu;
  std::shared_ptr<const IndexGeneration> current;
  std::atomic<uint64_t> next_generation{1};

  std::shared_ptr<const IndexGeneration> load_current() const {
    std::lock_guard<std::mutex> lock(current_mu);
    return current;
  }

  // Running scans keep the old generation alive; it is freed by whoever drops the last reference.
  void store_current(std::shared_ptr<const IndexGeneration> gen) {
    std::lock_guard<std::mutex> lock(current_mu);
    current.swap(gen);
  }

  Result<MatchPlan> plan(const ScanCall& call) const { return plan_match(load_current(), options, call, &allow); }

  // One item whose hashing step is `hash(hasher, control)`; errors of the step or the plan, and
  // exceptions (bad_alloc: the image's), become the item's error.
  template <typename HashStep>
  void scan_one(const MatchPlan& plan, const ItemControl& control, ScanResult& r, HashStep&& hash) const {
    guard_item(r, StatusCode::kImageTooLarge, [&](ScanResult& out) {
      auto lease = hashers->borrow();
      finish_item(plan, hash(*lease, control), control, out);
    });
  }

  // One upload whose bytes step is `step(plan, hasher, control)` -> ScannedUpload: its image and
  // the digests the plan needs.
  template <typename UploadStep>
  void scan_upload_one(const MatchPlan& plan, const ItemControl& control, ScanResult& r, UploadStep&& step) const {
    guard_item(r, StatusCode::kImageTooLarge, [&](ScanResult& out) {
      auto lease = hashers->borrow();
      finish_upload(plan, step(*lease, control), control, out);
    });
  }

  template <typename UploadStep>
  ScanResult scan_single_upload(const ScanCall& call, UploadStep&& step) const {
    ScanResult r;
    auto p = guard_status([&] { return plan(call); });
    if (!p.ok()) return error_result(p.status());
    scan_upload_one(*p, ItemControl::of(call), r, [&](PdqHasher& h, const ItemControl& c) { return step(*p, h, c); });
    return r;
  }

  template <typename HashStep>
  ScanResult scan_single(const ScanCall& call, HashStep&& hash) const {
    ScanResult r;
    auto p = guard_status([&] { return plan(call); });
    if (!p.ok()) return error_result(p.status());
    scan_one(*p, ItemControl::of(call), r, hash);
    return r;
  }

  static Result<std::unique_ptr<Impl>> make(const ScanOptions& options) {
    if (options.radius > 256) return Status(StatusCode::kInvalidArgument, "radius must be 0..256");
    for (const auto& [name, r] : options.list_radius)
      if (r < 0 || r > 256) return Status(StatusCode::kInvalidArgument, "radius for list " + name + " must be 0..256");
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    PdqOptions pdq;
    pdq.flavor = options.flavor;
    pdq.simd = options.simd;
    pdq.dihedral = options.dihedral;
    auto probe = PdqHasher::Create(pdq);
    if (!probe.ok()) return probe.status();
    pdq.simd = probe->simd_level();
    impl->hashers.emplace(pdq, idle_hasher_limit(options));
    impl->allow.insert(options.allow.begin(), options.allow.end());
    return impl;
  }
};

Scanner::Scanner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Scanner::~Scanner() = default;

Result<std::unique_ptr<Scanner>> Scanner::Create(const HashStore& store, const ScanOptions& options) {
  return guard_status([&]() -> Result<std::unique_ptr<Scanner>> {
    auto impl = Impl::make(options);
    if (!impl.ok()) return impl.status();
    (*impl)->store = &store;
    auto gen = build_generation(store, options, (*impl)->next_generation++);
    if (!gen.ok()) return gen.status();
    (*impl)->store_current(std::move(*gen));
    return std::unique_ptr<Scanner>(new Scanner(std::move(*impl)));
  });
}

Result<std::unique_ptr<Scanner>> Scanner::Create(EntrySnapshot snapshot, const ScanOptions& options) {
  return guard_status([&]() -> Result<std::unique_ptr<Scanner>> {
    auto impl = Impl::make(options);
    if (!impl.ok()) return impl.status();
    auto gen = build_generation(std::move(snapshot), options, (*impl)->next_generation++);
    if (!gen.ok()) return gen.status();
    (*impl)->store_current(std::move(*gen));
    return std::unique_ptr<Scanner>(new Scanner(std::move(*impl)));
  });
}

ScanResult Scanner::scan_buffer(const uint8_t* data, size_t size, const ScanCall& call) const {
  const ScanOptions& o = impl_->options;
  return impl_->scan_single_upload(call, [&](const MatchPlan& p, PdqHasher& h, const ItemControl& c) {
    return scan_upload(data, size, p, o.limits, o.decode, h, c);
  });
}

ScanResult Scanner::scan_file(const std::string& path, const ScanCall& call) const {
  const ScanOptions& o = impl_->options;
  ScanResult r = impl_->scan_single_upload(call, [&](const MatchPlan& p, PdqHasher& h, const ItemControl& c) {
    return scan_upload_file(path, p, o.limits, o.decode, h, c);
  });
  r.path = path;
  return r;
}

ScanResult Scanner::scan_image(const ImageView& image, const ScanCall& call) const {
  const ScanOptions& o = impl_->options;
  return impl_->scan_single(call, [&](PdqHasher& h, const ItemControl& c) { return hash_pixels(image, o.limits, h, c); });
}

ScanResult Scanner::match_hash(const PdqResult& hashes, const ScanCall& call) const {
  ScanResult r;
  auto p = guard_status([&] { return impl_->plan(call); });
  if (!p.ok()) return error_result(p.status());
  guard_item(r, StatusCode::kInternal, [&](ScanResult& out) {
    HashedImage img;
    img.pdq = hashes;
    if (!impl_->options.dihedral) img.pdq.has_dihedral = false;  // as a scan would: the upload as given
    match_item(*p, img, /*quality_known=*/true, ItemControl::of(call), out);
  });
  return r;
}

ScanResult Scanner::match_hash(const Hash256& hash, int quality, const ScanCall& call) const {
  ScanResult r;
  auto p = guard_status([&] { return impl_->plan(call); });
  if (!p.ok()) return error_result(p.status());
  guard_item(r, StatusCode::kInternal, [&](ScanResult& out) {
    HashedImage img;
    img.pdq.hash = hash;
    img.pdq.quality = std::max(quality, 0);
    match_item(*p, img, /*quality_known=*/quality >= 0, ItemControl::of(call), out);
    if (quality < 0) out.quality = -1;
  });
  return r;
}

namespace {

// Hashes per index search: large enough that a flat scan's pass over the entries is shared by
// many queries, small enough that every thread gets several chunks. A multiple of the flat scan's
// queries per pass, so no pass runs part-empty (a chunk of 129 paid a 17th pass for one query).
size_t match_chunk_size(size_t count, int threads) {
  constexpr size_t kPass = detail::kScanQueries;
  const size_t per_thread = count / (8 * size_t(std::max(threads, 1))) + 1;
  return std::clamp<size_t>((per_thread + kPass - 1) / kPass * kPass, 64, 1024);
}

// one_chunk(chunk number, first hash, hashes) over the chunks of `count` hashes, in parallel on
// the call's threads (else `default_threads`; 0 = all cores).
template <typename ChunkFn>
void for_each_match_chunk(size_t count, const ScanCall& call, int default_threads, const ChunkFn& one_chunk) {
  const int requested = call.threads > 0 ? call.threads : default_threads;
  const int threads = resolve_threads(requested);
  const size_t chunk = match_chunk_size(count, threads);
  const size_t chunks = (count + chunk - 1) / chunk;
  auto run = [&](size_t c) { one_chunk(c, c * chunk, std::min(count, c * chunk + chunk) - c * chunk); };
  if (threads == 1 || chunks <= 1) {
    for (size_t c = 0; c < chunks; ++c) run(c);
  } else if (requested <= 0) {  // all cores: the caller's arena already has them
    parallel_for_index(size_t(0), chunks, run);
  } else {
    tbb::task_arena arena(threads);
    arena.execute([&] { parallel_for_index(size_t(0), chunks, run); });
  }
}

size_t match_chunk_count(size_t count, const ScanCall& call, int default_threads) {
  const size_t chunk = match_chunk_size(count, resolve_threads(call.threads > 0 ? call.threads : default_threads));
  return (count + chunk - 1) / chunk;
}

}  // namespace

std::vector<ScanResult> Scanner::match_hashes(const Hash256* hashes, size_t count, const ScanCall& call) const {
  std::vector<ScanResult> results;
  Status st = guard_status([&] {
    results.resize(count);
    auto p = impl_->plan(call);
    if (!p.ok()) {
      for (size_t i = 0; i < count; ++i) {
        results[i] = error_result(p.status());
        results[i].index = i;
        results[i].hash = hashes[i];
        results[i].quality = -1;
      }
      return Status::Ok();
    }
    for_each_match_chunk(count, call, impl_->options.threads, [&](size_t, size_t begin, size_t n) {
      match_hash_batch(*p, hashes + begin, n, ItemControl::of(call, begin), results.data() + begin);
    });
    return Status::Ok();
  });
  if (!st.ok()) results.clear();  // out of memory for the results themselves: nothing to report in
  return results;
}

Result<Scanner::HashMatches> Scanner::match_hashes_flat(const Hash256* hashes, size_t count,
                                                        const ScanCall& call) const {
  return guard_status([&]() -> Result<HashMatches> {
    auto p = impl_->plan(call);
    if (!p.ok()) return p.status();
    // Each chunk's matches and per-hash counts; a thread reuses its chunk-sized ScanResults, so
    // the batch allocates nothing per hash beyond its matches.
    struct Chunk {
      std::vector<ScanMatch> matches;
      std::vector<uint32_t> counts;
      Status failed;
    };
    std::vector<Chunk> chunks(match_chunk_count(count, call, impl_->options.threads));
    tbb::enumerable_thread_specific<std::vector<ScanResult>> scratch;
    for_each_match_chunk(count, call, impl_->options.threads, [&](size_t c, size_t begin, size_t n) {
      std::vector<ScanResult>& rs = scratch.local();
      if (rs.size() < n) rs.resize(n);
      for (size_t k = 0; k < n; ++k) {
        rs[k].outcome = ScanOutcome::kNoMatch;
        rs[k].status = Status();
        rs[k].matches.clear();
      }
      match_hash_batch(*p, hashes + begin, n, ItemControl::of(call, begin), rs.data());
      Chunk& out = chunks[c];
      out.counts.resize(n);
      for (size_t k = 0; k < n; ++k) {
        if (rs[k].outcome == ScanOutcome::kError) {
          out.failed = rs[k].status;
          return;
        }
        out.counts[k] = uint32_t(rs[k].matches.size());
        for (ScanMatch& m : rs[k].matches) out.matches.push_back(std::move(m));
      }
    });
    HashMatches flat;
    flat.generation = p->gen->number;
    flat.offsets.reserve(count + 1);
    flat.offsets.push_back(0);
    size_t total = 0;
    for (const Chunk& c : chunks) {
      if (!c.failed.ok()) return c.failed;
      total += c.matches.size();
    }
    flat.matches.reserve(total);
    for (Chunk& c : chunks) {
      for (uint32_t n : c.counts) flat.offsets.push_back(flat.offsets.back() + n);
      for (ScanMatch& m : c.matches) flat.matches.push_back(std::move(m));
    }
    return flat;
  });
}

std::vector<ScanResult> Scanner::match_hashes(const std::vector<Hash256>& hashes, const ScanCall& call) const {
  return match_hashes(hashes.data(), hashes.size(), call);
}

std::vector<ScanResult> Scanner::scan_buffers(const std::vector<Buffer>& buffers, const ScanCall& call) const {
  std::vector<ScanResult> results;
  Status st = guard_status([&] {
    results.resize(buffers.size());
    auto p = impl_->plan(call);
    if (!p.ok()) {
      for (size_t i = 0; i < buffers.size(); ++i) {
        results[i] = error_result(p.status());
        results[i].index = i;
        results[i].path = buffers[i].id;
      }
      return Status::Ok();
    }
    const ScanOptions& o = impl_->options;
    size_t next = 0;
    run_ordered_pipeline<size_t>(
        call.threads > 0 ? call.threads : o.threads, o.max_in_flight,
        [&](size_t& i) {
          if (next == buffers.size()) return false;
          i = next++;
          return true;
        },
        [&](size_t& i) {
          ScanResult& r = results[i];
          r.index = i;
          r.path = buffers[i].id;
          impl_->scan_upload_one(*p, ItemControl::of(call, i), r, [&](PdqHasher& h, const ItemControl& c) {
            return scan_upload(buffers[i].data, buffers[i].size, *p, o.limits, o.decode, h, c);
          });
        },
        [](size_t&) {});
    return Status::Ok();
  });
  if (!st.ok()) results.clear();  // out of memory for the results themselves: nothing to report in
  return results;
}

Status Scanner::scan_files(const std::function<bool(FileInput& input)>& next,
                           const std::function<void(const ScanResult&)>& sink, const ScanCall& call) const {
  return guard_status([&]() -> Status {
    auto p = impl_->plan(call);
    if (!p.ok()) return p.status();
    const ItemControl control = ItemControl::of(call);
    const ScanOptions& o = impl_->options;
    uint64_t index = 0;
    bool stopped = false;
    run_ordered_pipeline<ScanResult>(
        call.threads > 0 ? call.threads : o.threads, o.max_in_flight,
        [&](ScanResult& item) {
          // Once cancelled or past the deadline, no further input is read.
          if (!control.stop_status().ok()) {
            stopped = true;
            return false;
          }
          FileInput input;
          if (!next(input)) return false;
          item.index = index++;
          item.path = std::move(input.path);
          if (!input.error.ok()) {
            item.outcome = ScanOutcome::kError;
            item.status = std::move(input.error);
          }
          return true;
        },
        [&](ScanResult& item) {
          if (item.outcome == ScanOutcome::kError) return;
          impl_->scan_upload_one(*p, ItemControl::of(call, item.index), item, [&](PdqHasher& h, const ItemControl& c) {
            return scan_upload_file(item.path, *p, o.limits, o.decode, h, c);
          });
        },
        [&](ScanResult& item) { sink(item); });
    if (stopped) return Status(StatusCode::kCancelled, "scan cancelled or past its deadline after " +
                                                           std::to_string(index) + " items");
    return Status::Ok();
  });
}

Result<GenerationInfo> Scanner::reload() {
  return guard_status([&]() -> Result<GenerationInfo> {
    if (!impl_->store) return Status(StatusCode::kInvalidArgument, "this scanner was built from a snapshot: no store to reload");
    // After a small change, a delta over the current generation's base; after a large one (or
    // when the store cannot say what changed), a full build, which then becomes the new base.
    const auto current = impl_->load_current();
    const size_t max_changes = std::max<size_t>(kMinDeltaEntries, current->index->size() / kDeltaFraction);
    const uint64_t number = impl_->next_generation++;
    auto gen = build_delta_generation(*current, *impl_->store, impl_->options, number, max_changes);
    if (!gen.ok() && gen.status().code() != StatusCode::kUnsupported) return gen.status();
    if (!gen.ok()) gen = build_generation(*impl_->store, impl_->options, number);
    if (!gen.ok()) return gen.status();
    impl_->store_current(std::move(*gen));
    return generation();
  });
}

GenerationInfo Scanner::generation() const {
  const auto gen = impl_->load_current();
  GenerationInfo info;
  info.number = gen->number;
  info.store_version = gen->store_version;
  info.built_at_ms = gen->built_at_ms;
  info.entries = gen->entries;
  info.digest_entries = gen->digest_entries;
  info.index_kind = gen->index->kind();
  try {
    const auto& lists = gen->index->lists();
    for (size_t i = 0; i < lists.size(); ++i) info.lists.emplace_back(lists[i].name, gen->list_counts[i]);
  } catch (...) {  // out of memory for the names: the counts above stay right
    info.lists.clear();
  }
  return info;
}

const ScanOptions& Scanner::options() const noexcept { return impl_->options; }

}  // namespace hashsieve
