#include "hashsieve/hash_files.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <opencv2/core.hpp>

#include <optional>

#include "engine/image_hashing.h"
#include "engine/ordered_pipeline.h"

namespace hashsieve {

Status hash_files(const std::function<bool(FileInput& input)>& next,
                  const std::function<void(const HashedFile&)>& sink, const HashFilesOptions& options) {
  auto probe = PdqHasher::Create(options.pdq);
  if (!probe.ok()) return probe.status();
  // Parallelism is per image; OpenCV's own pool would only oversubscribe the cores.
  cv::setNumThreads(1);
  // One hasher (and its scratch buffers) per worker thread.
  tbb::enumerable_thread_specific<std::optional<PdqHasher>> hashers;
  uint64_t index = 0;

  run_ordered_pipeline<HashedFile>(
      options.threads, options.max_in_flight,
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
        auto& slot = hashers.local();
        if (!slot) slot.emplace(*PdqHasher::Create(options.pdq));
        auto r = hash_image_file(item.path, options.limits, DecodeMode::kExact, *slot);
        if (!r.ok()) {
          item.status = r.status();
          return;
        }
        item.pdq = r->pdq;
        item.width = r->width;
        item.height = r->height;
      },
      [&](HashedFile& item) { sink(item); });
  return Status::Ok();
}

}  // namespace hashsieve
