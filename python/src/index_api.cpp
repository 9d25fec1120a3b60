// hashsieve.Index: the library's exact Hamming index (HashIndex) over hashes held in memory,
// for callers that keep their own lists (the python-threatexchange index is built on it).
#include <pybind11/stl.h>

#include "bindings.h"
#include "errors.h"
#include "hashes.h"
#include "hashsieve/hash_index.h"
#include "hashsieve/hash_store.h"

namespace hashsieve::py {

namespace {

struct PyIndex {
  std::shared_ptr<const HashIndex> index;
};

constexpr int kDefaultIndexRadius = kDefaultMatchRadius;  // pytx's PDQ threshold too

// Below this many queries the search runs on the calling thread: tasks would cost more.
constexpr size_t kParallelQueries = 64;

PyIndex build_index(std::vector<Hash256> hashes) {
  Result<std::unique_ptr<HashIndex>> built = Status(StatusCode::kInternal, "not run");
  {
    pb::gil_scoped_release release;
    EntrySnapshot snapshot;
    snapshot.lists.push_back(SnapshotList{0, "index", kDefaultIndexRadius, "", 0, 0});
    snapshot.entry_ids.reserve(hashes.size(), 0);
    for (const Hash256& h : hashes) snapshot.add(h, "");
    built = HashIndex::Build(std::move(snapshot));
  }
  return PyIndex{std::shared_ptr<const HashIndex>(take(std::move(built)))};
}

void check_radius(int radius) {
  if (radius < 0 || radius > 256) check(Status(StatusCode::kInvalidArgument, "radius must be 0..256"));
}

Result<std::vector<Match>> search(const HashIndex& index, const std::vector<Hash256>& queries, int radius) {
  SearchOptions options;
  options.radius = radius;
  options.parallel = queries.size() >= kParallelQueries;
  return index.search(queries.data(), queries.size(), options);
}

pb::list to_lists(const std::vector<Match>& matches, size_t queries) {
  pb::list out(queries);
  std::vector<pb::list> per(queries);
  for (size_t q = 0; q < queries; ++q) per[q] = pb::list();
  for (const Match& m : matches) {
    PyObject* pair = PyTuple_New(2);
    PyTuple_SET_ITEM(pair, 0, PyLong_FromUnsignedLong(m.entry));
    PyTuple_SET_ITEM(pair, 1, PyLong_FromLong(m.distance));
    per[m.query].append(pb::reinterpret_steal<pb::object>(pair));
  }
  for (size_t q = 0; q < queries; ++q) PyList_SET_ITEM(out.ptr(), q, per[q].release().ptr());
  return out;
}

}  // namespace

void bind_index(pb::module_& m) {
  pb::class_<PyIndex>(m, "Index", R"doc(Exact Hamming search over PDQ hashes held in memory.

Index(hashes): hashes is a sequence of hex strings or 32-byte values, an (n, 32) uint8 array
(any strides) or n*32 bytes in one buffer.
Entries are numbered 0..n-1 in that order (duplicates are separate entries). Every entry within
the radius is found (100% recall). Immutable; safe to query from many threads; picklable.)doc")
      .def(pb::init([](pb::handle hashes) {
             std::vector<Hash256> parsed;
             check(parse_hashes(hashes, &parsed));
             return build_index(std::move(parsed));
           }),
           pb::arg("hashes"))
      .def("__len__", [](const PyIndex& i) { return i.index->size(); })
      .def("query",
           [](const PyIndex& i, pb::handle hash, int radius) {
             check_radius(radius);
             std::vector<Hash256> q(1);
             check(parse_hash(hash, &q[0]));
             Result<std::vector<Match>> found = Status(StatusCode::kInternal, "not run");
             {
               pb::gil_scoped_release release;
               found = search(*i.index, q, radius);
             }
             pb::list one = to_lists(take(std::move(found)), 1);
             return pb::object(one[0]);
           },
           pb::arg("hash"), pb::arg("radius") = kDefaultIndexRadius,
           "[(entry, distance), ...] for every entry within radius of one hash, nearest first.")
      .def("search",
           [](const PyIndex& i, pb::handle queries, int radius) {
             check_radius(radius);
             std::vector<Hash256> q;
             check(parse_hashes(queries, &q));
             Result<std::vector<Match>> found = Status(StatusCode::kInternal, "not run");
             {
               pb::gil_scoped_release release;
               found = search(*i.index, q, radius);
             }
             return to_lists(take(std::move(found)), q.size());
           },
           pb::arg("queries"), pb::arg("radius") = kDefaultIndexRadius,
           "One list of (entry, distance) per query, nearest first (the queries run in parallel).")
      .def("hashes",
           [](const PyIndex& i) {
             std::string raw(i.index->size() * kHashBytes, '\0');
             for (size_t e = 0; e < i.index->size(); ++e)
               hash_to_bytes(i.index->hash(static_cast<uint32_t>(e)), reinterpret_cast<uint8_t*>(&raw[e * kHashBytes]));
             return pb::bytes(raw);
           },
           "Every entry's hash as 32 bytes, back to back, in entry order.")
      .def(pb::pickle(
          [](const PyIndex& i) {
            std::string raw(i.index->size() * kHashBytes, '\0');
            for (size_t e = 0; e < i.index->size(); ++e)
              hash_to_bytes(i.index->hash(static_cast<uint32_t>(e)), reinterpret_cast<uint8_t*>(&raw[e * kHashBytes]));
            return pb::make_tuple(1, pb::bytes(raw));
          },
          [](pb::tuple state) {
            if (state.size() != 2 || state[0].cast<int>() != 1)
              check(Status(StatusCode::kVersionMismatch, "unknown hashsieve.Index pickle format"));
            std::string raw = state[1].cast<std::string>();
            if (raw.size() % kHashBytes)
              check(Status(StatusCode::kCorruption, "hashsieve.Index pickle: truncated hashes"));
            std::vector<Hash256> hashes(raw.size() / kHashBytes);
            for (size_t e = 0; e < hashes.size(); ++e)
              hashes[e] = hash_from_bytes(reinterpret_cast<const uint8_t*>(raw.data() + e * kHashBytes));
            return build_index(std::move(hashes));
          }));
}

}  // namespace hashsieve::py
