// Marks the public API. The library is built with hidden visibility, so only what carries
// HASHSIEVE_API (classes, free functions) is exported from the shared object.
#pragma once

#if defined(HASHSIEVE_STATIC_DEFINE)
#define HASHSIEVE_API
#else
// The attribute form (not __attribute__) so that it combines with [[nodiscard]] on a class.
#define HASHSIEVE_API [[gnu::visibility("default")]]
#endif
