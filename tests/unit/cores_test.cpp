// usable_cores() counts the cores the process may run on (its affinity mask), not the host's.
#include <gtest/gtest.h>

#include "hashsieve/cores.h"
#include "tests/support/one_core_mask.h"

namespace hashsieve {
namespace {

TEST(UsableCores, FollowTheAffinityMask) {
  const unsigned before = usable_cores();
  int mask_cores = 0;
  unsigned narrowed = 0;
  {
    testing::OneCoreMask one;  // this thread only
    ASSERT_TRUE(one.narrowed());
    mask_cores = one.cores_before();
    narrowed = usable_cores();
  }
  EXPECT_EQ(before, unsigned(mask_cores));
  EXPECT_EQ(narrowed, 1u);
  EXPECT_EQ(usable_cores(), before);
}

}  // namespace
}  // namespace hashsieve
