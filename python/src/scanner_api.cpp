// hashsieve.Scanner: scans over the library's Scanner, with per-item results and the GIL released.
#include <pybind11/stl.h>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <mutex>
#include <unordered_map>

#include "bindings.h"
#include "errors.h"
#include "hashes.h"
#include "hashing.h"
#include "json_value.h"
#include "match_lists.h"
#include "scan_entry.h"
#include "sources.h"
#include "scanner_binding.h"
#include "store.h"

namespace hashsieve::py {

namespace {

ScanResult error_result(Status s) {
  ScanResult r;
  r.outcome = ScanOutcome::kError;
  r.status = std::move(s);
  return r;
}

// One item, no GIL.
ScanResult scan_source(const PyScanner& s, Source& src, const ScanCall& call) {
  Status prepared = src.prepare(s.limits().max_bytes);
  if (!prepared.ok()) return error_result(std::move(prepared));
  if (src.kind() == Source::Kind::kPixels) {
    Status limit = check_pixel_limits(src.pixels(), s.limits());
    if (!limit.ok()) return error_result(std::move(limit));
    return s.scanner->scan_image(src.pixels(), call);
  }
  return s.scanner->scan_buffer(src.data(), src.size(), call);
}

pb::object generation_dict(const GenerationInfo& g) {
  pb::dict d;
  d["number"] = g.number;
  d["entries"] = g.entries;
  pb::dict lists;
  for (const auto& [name, n] : g.lists) lists[pb::str(name)] = n;
  d["lists"] = lists;
  return d;
}

std::vector<std::string> opt_strings(const std::optional<std::vector<std::string>>& v) {
  return v ? *v : std::vector<std::string>();
}

}  // namespace

void bind_scanner(pb::module_& m) {
  bind_cancel_token(m);
  pb::class_<PyMatch>(m, "Match", "One list entry an image or hash matched.")
      .def_property_readonly("list", [](const PyMatch& x) { return x.m.list; })
      .def_property_readonly("entry_id", [](const PyMatch& x) { return x.m.entry_id; })
      .def_property_readonly("distance", [](const PyMatch& x) { return x.m.distance; }, "Hamming distance 0..256.")
      .def_property_readonly("transform", [](const PyMatch& x) -> pb::object {
        if (!x.has_transform) return pb::none();
        return pb::str(dihedral_name(x.m.transform));
      }, "Which rotation or mirror of the upload matched ('orig', 'rot90', ...); None for given hashes.")
      .def_property_readonly("metadata", [](const PyMatch& x) { return parse_metadata(x.m.metadata); },
                             "The entry's metadata from its list (parsed JSON), or None.")
      .def_property_readonly("signal", [](const PyMatch& x) { return signal_name(x.m.signal); },
                             "What matched: 'pdq', or 'md5', 'sha1', 'sha256', 'sha512' for the upload's bytes.")
      .def("__repr__", [](const PyMatch& x) {
        return "<hashsieve.Match " + x.m.list + "/" + x.m.entry_id + " distance=" + std::to_string(x.m.distance) +
               (x.has_transform ? std::string(" transform=") + dihedral_name(x.m.transform) : "") + ">";
      });

  pb::class_<PyScanResult>(m, "ScanResult", "The outcome of scanning one image.")
      .def_property_readonly("outcome", [](const PyScanResult& x) { return scan_outcome_name(x.r.outcome); },
                             "'match', 'no_match', 'low_quality' or 'error'.")
      .def_property_readonly("quality", [](const PyScanResult& x) { return x.r.quality; })
      .def_property_readonly("error", [](const PyScanResult& x) -> pb::object {
        if (x.r.outcome != ScanOutcome::kError) return pb::none();
        return error_object(x.r.status);
      }, "For outcome 'error': the exception (a hashsieve.Error with .code) saying why; else None.")
      .def_property_readonly("matches", [](const PyScanResult& x) {
        pb::list out;
        for (const ScanMatch& sm : x.r.matches) out.append(PyMatch{sm, true});
        return out;
      }, "Matches sorted by distance, list, entry id.")
      .def_property_readonly("hash", [](const PyScanResult& x) -> pb::object {
        if (x.r.outcome == ScanOutcome::kError) return pb::none();
        return pb::str(to_hex(x.r.hash));
      }, "The upload's PDQ hash (hex). Sensitive: it can be partly inverted; do not log it.")
      .def_property_readonly("reduced", [](const PyScanResult& x) { return x.r.reduced; },
                             "True for fast decoding: not the canonical hash.")
      .def_property_readonly("generation", [](const PyScanResult& x) { return x.r.generation; },
                             "The index generation that answered.")
      .def("__repr__", [](const PyScanResult& x) {
        std::string s = std::string("<hashsieve.ScanResult ") + scan_outcome_name(x.r.outcome);
        if (x.r.outcome == ScanOutcome::kError) s += " " + x.r.status.to_string();
        else s += " quality=" + std::to_string(x.r.quality) + " matches=" + std::to_string(x.r.matches.size());
        return s + ">";
      });

  pb::class_<PyScanner>(m, "Scanner", R"doc(Scans images against the lists of a Store.

Scanner(store, *, lists=None, radius=None, dihedral=True, min_quality=50, fast=False, ...)
lists: names to match (None: all); radius: 0..256 for every list (None: each list's own);
list_radius: {name: radius}; allow: [(list, entry_id), ...] never to report; dihedral: match
rotated and mirrored copies too; min_quality: lower-quality images are 'low_quality' and not
matched unless match_low_quality; fast: large JPEGs from DCT block means (not canonical);
max_pixels: larger images are refused before decoding; order: 'rgb' or 'bgr' for pixel arrays.
Thread-safe: scan() may be called from many threads at once; the GIL is released while scanning.)doc")
      .def(pb::init([](const PyStore& store, std::optional<std::vector<std::string>> lists, std::optional<int> radius,
                       bool dihedral, int min_quality, bool fast, bool match_low_quality,
                       std::optional<std::map<std::string, int>> list_radius,
                       std::optional<std::vector<std::pair<std::string, std::string>>> allow, uint64_t max_pixels,
                       bool constant_time, const std::string& order, const std::string& flavor,
                       const std::string& simd) {
             ScanOptions o;
             o.lists = opt_strings(lists);
             o.radius = radius.value_or(-1);
             if (radius && (*radius < 0 || *radius > 256))
               check(Status(StatusCode::kInvalidArgument, "radius must be 0..256"));
             if (list_radius) o.list_radius.assign(list_radius->begin(), list_radius->end());
             if (allow) o.allow = *allow;
             o.dihedral = dihedral;
             o.min_quality = min_quality;
             o.match_low_quality = match_low_quality;
             o.decode = fast ? DecodeMode::kFastJpeg : DecodeMode::kExact;
             o.limits.max_pixels = max_pixels;
             o.constant_time = constant_time;
             o.flavor = take(parse_flavor(flavor));
             o.simd = take(parse_simd_level(simd));
             auto s = std::make_unique<PyScanner>();
             s->store = store.store;
             s->order = take(parse_channel_order(order));
             Result<std::unique_ptr<Scanner>> created = Status(StatusCode::kInternal, "not run");
             {
               pb::gil_scoped_release release;
               created = Scanner::Create(*s->store, o);
             }
             s->scanner = take(std::move(created));
             return s;
           }),
           pb::arg("store"), pb::kw_only(), pb::arg("lists") = pb::none(), pb::arg("radius") = pb::none(),
           pb::arg("dihedral") = true, pb::arg("min_quality") = 50, pb::arg("fast") = false,
           pb::arg("match_low_quality") = false, pb::arg("list_radius") = pb::none(), pb::arg("allow") = pb::none(),
           pb::arg("max_pixels") = DecodeLimits{}.max_pixels, pb::arg("constant_time") = false,
           pb::arg("order") = "rgb", pb::arg("flavor") = "fullres", pb::arg("simd") = "auto")
      .def("scan",
           [](const PyScanner& s, pb::handle source, std::optional<std::vector<std::string>> lists,
              std::optional<int> radius, std::optional<double> timeout, const PyCancelToken* cancel) {
             CallParams p = make_call(lists, radius, timeout, cancel);
             Source src;
             check(make_source(source, s.order, &src));
             PyScanResult out;
             {
               pb::gil_scoped_release release;
               out.r = scan_source(s, src, p.call);
             }
             return out;
           },
           pb::arg("source"), pb::kw_only(), pb::arg("lists") = pb::none(), pb::arg("radius") = pb::none(),
           pb::arg("timeout") = pb::none(), pb::arg("cancel") = nullptr,
           R"doc(Scans one image: encoded bytes, a path, or a uint8 pixel array (as for hash()).

Returns a ScanResult; an image that cannot be scanned is outcome 'error' with .error set. A
source of the wrong type, dtype or shape raises ValueError.
Per call, without rebuilding the index: lists (a subset of the scanner's), radius (0..256 for
every list), timeout (seconds; past it the item stops and reports Cancelled), cancel (a
CancelToken).)doc")
      .def("scan_many",
           [](const PyScanner& s, pb::iterable sources, int threads, std::optional<std::vector<std::string>> lists,
              std::optional<int> radius, std::optional<double> timeout, const PyCancelToken* cancel) {
             CallParams p = make_call(lists, radius, timeout, cancel);
             std::vector<Source> srcs;
             std::vector<Status> bad;
             for (pb::handle item : sources) {
               srcs.emplace_back();
               bad.push_back(make_source(item, s.order, &srcs.back()));
             }
             if (threads < 0) check(Status(StatusCode::kInvalidArgument, "threads must be >= 0"));
             std::vector<ScanResult> results(srcs.size());
             {
               pb::gil_scoped_release release;
               tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
               arena.execute([&] {
                 tbb::parallel_for(tbb::blocked_range<size_t>(0, srcs.size(), 1), [&](const tbb::blocked_range<size_t>& r) {
                   for (size_t i = r.begin(); i != r.end(); ++i) {
                     results[i] = bad[i].ok() ? scan_source(s, srcs[i], p.call) : error_result(bad[i]);
                     results[i].index = i;
                   }
                 });
               });
             }
             pb::list out(results.size());
             for (size_t i = 0; i < results.size(); ++i)
               PyList_SET_ITEM(out.ptr(), i, pb::cast(PyScanResult{std::move(results[i])}).release().ptr());
             return out;
           },
           pb::arg("sources"), pb::arg("threads") = 0, pb::kw_only(), pb::arg("lists") = pb::none(),
           pb::arg("radius") = pb::none(), pb::arg("timeout") = pb::none(), pb::arg("cancel") = nullptr,
           R"doc(Scans many images in parallel (threads: 0 = all cores); results in input order.

Each item fails on its own: a bad item (undecodable, wrong type) is an 'error' result, never an
exception for the batch. lists, radius, timeout and cancel as for scan(); past the timeout or
once cancelled, items not yet started report Cancelled without being opened.)doc")
      .def("match",
           [](const PyScanner& s, pb::handle hashes, std::optional<std::vector<std::string>> lists,
              std::optional<int> radius, std::optional<double> timeout, const PyCancelToken* cancel, int threads) {
             CallParams p = make_call(lists, radius, timeout, cancel);
             if (threads < 0) check(Status(StatusCode::kInvalidArgument, "threads must be >= 0"));
             p.call.threads = threads;
             return match_lists(*s.scanner, hashes, p.call, threads);
           },
           pb::arg("hashes"), pb::kw_only(), pb::arg("lists") = pb::none(), pb::arg("radius") = pb::none(),
           pb::arg("timeout") = pb::none(), pb::arg("cancel") = nullptr, pb::arg("threads") = 0,
           R"doc(Matches hashes the caller already has against the scanner's lists, radii and
allow list. Returns one list of Match per hash, nearest first (no quality gate: the hashes carry
no quality). The hashes are matched in parallel (threads: 0 = all cores).

hashes: a sequence of hex strings and/or 32-byte values; or, without a Python object per hash
(the fast path for large batches), n*32 bytes in one buffer (bytes, bytearray, memoryview) or an
(n, 32) uint8 numpy array of any strides. A malformed hash raises ValueError naming its position,
a buffer of the wrong shape or dtype ValueError saying why. lists, radius, timeout and cancel as
for scan() (a timeout or cancel raises Cancelled).)doc")
      .def("reload",
           [](PyScanner& s) {
             Result<GenerationInfo> info = Status(StatusCode::kInternal, "not run");
             {
               pb::gil_scoped_release release;
               info = s.scanner->reload();
             }
             GenerationInfo g = take(std::move(info));
             return generation_dict(g);
           },
           R"doc(Builds a new index generation from the store's current lists and swaps it in; scans
already running finish on the old one. Returns {'number', 'entries', 'lists': {name: entries}}.)doc")
      .def_property_readonly("generation", [](const PyScanner& s) { return generation_dict(s.scanner->generation()); },
                             "{'number', 'entries', 'lists': {name: entries}} of the current generation.");
}

}  // namespace hashsieve::py
