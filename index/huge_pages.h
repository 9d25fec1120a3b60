// An allocator for the index's large, randomly read arrays: big blocks are 2 MiB aligned and
// advised as transparent huge pages before first touch, so a random read costs a cache miss but
// rarely also a TLB miss and page walk (with 4 KiB pages, 10M hashes span 78,000 pages).
#pragma once

#include <sys/mman.h>

#include <cstdlib>
#include <new>
#include <utility>

namespace hashsieve::detail {

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr size_t kHuge = size_t(2) << 20;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  T* allocate(size_t n) {
    size_t bytes = n * sizeof(T);
    size_t align = bytes >= kHuge ? kHuge : 64;
    size_t rounded = (bytes + align - 1) / align * align;
    void* p = std::aligned_alloc(align, rounded ? rounded : align);
    if (!p) throw std::bad_alloc();
    if (align == kHuge) (void)madvise(p, rounded, MADV_HUGEPAGE);  // advice only: fine if refused
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) noexcept { std::free(p); }
  // resize() default-initialises instead of zeroing: every table is written in full after it,
  // and a zeroing pass over fresh pages would only double the page-fault work.
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    if constexpr (sizeof...(Args) == 0)
      ::new (static_cast<void*>(p)) U;
    else
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const noexcept { return true; }
};

}  // namespace hashsieve::detail
