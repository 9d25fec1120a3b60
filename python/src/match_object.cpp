#include "match_object.h"

#include <new>
#include <string>
#include <utility>

#include "hashsieve/digests.h"
#include "hashsieve/pdq.h"
#include "json_value.h"

namespace hashsieve::py {

namespace {

struct MatchObject {
  PyObject_HEAD
  ScanMatch m;
  bool has_transform;
};

PyTypeObject match_type{};  // filled in by bind_match_type

const ScanMatch& of(PyObject* self) { return reinterpret_cast<MatchObject*>(self)->m; }

PyObject* text(const std::string& s) { return PyUnicode_FromStringAndSize(s.data(), Py_ssize_t(s.size())); }

// Names ("rot90", "pdq", ...) are static strings: each is made a Python str once.
PyObject* interned(const char* name) { return PyUnicode_InternFromString(name); }

void match_dealloc(PyObject* self) {
  reinterpret_cast<MatchObject*>(self)->m.~ScanMatch();
  Py_TYPE(self)->tp_free(self);
}

PyObject* get_list(PyObject* self, void*) { return text(of(self).list); }
PyObject* get_entry_id(PyObject* self, void*) { return text(of(self).entry_id); }
PyObject* get_distance(PyObject* self, void*) { return PyLong_FromLong(of(self).distance); }

PyObject* get_transform(PyObject* self, void*) {
  if (!reinterpret_cast<MatchObject*>(self)->has_transform) Py_RETURN_NONE;
  return interned(dihedral_name(of(self).transform));
}

PyObject* get_signal(PyObject* self, void*) { return interned(signal_name(of(self).signal)); }

PyObject* get_metadata(PyObject* self, void*) {
  try {
    return parse_metadata(of(self).metadata).release().ptr();
  } catch (pb::error_already_set& e) {
    e.restore();
    return nullptr;
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
    return nullptr;
  }
}

PyObject* match_repr(PyObject* self) {
  const auto* x = reinterpret_cast<MatchObject*>(self);
  try {
    std::string s = "<hashsieve.Match " + x->m.list + "/" + x->m.entry_id +
                    " distance=" + std::to_string(x->m.distance) +
                    (x->has_transform ? std::string(" transform=") + dihedral_name(x->m.transform) : "") + ">";
    return text(s);
  } catch (const std::bad_alloc&) {
    return PyErr_NoMemory();
  }
}

PyGetSetDef match_getset[] = {
    {"list", get_list, nullptr, "The list the entry belongs to.", nullptr},
    {"entry_id", get_entry_id, nullptr, "The entry's id in its list.", nullptr},
    {"distance", get_distance, nullptr, "Hamming distance 0..256.", nullptr},
    {"transform", get_transform, nullptr,
     "Which rotation or mirror of the upload matched ('orig', 'rot90', ...); None for given hashes.", nullptr},
    {"metadata", get_metadata, nullptr, "The entry's metadata from its list (parsed JSON), or None.", nullptr},
    {"signal", get_signal, nullptr,
     "What matched: 'pdq', or 'md5', 'sha1', 'sha256', 'sha512' for the upload's bytes.", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

}  // namespace

PyObject* new_match(ScanMatch&& m, bool has_transform) noexcept {
  PyObject* self = match_type.tp_alloc(&match_type, 0);
  if (!self) return nullptr;
  auto* x = reinterpret_cast<MatchObject*>(self);
  new (&x->m) ScanMatch(std::move(m));  // moves: no allocation
  x->has_transform = has_transform;
  return self;
}

void bind_match_type(pb::module_& m) {
  Py_SET_REFCNT(reinterpret_cast<PyObject*>(&match_type), 1);  // a static type: never freed
  match_type.tp_name = "hashsieve._native.Match";
  match_type.tp_basicsize = sizeof(MatchObject);
  match_type.tp_flags = Py_TPFLAGS_DEFAULT;  // holds no Python objects: no GC tracking needed
  match_type.tp_doc = "One list entry an image or hash matched.";
  match_type.tp_dealloc = match_dealloc;
  match_type.tp_repr = match_repr;
  match_type.tp_getset = match_getset;
  if (PyType_Ready(&match_type) < 0) throw pb::error_already_set();
  Py_INCREF(&match_type);
  m.add_object("Match", reinterpret_cast<PyObject*>(&match_type));
}

}  // namespace hashsieve::py
