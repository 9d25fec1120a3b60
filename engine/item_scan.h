// The per-item scan, the one every entry point runs (Scanner's calls, hash_files, hashsieve
// bench): decode plan -> hash -> quality gate -> match -> allow list -> outcome. Each entry
// starts where its input starts (a file, bytes, decoded pixels, hashes). Stage timings go to the
// caller's ScanObserver, measured here, around the decoders rather than inside them.
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/api_guard.h"
#include "engine/image_hashing.h"
#include "engine/index_generation.h"
#include "hashsieve/cancel_token.h"
#include "hashsieve/scan_observer.h"
#include "hashsieve/scanner.h"

namespace hashsieve {

// One call's observer, cancellation token and deadline.
struct ItemControl {
  ScanObserver* observer = nullptr;
  const CancelToken* cancel = nullptr;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  uint64_t item = 0;  // the batch position the observer is told

  static ItemControl of(const ScanCall& call, uint64_t item = 0) {
    return ItemControl{call.observer, call.cancel, call.deadline, item};
  }
  // kCancelled once the token is cancelled or the deadline has passed (reads the clock only
  // when there is a deadline).
  Status stop_status() const;
};

// bytes -> plan -> decode -> PDQ. Block means approximate the full-resolution flavour only.
Result<HashedImage> hash_upload(const uint8_t* data, size_t size, const DecodeLimits& limits, DecodeMode mode,
                                PdqHasher& hasher, const ItemControl& control = {});
// Reads the file (refusing oversize files unread: kRead stage), then hash_upload; the bytes and
// pixels are freed before it returns.
Result<HashedImage> hash_upload_file(const std::string& path, const DecodeLimits& limits, DecodeMode mode,
                                     PdqHasher& hasher, const ItemControl& control = {});
// Pixels decoded by the caller, checked against the limits like a decoded upload.
Result<HashedImage> hash_pixels(const ImageView& image, const DecodeLimits& limits, PdqHasher& hasher,
                                const ItemControl& control = {});

using AllowSet = std::set<std::pair<std::string, std::string>>;  // (list name, entry id)

// What one call matches against: a generation, its radii and lists for this call, the gate.
struct MatchPlan {
  std::shared_ptr<const IndexGeneration> gen;
  std::vector<int> radius;     // per list of gen
  std::vector<char> selected;  // per list of gen: matches of unselected lists are dropped
  const AllowSet* allow = nullptr;
  int min_quality = 0;
  bool match_low_quality = false;
  bool constant_time = false;
  DigestMask digest_kinds = 0;  // the cheapest kinds covering the selected lists' digest entries
};

// The scanner's options and one call's list subset and radius over `gen`, without rebuilding
// anything. kInvalidArgument for a radius over 256 or a list `gen` does not hold.
Result<MatchPlan> plan_match(std::shared_ptr<const IndexGeneration> gen, const ScanOptions& options,
                             const ScanCall& call, const AllowSet* allow);

// Quality gate (when the quality is known) -> match -> allow list -> outcome, into r.
void match_item(const MatchPlan& plan, const HashedImage& img, bool quality_known, const ItemControl& control,
                ScanResult& r);
// Hashes given without quality (the gate is skipped), matched in one search of plan.gen on the
// calling thread: out[k] becomes the result of hashes[k] as match_item would make it, with
// quality -1 and batch position control.item + k. Once stopped (cancel, deadline), the items not
// yet searched report kCancelled; the observer is told each item's share of the search time.
void match_hash_batch(const MatchPlan& plan, const Hash256* hashes, size_t n, const ItemControl& control,
                      ScanResult* out) noexcept;
// A hashing step's result, then match_item; a failed step makes r an error item.
void finish_item(const MatchPlan& plan, const Result<HashedImage>& hashed, const ItemControl& control, ScanResult& r);

// What an upload's bytes gave: the image step's result and, when the plan asks for digests,
// the digests (or why they could not be computed).
struct ScannedUpload {
  Result<HashedImage> image = Status(StatusCode::kInternal, "not scanned");
  Result<Digests> digests = Digests{};
};

// Digests (the plan's kinds) then hash_upload.
ScannedUpload scan_upload(const uint8_t* data, size_t size, const MatchPlan& plan, const DecodeLimits& limits,
                          DecodeMode mode, PdqHasher& hasher, const ItemControl& control = {});
// The file read once for both. A file over the byte limit is refused as an image unread, and
// when digests are asked for it is digested as a stream instead (never held whole).
ScannedUpload scan_upload_file(const std::string& path, const MatchPlan& plan, const DecodeLimits& limits,
                               DecodeMode mode, PdqHasher& hasher, const ItemControl& control = {});
// PDQ matches (finish_item) plus exact matches of the digests. An upload that is not an image
// is matched by its digests alone when the plan has digest lists (ScanResult::image_status says
// why it was not hashed); it is an error item only when nothing applied to it.
void finish_upload(const MatchPlan& plan, ScannedUpload&& upload, const ItemControl& control, ScanResult& r);

// Runs fn(r) with the exception firewall: an exception makes r an error item (bad_alloc ->
// on_bad_alloc). Used per item, so that one item's failure never reaches the others.
template <typename Fn>
void guard_item(ScanResult& r, StatusCode on_bad_alloc, Fn&& fn) noexcept {
  Status st = guard_status(
      [&] {
        fn(r);
        return Status::Ok();
      },
      on_bad_alloc);
  if (!st.ok()) {
    r.outcome = ScanOutcome::kError;
    r.status = std::move(st);
    r.matches.clear();
  }
}

}  // namespace hashsieve
