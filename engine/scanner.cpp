#include "hashsieve/scanner.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <opencv2/core.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <set>

#include "engine/image_hashing.h"
#include "engine/index_generation.h"
#include "engine/ordered_pipeline.h"

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

struct Scanner::Impl {
  const HashStore* store = nullptr;
  ScanOptions options;
  PdqOptions pdq;
  std::set<std::pair<std::string, std::string>> allow;
  // A mutex rather than std::atomic<shared_ptr>: libstdc++ 12 implements the latter with a lock bit
  // that ThreadSanitizer cannot see, and the lock is held only to copy one pointer per image.
  mutable std::mutex current_mu;
  std::shared_ptr<const IndexGeneration> current;
  std::atomic<uint64_t> next_generation{1};
  mutable tbb::enumerable_thread_specific<std::optional<PdqHasher>> hashers;

  PdqHasher& hasher() const {
    auto& slot = hashers.local();
    if (!slot) slot.emplace(*PdqHasher::Create(pdq));  // options validated in Create
    return *slot;
  }

  // Hashes, then matches the upload's (dihedral) hashes against one generation.
  void scan_hashed(const HashedImage& img, ScanResult& r) const {
    r.quality = img.pdq.quality;
    r.hash = img.pdq.hash;
    r.reduced = img.reduced;
    if (r.quality < options.min_quality && !options.match_low_quality) {
      r.outcome = ScanOutcome::kLowQuality;
      return;
    }
    const auto gen = load_current();
    r.generation = gen->number;
    auto found = match_generation(*gen, img.pdq, options.constant_time);
    if (!found.ok()) {
      r.outcome = ScanOutcome::kError;
      r.status = found.status();
      return;
    }
    for (ScanMatch& sm : *found)
      if (!allow.count({sm.list, sm.entry_id})) r.matches.push_back(std::move(sm));
    r.outcome = r.matches.empty() ? ScanOutcome::kNoMatch : ScanOutcome::kMatch;
  }

  std::shared_ptr<const IndexGeneration> load_current() const {
    std::lock_guard<std::mutex> lock(current_mu);
    return current;
  }

  // Running scans keep the old generation alive; it is freed by whoever drops the last reference.
  void store_current(std::shared_ptr<const IndexGeneration> gen) {
    std::lock_guard<std::mutex> lock(current_mu);
    current.swap(gen);
  }

  void finish(const Result<HashedImage>& img, ScanResult& r) const {
    if (!img.ok()) {
      r.outcome = ScanOutcome::kError;
      r.status = img.status();
      return;
    }
    scan_hashed(*img, r);
  }
};

Scanner::Scanner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Scanner::~Scanner() = default;

Result<std::unique_ptr<Scanner>> Scanner::Create(const HashStore& store, const ScanOptions& options) {
  if (options.radius > 256) return Status(StatusCode::kInvalidArgument, "radius must be 0..256");
  for (const auto& [name, r] : options.list_radius)
    if (r < 0 || r > 256) return Status(StatusCode::kInvalidArgument, "radius for list " + name + " must be 0..256");
  auto impl = std::make_unique<Impl>();
  impl->store = &store;
  impl->options = options;
  impl->pdq.flavor = options.flavor;
  impl->pdq.simd = options.simd;
  impl->pdq.dihedral = options.dihedral;
  auto probe = PdqHasher::Create(impl->pdq);
  if (!probe.ok()) return probe.status();
  impl->pdq.simd = probe->simd_level();
  impl->allow.insert(options.allow.begin(), options.allow.end());
  auto gen = build_generation(store, options, impl->next_generation++);
  if (!gen.ok()) return gen.status();
  impl->store_current(std::move(*gen));
  return std::unique_ptr<Scanner>(new Scanner(std::move(impl)));
}

ScanResult Scanner::scan_buffer(const uint8_t* data, size_t size) const {
  ScanResult r;
  impl_->finish(hash_image_bytes(data, size, impl_->options.limits, impl_->options.decode, impl_->hasher()), r);
  return r;
}

std::vector<ScanResult> Scanner::scan_buffers(const std::vector<Buffer>& buffers) const {
  cv::setNumThreads(1);  // parallel per image; do not stack OpenCV's pool on top
  std::vector<ScanResult> results(buffers.size());
  size_t next = 0;
  run_ordered_pipeline<size_t>(
      impl_->options.threads, impl_->options.max_in_flight,
      [&](size_t& i) {
        if (next == buffers.size()) return false;
        i = next++;
        return true;
      },
      [&](size_t& i) {
        ScanResult& r = results[i];
        r.index = i;
        r.path = buffers[i].id;
        impl_->finish(hash_image_bytes(buffers[i].data, buffers[i].size, impl_->options.limits,
                                       impl_->options.decode, impl_->hasher()),
                      r);
      },
      [](size_t&) {});
  return results;
}

Status Scanner::scan_files(const std::function<bool(FileInput& input)>& next,
                           const std::function<void(const ScanResult&)>& sink) const {
  cv::setNumThreads(1);  // parallel per image; do not stack OpenCV's pool on top
  uint64_t index = 0;
  run_ordered_pipeline<ScanResult>(
      impl_->options.threads, impl_->options.max_in_flight,
      [&](ScanResult& item) {
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
        impl_->finish(hash_image_file(item.path, impl_->options.limits, impl_->options.decode, impl_->hasher()), item);
      },
      [&](ScanResult& item) { sink(item); });
  return Status::Ok();
}

Result<GenerationInfo> Scanner::reload() {
  auto gen = build_generation(*impl_->store, impl_->options, impl_->next_generation++);
  if (!gen.ok()) return gen.status();
  impl_->store_current(std::move(*gen));
  return generation();
}

GenerationInfo Scanner::generation() const {
  const auto gen = impl_->load_current();
  GenerationInfo info;
  info.number = gen->number;
  info.entries = gen->index->size();
  for (const auto& l : gen->index->lists()) info.lists.emplace_back(l.name, l.count);
  return info;
}

const ScanOptions& Scanner::options() const noexcept { return impl_->options; }

}  // namespace hashsieve
