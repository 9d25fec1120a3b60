#include "hashsieve/hash_files.h"

#include <algorithm>

#include "common/api_guard.h"
#include "engine/hasher_pool.h"
#include "engine/item_scan.h"
#include "engine/ordered_pipeline.h"

namespace hashsieve {

// The per-item scan up to the hash: no index, so no quality gate and no match.
Status hash_files(const std::function<bool(FileInput& input)>& next,
                  const std::function<void(const HashedFile&)>& sink, const HashFilesOptions& options) {
  return guard_status([&]() -> Status {
    auto probe = PdqHasher::Create(options.pdq);
    if (!probe.ok()) return probe.status();
    PdqOptions pdq = options.pdq;
    pdq.simd = probe->simd_level();
    const int threads = resolve_threads(options.threads);
    HasherPool hashers(pdq, size_t(std::max(threads, 1)));  // one per worker thread, at most
    uint64_t index = 0;
    run_ordered_pipeline<HashedFile>(
        threads, options.max_in_flight,
        [&](HashedFile& item) {
          FileInput input;
          if (!next(input)) return false;
          item.index = index++;
          item.path = std::move(input.path);
          item.status = std::move(input.error);
          return true;
        },
        [&](HashedFile& item) {
          if (!item.status.ok()) return;
          item.status = guard_status(
              [&]() -> Status {
                auto lease = hashers.borrow();
                auto r = hash_upload_file(item.path, options.limits, DecodeMode::kExact, *lease);
                if (!r.ok()) return r.status();
                item.pdq = r->pdq;
                item.width = r->width;
                item.height = r->height;
                return Status::Ok();
              },
              StatusCode::kImageTooLarge);
        },
        [&](HashedFile& item) { sink(item); });
    return Status::Ok();
  });
}

}  // namespace hashsieve
