#include "hashsieve/version.h"

namespace hashsieve {

Version version() noexcept {
  return Version{HASHSIEVE_VERSION_MAJOR, HASHSIEVE_VERSION_MINOR, HASHSIEVE_VERSION_PATCH, HASHSIEVE_VERSION_STRING};
}

}  // namespace hashsieve
