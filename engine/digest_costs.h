// What digesting a byte costs per kind on this CPU, for choosing which kinds an upload is
// digested with (index/digest_cover.h).
#pragma once

#include "index/digest_cover.h"

namespace hashsieve {

// Tenths of a CPU cycle per byte for OpenSSL's MD5, SHA-1, SHA-256 and SHA-512 on a large
// buffer. A fixed table chosen by one CPUID check rather than timed when a generation is built:
// a timing taken on a loaded machine can swap kinds that are close (MD5 and SHA-512), so the
// signal a match is reported by would change from one generation to the next for no reason.
//   with the x86 SHA extensions: SHA-1 and SHA-256 about 2 cycles/byte, MD5 5 (it has no
//     acceleration and is serial), SHA-512 about 6 (no SHA-512 instructions before AVX10);
//   without them (AVX2 code): SHA-1 3.5, MD5 5, SHA-512 5.3, SHA-256 7.5.
// scan_bench prints OpenSSL's measured rates beside the order this table gives.
DigestCosts digest_costs(bool sha_extensions) noexcept;

// Whether the CPU has the x86 SHA extensions (CPUID leaf 7, EBX bit 29); false off x86.
bool cpu_has_sha_extensions() noexcept;

// digest_costs(cpu_has_sha_extensions()), checked once.
const DigestCosts& digest_costs_for_this_cpu() noexcept;

}  // namespace hashsieve
