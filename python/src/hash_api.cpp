// hashsieve.hash() and its result type.
#include <pybind11/stl.h>

#include "bindings.h"
#include "errors.h"
#include "hashes.h"
#include "hashing.h"

namespace hashsieve::py {

namespace {

struct PyHashResult {
  PdqResult pdq;
  int width = 0, height = 0;
};

pb::object dihedral_dict(const PdqResult& r) {
  if (!r.has_dihedral) return pb::none();
  pb::dict d;
  for (int i = 0; i < kDihedralCount; ++i)
    d[pb::str(dihedral_name(static_cast<Dihedral>(i)))] = pb::str(to_hex(r.dihedral[i]));
  return d;
}

}  // namespace

void bind_hash(pb::module_& m) {
  pb::class_<PyHashResult>(m, "HashResult", "The PDQ hash of one image.")
      .def_property_readonly("hex", [](const PyHashResult& r) { return to_hex(r.pdq.hash); },
                             "64 lowercase hex digits, as hash lists hold them.")
      .def_property_readonly("bytes", [](const PyHashResult& r) { return hash_bytes_object(r.pdq.hash); },
                             "The same 256-bit value as 32 big-endian bytes (bytes.fromhex(hex)).")
      .def_property_readonly("quality", [](const PyHashResult& r) { return r.pdq.quality; },
                             "PDQ quality 0..100; lists discard hashes under 50.")
      .def_readonly("width", &PyHashResult::width, "Width of the hashed image in pixels.")
      .def_readonly("height", &PyHashResult::height, "Height of the hashed image in pixels.")
      .def_property_readonly("dihedral", [](const PyHashResult& r) { return dihedral_dict(r.pdq); },
                             "With dihedral=True: {'orig', 'rot90', 'rot180', 'rot270', 'flipx', 'flipy', "
                             "'flipp', 'flipm'} -> hex; else None.")
      .def("__repr__", [](const PyHashResult& r) {
        return "<hashsieve.HashResult " + to_hex(r.pdq.hash) + " quality=" + std::to_string(r.pdq.quality) + ">";
      });

  m.def(
      "hash",
      [](pb::handle source, bool dihedral, const std::string& flavor, uint64_t max_pixels, const std::string& order,
         const std::string& simd) {
        PdqOptions options;
        options.dihedral = dihedral;
        options.flavor = take(parse_flavor(flavor));
        options.simd = take(parse_simd_level(simd));
        DecodeLimits limits;
        limits.max_pixels = max_pixels;
        Source src;
        check(make_source(source, take(parse_channel_order(order)), &src));
        Result<HashOutput> out = Status(StatusCode::kInternal, "not run");
        {
          pb::gil_scoped_release release;
          out = hash_source(src, options, limits);
        }
        HashOutput o = take(std::move(out));
        return PyHashResult{o.pdq, o.width, o.height};
      },
      pb::arg("source"), pb::kw_only(), pb::arg("dihedral") = false, pb::arg("flavor") = "fullres",
      pb::arg("max_pixels") = DecodeLimits{}.max_pixels, pb::arg("order") = "rgb", pb::arg("simd") = "auto",
      R"doc(Computes the PDQ hash of one image.

source: encoded image bytes (bytes, bytearray, memoryview), a path (str or os.PathLike), or
decoded pixels: a uint8 array of shape HxW (gray), HxWx3 (RGB) or HxWx4 (RGBA, alpha ignored),
any strides (read in place when each row is packed pixels, else copied once).
dihedral: also compute the eight rotations and mirrors (.dihedral).
flavor: "fullres" (canonical, what hash lists hold) or "cli512" (the reference CLI's squash).
max_pixels: larger images are refused before decoding (ImageTooLarge).
order: "rgb" or "bgr" (OpenCV arrays) for 3- and 4-channel pixels.
simd: "auto", "scalar" or "avx2".

Raises DecodeError (not an image), ImageTooLarge, ImageTooSmall (under 5x5), IoError (path),
ValueError (InvalidArgument: wrong type, dtype or shape). The GIL is released while hashing.)doc");

  m.def(
      "_reads_in_place",
      [](pb::handle pixels) {
        Source src;
        check(make_source(pixels, ChannelOrder::kRgb, &src));
        return src.pixels_in_place();
      },
      pb::arg("pixels"), "True when a pixel array's rows are read where they are, without a packing copy.");
}

}  // namespace hashsieve::py
