// The Python Store: one open hash-list database, shared with the scanners built on it.
#pragma once

#include <memory>
#include <string>

#include "hashsieve/hash_store.h"

namespace hashsieve::py {

struct PyStore {
  std::shared_ptr<HashStore> store;
  std::string path;
};

}  // namespace hashsieve::py
