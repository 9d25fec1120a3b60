// Each part of the module registers its functions and classes here.
#pragma once

#include <pybind11/pybind11.h>

namespace hashsieve::py {

namespace pb = pybind11;

void bind_hash(pb::module_& m);
void bind_store(pb::module_& m);
void bind_index(pb::module_& m);
void bind_scanner(pb::module_& m);
void bind_bench(pb::module_& m);
void bind_batch(pb::module_& m);

}  // namespace hashsieve::py
