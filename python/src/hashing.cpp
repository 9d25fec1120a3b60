#include "hashing.h"

#include <optional>
#include <vector>

namespace hashsieve::py {

namespace {

// PdqHasher keeps scratch buffers and is not re-entrant: one per thread and option set.
Result<PdqHasher*> thread_hasher(const PdqOptions& options) {
  struct Slot {
    PdqFlavor flavor;
    SimdLevel simd;
    bool dihedral;
    PdqHasher hasher;
  };
  thread_local std::vector<Slot> slots;
  for (Slot& s : slots)
    if (s.flavor == options.flavor && s.simd == options.simd && s.dihedral == options.dihedral) return &s.hasher;
  auto created = PdqHasher::Create(options);
  if (!created.ok()) return created.status();
  slots.push_back(Slot{options.flavor, options.simd, options.dihedral, std::move(*created)});
  return &slots.back().hasher;
}

}  // namespace

Status check_pixel_limits(const ImageView& view, const DecodeLimits& limits) {
  const uint64_t pixels = uint64_t(view.width) * uint64_t(view.height);
  if (uint32_t(view.width) > limits.max_width || uint32_t(view.height) > limits.max_height ||
      pixels > limits.max_pixels)
    return Status(StatusCode::kImageTooLarge, std::to_string(view.width) + "x" + std::to_string(view.height) +
                                                  " pixels is over the limit of " + std::to_string(limits.max_pixels));
  return Status::Ok();
}

Result<HashOutput> hash_source(Source& source, const PdqOptions& options, const DecodeLimits& limits) {
  Status prepared = source.prepare(limits.max_bytes);
  if (!prepared.ok()) return prepared;
  auto hasher = thread_hasher(options);
  if (!hasher.ok()) return hasher.status();
  HashOutput out;
  if (source.kind() == Source::Kind::kPixels) {
    const ImageView& view = source.pixels();
    Status limit = check_pixel_limits(view, limits);
    if (!limit.ok()) return limit;
    auto r = (*hasher)->hash(view);
    if (!r.ok()) return r.status();
    out.pdq = *r;
    out.width = view.width;
    out.height = view.height;
    return out;
  }
  auto decoded = decode_image(source.data(), source.size(), limits, DecodeMode::kExact);
  if (!decoded.ok()) return decoded.status();
  auto r = (*hasher)->hash(decoded->view());
  if (!r.ok()) return r.status();
  out.pdq = *r;
  out.width = decoded->view().width;
  out.height = decoded->view().height;
  return out;
}

Result<PdqFlavor> parse_flavor(const std::string& name) {
  if (name == "fullres") return PdqFlavor::kFullRes;
  if (name == "cli512") return PdqFlavor::kCli512;
  return Status(StatusCode::kInvalidArgument, "flavor must be \"fullres\" or \"cli512\", not \"" + name + "\"");
}

}  // namespace hashsieve::py
