// HugeArray (index/huge_pages.h): the index's build tables. Growing keeps what was written,
// moving hands the memory over, and big arrays get the 2 MiB alignment huge pages need.
#include <gtest/gtest.h>

#include <cstdint>
#include <utility>

#include "index/huge_pages.h"

namespace hashsieve::detail {
namespace {

TEST(HugeArray, GrowingKeepsTheWrittenElements) {
  HugeArray<uint32_t> a;
  EXPECT_TRUE(a.empty());
  a.resize(1000);
  for (uint32_t i = 0; i < 1000; ++i) a[i] = i * 7 + 1;
  a.resize(3000);  // reallocates
  ASSERT_EQ(a.size(), 3000u);
  EXPECT_GE(a.capacity(), 3000u);
  for (uint32_t i = 0; i < 1000; ++i) ASSERT_EQ(a[i], i * 7 + 1) << i;
  a.resize(10);  // shrinking keeps the memory and the first elements
  EXPECT_EQ(a.size(), 10u);
  EXPECT_GE(a.capacity(), 3000u);
  EXPECT_EQ(a.back(), 9u * 7 + 1);
  EXPECT_EQ(a.end() - a.begin(), 10);
}

TEST(HugeArray, MoveAndSwapHandTheMemoryOver) {
  HugeArray<uint8_t> a;
  a.resize(5);
  a[4] = 42;
  const uint8_t* p = a.data();
  HugeArray<uint8_t> b(std::move(a));
  EXPECT_EQ(b.data(), p);
  EXPECT_EQ(b[4], 42);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  EXPECT_EQ(a.data(), nullptr);
  HugeArray<uint8_t>().swap(b);  // how the index frees a chunk's build tables
  EXPECT_EQ(b.data(), nullptr);
  EXPECT_EQ(b.capacity(), 0u);
}

TEST(HugeArray, BigArraysAreHugePageAligned) {
  HugeArray<uint64_t> big;
  big.resize((size_t(4) << 20) / sizeof(uint64_t));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(big.data()) % (size_t(2) << 20), 0u);
  HugeArray<uint64_t> small;
  small.resize(3);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(small.data()) % 64, 0u);
}

}  // namespace
}  // namespace hashsieve::detail
