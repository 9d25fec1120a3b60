#include "engine/digest_costs.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace hashsieve {

DigestCosts digest_costs(bool sha_extensions) noexcept {
  //                      MD5  SHA-1  SHA-256  SHA-512
  if (sha_extensions) return {50, 20, 22, 58};
  return {50, 35, 75, 53};
}

bool cpu_has_sha_extensions() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  return (ebx >> 29) & 1u;
#else
  return false;
#endif
}

const DigestCosts& digest_costs_for_this_cpu() noexcept {
  static const DigestCosts costs = digest_costs(cpu_has_sha_extensions());
  return costs;
}

}  // namespace hashsieve
