// usable_cores() counts the cores the process may run on (its affinity mask), not the host's.
#include <gtest/gtest.h>
#include <sched.h>

#include "hashsieve/cores.h"

namespace hashsieve {
namespace {

TEST(UsableCores, FollowTheAffinityMask) {
  cpu_set_t all;
  ASSERT_EQ(::sched_getaffinity(0, sizeof all, &all), 0);
  EXPECT_EQ(usable_cores(), unsigned(CPU_COUNT(&all)));

  int first = 0;
  while (!CPU_ISSET(first, &all)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(::sched_setaffinity(0, sizeof one, &one), 0);  // this thread only
  const unsigned narrowed = usable_cores();
  ASSERT_EQ(::sched_setaffinity(0, sizeof all, &all), 0);
  EXPECT_EQ(narrowed, 1u);
  EXPECT_EQ(usable_cores(), unsigned(CPU_COUNT(&all)));
}

}  // namespace
}  // namespace hashsieve
