#include "engine/item_scan.h"

#include "engine/decode_plan.h"
#include "engine/file_bytes.h"
#include "engine/jpeg_block_means.h"
#include "engine/jpeg_stream_hash.h"
#include "engine/upload_digests.h"
#include "engine/upload_limits.h"

#include <algorithm>
#include <tuple>

namespace hashsieve {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Reads the clock only when someone is listening.
class StageClock {
 public:
  explicit StageClock(const ItemControl& control) : observer_(control.observer), item_(control.item) {
    if (observer_) start_ = Clock::now();
  }
  // Reports the time since construction or the last lap as `stage`, minus `excluded` seconds.
  void lap(ScanStage stage, double excluded = 0) {
    if (!observer_) return;
    const auto now = Clock::now();
    observer_->on_stage(item_, stage, std::chrono::duration<double>(now - start_).count() - excluded);
    start_ = now;
  }
  void report(ScanStage stage, double seconds) const {
    if (observer_) observer_->on_stage(item_, stage, seconds);
  }

 private:
  ScanObserver* observer_;
  uint64_t item_;
  Clock::time_point start_{};
};

Status cancelled() { return Status(StatusCode::kCancelled, "scan cancelled or past its deadline"); }

// The allow list and the outcome, once the index has answered.
void accept_matches(const MatchPlan& plan, std::vector<ScanMatch>&& found, ScanResult& r) {
  for (ScanMatch& m : found)
    if (!plan.allow || !plan.allow->count({m.list, m.entry_id})) r.matches.push_back(std::move(m));
  r.outcome = r.matches.empty() ? ScanOutcome::kNoMatch : ScanOutcome::kMatch;
}

// A YCbCr or gray JPEG hashed as it decodes: the time inside the decoder counts as decoding, the
// rest as hashing; cancellation is checked every strip of rows.
Result<HashedImage> hash_jpeg_rows(const uint8_t* data, size_t size, const DecodeLimits& limits, PdqHasher& hasher,
                                   const ItemControl& control) {
  StageClock clock(control);
  double decoding = 0;
  bool stopped = false;
  auto hashed = hash_jpeg_streamed(data, size, limits, hasher, [&](const std::function<bool()>& decode) {
    if (!control.stop_status().ok()) return !(stopped = true);
    if (!control.observer) return decode();
    const auto t = Clock::now();
    const bool ok = decode();
    decoding += seconds_since(t);
    return ok;
  });
  clock.report(ScanStage::kDecode, decoding);
  clock.lap(ScanStage::kHash, decoding);
  if (stopped) return cancelled();
  if (hashed.status().code() == StatusCode::kUnsupported)  // the plan read the header as libjpeg does
    return Status(StatusCode::kDecodeFailed, "JPEG colour space not as its header declares");
  return hashed;
}

}  // namespace

Status ItemControl::stop_status() const {
  if (cancel && cancel->cancelled()) return cancelled();
  if (deadline != Clock::time_point::max() && Clock::now() >= deadline) return cancelled();
  return Status::Ok();
}

Result<HashedImage> hash_upload(const uint8_t* data, size_t size, const DecodeLimits& limits, DecodeMode mode,
                                PdqHasher& hasher, const ItemControl& control) {
  if (Status st = control.stop_status(); !st.ok()) return st;
  auto plan = plan_decode(data, size, limits, mode, hasher.options().flavor);
  if (!plan.ok()) return plan.status();
  if (plan->path == DecodePath::kJpegRows) return hash_jpeg_rows(data, size, limits, hasher, control);
  StageClock clock(control);
  auto img = plan->path == DecodePath::kJpegBlockMeans ? decode_fast_jpeg(data, size, limits, plan->block)
                                                       : decode_with_opencv(data, size, limits);
  clock.lap(ScanStage::kDecode);
  if (!img.ok()) return img.status();
  if (Status st = control.stop_status(); !st.ok()) return st;
  auto hashed = hash_decoded_image(*img, hasher);
  clock.lap(ScanStage::kHash);
  return hashed;
}

Result<HashedImage> hash_upload_file(const std::string& path, const DecodeLimits& limits, DecodeMode mode,
                                     PdqHasher& hasher, const ItemControl& control) {
  if (Status st = control.stop_status(); !st.ok()) return st;
  StageClock clock(control);
  auto bytes = read_file_bytes(path, limits.max_bytes);
  clock.lap(ScanStage::kRead);
  if (!bytes.ok()) return bytes.status();
  return hash_upload(bytes->data(), bytes->size(), limits, mode, hasher, control);
}

Result<HashedImage> hash_pixels(const ImageView& image, const DecodeLimits& limits, PdqHasher& hasher,
                                const ItemControl& control) {
  if (Status st = control.stop_status(); !st.ok()) return st;
  if (!image.data || image.width <= 0 || image.height <= 0)
    return Status(StatusCode::kInvalidArgument, "no pixels, or a width or height that is not positive");
  if (Status st = check_image_dimensions(uint32_t(image.width), uint32_t(image.height), limits); !st.ok()) return st;
  StageClock clock(control);
  auto r = hasher.hash(image);
  clock.lap(ScanStage::kHash);
  if (!r.ok()) return r.status();
  HashedImage out;
  out.pdq = *r;
  out.width = image.width;
  out.height = image.height;
  return out;
}

Result<MatchPlan> plan_match(std::shared_ptr<const IndexGeneration> gen, const ScanOptions& options,
                             const ScanCall& call, const AllowSet* allow) {
  if (call.radius > 256) return Status(StatusCode::kInvalidArgument, "radius must be 0..256");
  const auto& lists = gen->index->lists();
  MatchPlan plan;
  plan.radius = gen->list_radius;
  plan.selected.assign(lists.size(), call.lists.empty() ? 1 : 0);
  for (const std::string& name : call.lists) {
    size_t i = 0;
    while (i < lists.size() && lists[i].name != name) ++i;
    if (i == lists.size()) return Status(StatusCode::kInvalidArgument, "list " + name + " is not loaded in this scanner");
    plan.selected[i] = 1;
  }
  for (size_t i = 0; i < lists.size(); ++i) {
    if (!plan.selected[i]) plan.radius[i] = 0;  // searched as cheaply as possible, then dropped
    else if (call.radius >= 0) plan.radius[i] = call.radius;
  }
  plan.gen = std::move(gen);
  plan.allow = allow;
  plan.min_quality = options.min_quality;
  plan.match_low_quality = options.match_low_quality;
  plan.constant_time = options.constant_time;
  plan.digest_kinds = digest_kinds(*plan.gen, plan.selected);
  return plan;
}

void match_item(const MatchPlan& plan, const HashedImage& img, bool quality_known, const ItemControl& control,
                ScanResult& r) {
  r.quality = img.pdq.quality;
  r.hash = img.pdq.hash;
  r.reduced = img.reduced;
  r.width = img.width;
  r.height = img.height;
  if (quality_known && r.quality < plan.min_quality && !plan.match_low_quality) {
    r.outcome = ScanOutcome::kLowQuality;
    return;
  }
  if (Status st = control.stop_status(); !st.ok()) {
    r.outcome = ScanOutcome::kError;
    r.status = std::move(st);
    return;
  }
  StageClock clock(control);
  r.generation = plan.gen->number;
  auto found = match_generation(*plan.gen, img.pdq, plan.radius, plan.selected, plan.constant_time);
  if (!found.ok()) {
    r.outcome = ScanOutcome::kError;
    r.status = found.status();
    return;
  }
  accept_matches(plan, std::move(*found), r);
  clock.lap(ScanStage::kMatch);
}

void match_hash_batch(const MatchPlan& plan, const Hash256* hashes, size_t n, const ItemControl& control,
                      ScanResult* out) noexcept {
  for (size_t k = 0; k < n; ++k) {
    out[k].index = control.item + k;
    out[k].hash = hashes[k];
    out[k].quality = -1;
  }
  auto fail_all = [&](const Status& st) {
    for (size_t k = 0; k < n; ++k) {
      out[k].outcome = ScanOutcome::kError;
      out[k].status = st;
      out[k].matches.clear();
    }
  };
  if (Status st = control.stop_status(); !st.ok()) return fail_all(st);
  const Clock::time_point start = control.observer ? Clock::now() : Clock::time_point{};
  Result<std::vector<std::vector<ScanMatch>>> found = Status(StatusCode::kInternal, "not run");
  Status searched = guard_status([&] {
    found = match_generation_batch(*plan.gen, hashes, n, plan.radius, plan.selected, plan.constant_time);
    return found.status();
  });
  if (!searched.ok()) return fail_all(searched);
  double seconds = 0;
  if (control.observer) seconds = seconds_since(start);
  for (size_t k = 0; k < n; ++k) {
    guard_item(out[k], StatusCode::kInternal, [&](ScanResult& r) {
      r.generation = plan.gen->number;
      accept_matches(plan, std::move((*found)[k]), r);
    });
    if (control.observer) control.observer->on_stage(control.item + k, ScanStage::kMatch, seconds / double(n));
  }
}

void finish_item(const MatchPlan& plan, const Result<HashedImage>& hashed, const ItemControl& control, ScanResult& r) {
  if (!hashed.ok()) {
    r.outcome = ScanOutcome::kError;
    r.status = hashed.status();
    return;
  }
  match_item(plan, *hashed, /*quality_known=*/true, control, r);
}

ScannedUpload scan_upload(const uint8_t* data, size_t size, const MatchPlan& plan, const DecodeLimits& limits,
                          DecodeMode mode, PdqHasher& hasher, const ItemControl& control) {
  ScannedUpload u;
  if (plan.digest_kinds) u.digests = digest_bytes(data, size, plan.digest_kinds);
  u.image = hash_upload(data, size, limits, mode, hasher, control);
  return u;
}

ScannedUpload scan_upload_file(const std::string& path, const MatchPlan& plan, const DecodeLimits& limits,
                               DecodeMode mode, PdqHasher& hasher, const ItemControl& control) {
  ScannedUpload u;
  if (Status st = control.stop_status(); !st.ok()) {
    u.image = st;
    return u;
  }
  StageClock clock(control);
  auto bytes = read_file_bytes(path, limits.max_bytes);
  clock.lap(ScanStage::kRead);
  if (!bytes.ok()) {
    u.image = bytes.status();
    if (plan.digest_kinds && bytes.status().code() == StatusCode::kImageTooLarge)
      u.digests = digest_file(path, plan.digest_kinds, control);
    return u;
  }
  return scan_upload(bytes->data(), bytes->size(), plan, limits, mode, hasher, control);
}

namespace {

// Image failures that say "this is not an image we hash", as opposed to a failed scan.
bool not_an_image(const Status& st) {
  return st.code() == StatusCode::kDecodeFailed || st.code() == StatusCode::kImageTooLarge ||
         st.code() == StatusCode::kUnsupported;
}

}  // namespace

void finish_upload(const MatchPlan& plan, ScannedUpload&& upload, const ItemControl& control, ScanResult& r) {
  if (!plan.digest_kinds) return finish_item(plan, upload.image, control, r);
  if (!upload.digests.ok()) {  // the digests the lists need could not be computed: the scan failed
    r.outcome = ScanOutcome::kError;
    r.status = upload.digests.status();
    return;
  }
  if (upload.image.ok()) {
    match_item(plan, *upload.image, /*quality_known=*/true, control, r);
    if (r.outcome == ScanOutcome::kError) return;
  } else if (not_an_image(upload.image.status())) {
    r.image_status = upload.image.status();
    r.quality = 0;
    r.outcome = ScanOutcome::kNoMatch;
  } else {
    r.outcome = ScanOutcome::kError;
    r.status = upload.image.status();
    return;
  }
  r.generation = plan.gen->number;
  size_t found = 0;
  for (ScanMatch& m : match_digests(*plan.gen, *upload.digests, plan.selected)) {
    if (plan.allow && plan.allow->count({m.list, m.entry_id})) continue;
    r.matches.push_back(std::move(m));
    ++found;
  }
  if (found == 0) return;
  // Exact matches count whatever the image's quality: they are the upload's own bytes.
  r.outcome = ScanOutcome::kMatch;
  std::sort(r.matches.begin(), r.matches.end(), [](const ScanMatch& a, const ScanMatch& b) {
    return std::tie(a.distance, a.list, a.entry_id, a.signal, a.transform) <
           std::tie(b.distance, b.list, b.entry_id, b.signal, b.transform);
  });
}

}  // namespace hashsieve
