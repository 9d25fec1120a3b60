// One line of hashes as the hash-line shapes give it (see parse_line).
#pragma once

#include <string>
#include <string_view>

#include "hashsieve/digests.h"
#include "hashsieve/hash256.h"

namespace hashsieve::lists {

enum class LineKind { kBlank, kHash, kDigest, kOtherSignal, kBad };

struct ParsedLine {
  LineKind kind = LineKind::kBad;
  Hash256 hash;
  int quality = -1;
  std::string path;       // the file named by `hash,quality,path` or `filename=`
  std::string transform;  // `ROTATE90 pdq <hash>`
  std::string trailing;   // what follows the hash
  std::string why;        // kBad: the reason
  int digest_kind = -1;   // kDigest: `video_md5 <hex>`, `md5 <hex>`, `sha256 <hex>` ...
  std::string digest;     // kDigest: the raw bytes
};

ParsedLine parse_line(std::string_view line);

}  // namespace hashsieve::lists
