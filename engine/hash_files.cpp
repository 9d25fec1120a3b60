#include "hashsieve/hash_files.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>
#include <opencv2/core.hpp>

#include <algorithm>
#include <optional>

#include "engine/file_bytes.h"
#include "engine/tsan_handoff.h"

namespace hashsieve {

Status hash_files(const std::function<bool(FileInput& input)>& next,
                  const std::function<void(const HashedFile&)>& sink, const HashFilesOptions& options) {
  auto probe = PdqHasher::Create(options.pdq);
  if (!probe.ok()) return probe.status();
  const int threads = options.threads > 0 ? options.threads : tbb::this_task_arena::max_concurrency();
  const int in_flight = options.max_in_flight > 0 ? options.max_in_flight : 2 * threads;
  // Parallelism is per image; OpenCV's own pool would only oversubscribe the cores.
  cv::setNumThreads(1);

  // One hasher (and its scratch buffers) per worker thread.
  tbb::enumerable_thread_specific<std::optional<PdqHasher>> hashers;
  uint64_t index = 0;
  bool done = false;
  // The parallel stage: read, decode and hash one file with this thread's hasher.
  auto hash_one = [&](HashedFile& item) {
    if (!item.status.ok()) return;
    auto& slot = hashers.local();
    if (!slot) slot.emplace(std::move(*PdqHasher::Create(options.pdq)));
    auto bytes = read_file_bytes(item.path, options.limits.max_bytes);
    if (!bytes.ok()) {
      item.status = bytes.status();
      return;
    }
    auto img = decode_image(bytes->data(), bytes->size(), options.limits);
    bytes->clear();
    bytes->shrink_to_fit();  // release the encoded bytes before hashing
    if (!img.ok()) {
      item.status = img.status();
      return;
    }
    item.width = img->view().width;
    item.height = img->view().height;
    auto r = slot->hash(img->view());
    if (r.ok()) {
      item.pdq = *r;
    } else {
      item.status = r.status();
    }
  };
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_pipeline(
        size_t(in_flight),
        tbb::make_filter<void, HashedFile*>(
            tbb::filter_mode::serial_in_order,
            [&](tbb::flow_control& fc) -> HashedFile* {
              handoff_acquire(&index);  // the previous call may have run on another thread
              FileInput input;
              if (done || !next(input)) {
                done = true;
                fc.stop();
                handoff_release(&index);
                return nullptr;
              }
              auto* item = new HashedFile;
              item->index = index++;
              item->path = std::move(input.path);
              item->status = std::move(input.error);
              handoff_release(&index);
              handoff_release(item);
              return item;
            }) &
            tbb::make_filter<HashedFile*, HashedFile*>(
                tbb::filter_mode::parallel,
                [&](HashedFile* item) {
                  handoff_acquire(item);
                  hash_one(*item);
                  handoff_release(item);
                  handoff_release(&hashers);  // the slots are destroyed on this thread below
                  return item;
                }) &
            tbb::make_filter<HashedFile*, void>(tbb::filter_mode::serial_in_order, [&](HashedFile* item) {
              handoff_acquire(item);
              handoff_acquire(&sink);  // the sink's previous call may have run on another thread
              std::unique_ptr<HashedFile> owned(item);
              sink(*owned);
              handoff_release(&sink);
            }));
  });
  handoff_acquire(&hashers);
  handoff_acquire(&index);  // the caller reads what `next` and the sink wrote
  handoff_acquire(&sink);
  return Status::Ok();
}

}  // namespace hashsieve
