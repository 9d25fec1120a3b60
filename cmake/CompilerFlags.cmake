# Baseline ISA for everything is x86-64-v2 (SSE4.2 + POPCNT); wider kernels live in their own
# translation units and are chosen at run time.
set(HASHSIEVE_WARNINGS -Wall -Wextra -Wno-unused-parameter)
# GCC 12 reports overlapping copies in `"text" + std::string` that cannot happen (GCC bug 105651,
# fixed in 13); the warning would otherwise fire on ordinary string building.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND HASHSIEVE_WARNINGS -Wno-restrict)
endif()
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(HASHSIEVE_X86 ON)
  add_compile_options(-march=x86-64-v2)
endif()
# The PDQ hasher must not fuse multiply-adds: hashes must be bit-identical to the reference.
add_compile_options(-ffp-contract=off)

# Each per-ISA file is compiled with exactly the features cpu_runs() (common/cpu_features.cpp)
# requires for its level (the files check it with #error): keep the three in step.
function(hashsieve_isa_sources sources)
  if(NOT HASHSIEVE_X86)
    return()
  endif()
  foreach(src IN LISTS sources)
    if(src MATCHES "_avx2\\.cpp$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "-mavx2;-mbmi2")
    elseif(src MATCHES "_avx512\\.cpp$")
      set_source_files_properties(${src} PROPERTIES
        COMPILE_OPTIONS "-mavx2;-mbmi2;-mavx512f;-mavx512bw;-mavx512vpopcntdq")
    endif()
  endforeach()
endfunction()
