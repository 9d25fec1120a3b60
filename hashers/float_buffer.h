// A reusable float buffer with 32-byte aligned storage that only grows (hasher scratch).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hashsieve::pdq {

class FloatBuffer {
 public:
  float* get(size_t n) {
    if (n + 8 > storage_.size()) storage_.assign(n + 8, 0.0f);
    auto addr = reinterpret_cast<uintptr_t>(storage_.data());
    return storage_.data() + ((32 - addr % 32) % 32) / sizeof(float);
  }

 private:
  std::vector<float> storage_;
};

}  // namespace hashsieve::pdq
