// The scan engine: image bytes -> decode -> PDQ (8 dihedral hashes) -> match against an index
// generation -> per-item result. Thread-safe; lists can be reloaded while scans run.
//
// When the selected lists hold exact digests (MD5, SHA-1, SHA-256, SHA-512), the byte entry
// points (scan_buffer, scan_file, scan_buffers, scan_files) also digest each upload's bytes with
// the kinds those lists hold, and only those, and report equal digests as matches named by their
// signal. A file that is not an image is then still matched by its digests.
//
// Every entry point runs the same per-item scan (decode plan -> hash -> quality gate -> match ->
// allow list -> outcome), from whichever point its input starts at: file, bytes, decoded pixels
// or hashes computed elsewhere.
//
// Memory per thread: a call borrows a PdqHasher (the hasher's scratch grows with the largest
// image it has hashed: about 4 bytes x width x (height / 128 + 64) + 256 bytes x height, at most
// about 8 MiB at the default 100 MP limit) from the scanner's pool and gives it back when it
// returns. The pool keeps at most ScanOptions::idle_hashers of them, so a thread-per-request
// server holds at most (calls running at once + idle_hashers) hashers, however many threads it
// creates and retires. Batch calls borrow one hasher per worker thread the same way.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hashsieve/cancel_token.h"
#include "hashsieve/decode.h"
#include "hashsieve/digests.h"
#include "hashsieve/entry_snapshot.h"
#include "hashsieve/export.h"
#include "hashsieve/hash_files.h"
#include "hashsieve/hash_index.h"
#include "hashsieve/image.h"
#include "hashsieve/pdq.h"
#include "hashsieve/scan_observer.h"
#include "hashsieve/status.h"

namespace hashsieve {

class HashStore;

struct ScanOptions {
  std::vector<std::string> lists;   // lists to match against; empty = all lists in the store
  int radius = -1;                  // < 0: each list's own default radius
  std::vector<std::pair<std::string, int>> list_radius;  // per-list override (list name, radius)
  // Entries never to report, e.g. confirmed false positives: (list name, entry id).
  std::vector<std::pair<std::string, std::string>> allow;
  bool dihedral = true;             // match rotated and mirrored copies too
  int min_quality = 50;             // items below are reported as low quality...
  bool match_low_quality = false;   // ...and not matched unless this is set
  DecodeMode decode = DecodeMode::kExact;
  DecodeLimits limits;
  PdqFlavor flavor = PdqFlavor::kFullRes;
  SimdLevel simd = SimdLevel::kAuto;
  // The index's chunk tables (hash_index.h): kWide trades ~4.6x the index memory for fewer
  // random memory reads a hash lookup (a service's raw lookups); kCompact is the default.
  IndexLayout index_layout = IndexLayout::kCompact;
  bool constant_time = false;       // index search without early exits
  int threads = 0;                  // batch scans: 0 = all cores
  int max_in_flight = 0;            // batch scans: items in memory at once; 0 = 2 per thread
  int idle_hashers = 0;             // hashers kept for reuse between calls; 0 = usable_cores()
};

// Parameters of one call, applied to the current index generation without rebuilding it.
struct ScanCall {
  // A subset of the lists the scanner loaded; empty = all of them. A list the scanner has not
  // loaded is kInvalidArgument.
  std::vector<std::string> lists;
  int radius = -1;  // 0..256 for every list of this call; < 0: the scanner's radii
  // Past the deadline, or once `cancel` is cancelled, items stop at their next check and report
  // kCancelled (outcome kError); batch items not yet started report it without being opened.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  const CancelToken* cancel = nullptr;  // borrowed for the call
  ScanObserver* observer = nullptr;     // stage timings of each item; borrowed for the call
  int threads = 0;                      // batch calls: worker threads; 0 = ScanOptions::threads
};

struct ScanMatch {
  std::string list;
  std::string entry_id;
  int distance = 0;
  Dihedral transform = Dihedral::kOrig;  // which transform of the upload matched
  std::string metadata;  // the entry's provenance as its list gave it (compact JSON), or ""
  // What matched: kPdq (distance and transform apply), or a digest of the upload's bytes equal
  // to the entry's (distance 0; transform unused).
  Signal signal = Signal::kPdq;
};

enum class ScanOutcome { kNoMatch, kMatch, kLowQuality, kError };
HASHSIEVE_API const char* scan_outcome_name(ScanOutcome o) noexcept;  // "no_match", "match", "low_quality", "error"

struct ScanResult {
  uint64_t index = 0;        // batch position
  std::string path;          // batch scans: the input path
  ScanOutcome outcome = ScanOutcome::kNoMatch;
  Status status;             // kError: why
  int quality = 0;
  Hash256 hash;              // the upload's hash: sensitive, reports omit it unless asked
  bool reduced = false;      // fast decode: not the canonical hash
  int width = 0, height = 0; // as decoded (reduced in fast mode); 0 when not decoded here
  uint64_t generation = 0;   // the index generation that answered
  std::vector<ScanMatch> matches;  // sorted by distance, list, entry id
  // Set when the upload was matched by its digests alone: why it was not hashed as an image (a
  // video or an archive is kDecodeFailed). Ok for an image that was hashed.
  Status image_status;
};

struct GenerationInfo {
  uint64_t number = 0;
  uint64_t store_version = 0;  // HashStore::data_version() of the snapshot it was built from (0: not from a store)
  int64_t built_at_ms = 0;     // when it was built (milliseconds since the Unix epoch)
  size_t entries = 0;
  size_t digest_entries = 0;  // entries with exact digests (some have no PDQ hash)
  IndexKind index_kind = IndexKind::kFlat;  // the structure the index chose for its size
  std::vector<std::pair<std::string, uint64_t>> lists;  // name, active entries
};

class HASHSIEVE_API Scanner {
 public:
  // Builds the first index generation from `store` (borrowed: it must outlive the scanner).
  static Result<std::unique_ptr<Scanner>> Create(const HashStore& store, const ScanOptions& options);
  // From entries held in memory (e.g. a list fetched from a service); reload() then returns
  // kInvalidArgument: there is no store to read again.
  static Result<std::unique_ptr<Scanner>> Create(EntrySnapshot snapshot, const ScanOptions& options);
  ~Scanner();

  // One image held in memory (low latency; callable from many threads at once).
  ScanResult scan_buffer(const uint8_t* data, size_t size, const ScanCall& call = {}) const;
  // One image file: read (refusing files over the byte limit unread), scanned, freed.
  ScanResult scan_file(const std::string& path, const ScanCall& call = {}) const;
  // Pixels the caller has already decoded (any PixelFormat, rows `stride` bytes apart), checked
  // against options().limits like a decoded upload.
  ScanResult scan_image(const ImageView& image, const ScanCall& call = {}) const;
  // Hashes computed elsewhere, matched with the same lists, radii, quality gate, allow list and
  // dihedral merge as a scan. The dihedral hashes are matched when `hashes.has_dihedral` (and the
  // scanner's options ask for dihedral matching).
  ScanResult match_hash(const PdqResult& hashes, const ScanCall& call = {}) const;
  // One hash; quality < 0 (unknown) skips the quality gate.
  ScanResult match_hash(const Hash256& hash, int quality = -1, const ScanCall& call = {}) const;
  // Many hashes in one call (e.g. a whole hash list checked against the loaded lists): all on one
  // index generation, searched in chunks in parallel (call.threads, else ScanOptions::threads;
  // 0 = all cores), each chunk in one pass over the index, which for lists of up to ~64k entries
  // is many times faster than hash by hash. results[i] is hashes[i]'s result, as
  // match_hash(hashes[i], -1, call) would give it on that generation (ScanResult::index = i).
  // Past the deadline or once cancelled, chunks not yet searched report kCancelled. Empty only
  // when there was no memory for the results themselves.
  std::vector<ScanResult> match_hashes(const Hash256* hashes, size_t count, const ScanCall& call = {}) const;
  std::vector<ScanResult> match_hashes(const std::vector<Hash256>& hashes, const ScanCall& call = {}) const;
  // The same matches as match_hashes, flattened for callers that want only the matches (a
  // binding making its own objects): hashes[i]'s are matches[offsets[i] .. offsets[i + 1]).
  // No ScanResult per hash (over 200 bytes each: most of a large batch's memory and time beyond
  // the search). Fails as a whole when any hash would have failed (an invalid call, the deadline,
  // a cancel).
  struct HashMatches {
    uint64_t generation = 0;         // the index generation that answered
    std::vector<ScanMatch> matches;  // per hash sorted as ScanResult::matches
    std::vector<size_t> offsets;     // count + 1 values
  };
  Result<HashMatches> match_hashes_flat(const Hash256* hashes, size_t count, const ScanCall& call = {}) const;

  // A batch of images held in memory (e.g. a service's upload queue), scanned in parallel;
  // results[i] is the result of buffers[i]; `id` is copied into ScanResult::path.
  struct Buffer {
    const uint8_t* data = nullptr;
    size_t size = 0;
    std::string id;
  };
  std::vector<ScanResult> scan_buffers(const std::vector<Buffer>& buffers, const ScanCall& call = {}) const;

  // A batch of files in parallel; results delivered in input order, one at a time. Not ok only
  // when the call itself is invalid (e.g. an unknown list in `call`).
  Status scan_files(const std::function<bool(FileInput& input)>& next,
                    const std::function<void(const ScanResult&)>& sink, const ScanCall& call = {}) const;

  // Builds a new generation from a fresh snapshot of the store and swaps it in. Scans already
  // running finish on the generation they started with.
  Result<GenerationInfo> reload();
  GenerationInfo generation() const;
  const ScanOptions& options() const noexcept;

 private:
  struct Impl;
  explicit Scanner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hashsieve
