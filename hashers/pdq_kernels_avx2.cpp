#include "hashers/pdq_kernels.h"
namespace hashsieve::pdq {
const Kernels* avx2_kernels() { return nullptr; }
}
