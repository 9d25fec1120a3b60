// The library's exception firewall: every public entry point that may reach code able to throw
// (std::bad_alloc, a dependency's exception) runs its body through guard_status, so no exception
// crosses the API; it becomes a Status instead.
#pragma once

#include <exception>
#include <new>
#include <string>

#include "hashsieve/status.h"

namespace hashsieve {

// `fn` returns Status or Result<T>; an exception becomes `on_bad_alloc` (out of memory) or
// kInternal with the exception's text.
template <typename Fn>
auto guard_status(Fn&& fn, StatusCode on_bad_alloc = StatusCode::kInternal) noexcept -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return Status(on_bad_alloc, "out of memory");
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("unexpected exception: ") + e.what());
  } catch (...) {
    return Status(StatusCode::kInternal, "unexpected exception");
  }
}

}  // namespace hashsieve
