// Digests of an upload's bytes (OpenSSL EVP), only of the kinds the selected lists hold.
#pragma once

#include <string>

#include "engine/item_scan.h"
#include "hashsieve/digests.h"
#include "hashsieve/status.h"

namespace hashsieve {

// Digests of bytes held in memory.
Result<Digests> digest_bytes(const uint8_t* data, size_t size, DigestMask kinds);

// Digests of a whole file read in 1 MiB pieces, whatever its size (a video over the image byte
// limit is digested without being held); cancellation and the deadline are checked per piece.
Result<Digests> digest_file(const std::string& path, DigestMask kinds, const ItemControl& control);

}  // namespace hashsieve
