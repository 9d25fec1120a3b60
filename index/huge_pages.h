// An allocator for the index's large, randomly read arrays: big blocks are 2 MiB aligned and
// advised as transparent huge pages before first touch, so a random read costs a cache miss but
// rarely also a TLB miss and page walk (with 4 KiB pages, 10M hashes span 78,000 pages).
#pragma once

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
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

// The index's big build-time tables: a vector's surface over HugePageAllocator memory for
// trivially copyable T, without the vector's per-element construct and destroy calls, which an
// unoptimised build makes for each of a table's hundreds of millions of bytes.
template <typename T>
class HugeArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  HugeArray() = default;
  HugeArray(HugeArray&& o) noexcept { swap(o); }
  HugeArray& operator=(HugeArray&& o) noexcept {
    HugeArray(std::move(o)).swap(*this);
    return *this;
  }
  ~HugeArray() { release(); }

  // Grows without initialising the new elements (as a vector's resize with HugePageAllocator did);
  // keeps the old ones.
  void resize(size_t n) {
    if (n > capacity_) {
      T* p = HugePageAllocator<T>().allocate(n);
      if (size_) std::memcpy(static_cast<void*>(p), data_, size_ * sizeof(T));
      release();
      data_ = p;
      capacity_ = n;
    }
    size_ = n;
  }
  void swap(HugeArray& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(capacity_, o.capacity_);
  }

  T* data() noexcept { return data_; }
  const T* data() const noexcept { return data_; }
  size_t size() const noexcept { return size_; }
  size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }
  T& operator[](size_t i) noexcept { return data_[i]; }
  const T& operator[](size_t i) const noexcept { return data_[i]; }
  T& back() noexcept { return data_[size_ - 1]; }
  T* begin() noexcept { return data_; }
  T* end() noexcept { return data_ + size_; }
  const T* begin() const noexcept { return data_; }
  const T* end() const noexcept { return data_ + size_; }

 private:
  void release() noexcept {
    if (data_) HugePageAllocator<T>().deallocate(data_, capacity_);
    data_ = nullptr;
    size_ = capacity_ = 0;
  }
  T* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
};

}  // namespace hashsieve::detail
