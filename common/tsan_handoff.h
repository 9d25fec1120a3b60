// Tells ThreadSanitizer about hand-offs that oneTBB orders inside its own (uninstrumented)
// library: an item passed from one pipeline stage to the next, and the consecutive calls of a
// serial stage, which may run on different threads. Without this every such hand-off is a false
// data race; with it, TSan still sees real races in our code. No-ops in other builds.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define HASHSIEVE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define HASHSIEVE_TSAN 1
#endif
#endif

#ifdef HASHSIEVE_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace hashsieve {

// Everything written before handoff_release(p) happens-before what follows handoff_acquire(p).
inline void handoff_release([[maybe_unused]] const void* p) {
#ifdef HASHSIEVE_TSAN
  __tsan_release(const_cast<void*>(p));
#endif
}
inline void handoff_acquire([[maybe_unused]] const void* p) {
#ifdef HASHSIEVE_TSAN
  __tsan_acquire(const_cast<void*>(p));
#endif
}

}  // namespace hashsieve
