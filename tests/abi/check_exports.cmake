# Fails when the shared library exports a symbol that is not public API: every dynamic symbol must
# lie in namespace hashsieve, and every part of its qualified name (class, function) must be a name
# declared in the public headers. Catches internal classes and functions, nested internal
# namespaces, and dependencies' symbols (std, oneTBB, OpenCV, RocksDB instantiations).
#   cmake -DLIB=libhashsieve.so -DHEADER_DIRS=include [-DMORE_HEADER_DIRS=generated/include] -P check_exports.cmake
cmake_minimum_required(VERSION 3.20)
execute_process(COMMAND nm -D --defined-only -C ${LIB} OUTPUT_VARIABLE nm_out RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "nm failed on ${LIB}")
endif()

# Every identifier that occurs in the public headers, comments stripped.
set(public_names "")
foreach(dir IN LISTS HEADER_DIRS MORE_HEADER_DIRS)
  file(GLOB headers ${dir}/hashsieve/*.h)
  foreach(h IN LISTS headers)
    file(READ ${h} text)
    string(REGEX REPLACE "//[^\n]*" "" text "${text}")
    string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" "" text "${text}")
    string(REGEX MATCHALL "[A-Za-z_][A-Za-z0-9_]*" ids "${text}")
    list(APPEND public_names ${ids})
  endforeach()
endforeach()
list(REMOVE_DUPLICATES public_names)

# Square brackets ([abi:cxx11]) and semicolons would confuse CMake's list handling.
string(REPLACE "[abi:cxx11]" "" nm_out "${nm_out}")
string(REPLACE "[" "<" nm_out "${nm_out}")
string(REPLACE "]" ">" nm_out "${nm_out}")
string(REPLACE ";" "," nm_out "${nm_out}")
string(REPLACE "\n" ";" lines "${nm_out}")

set(linker_symbols _edata _end __bss_start _init _fini)
set(bad "")
set(exported 0)
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^[0-9a-fA-F]+ [A-Za-z] (.*)$")
    continue()
  endif()
  set(sym "${CMAKE_MATCH_1}")
  if(sym IN_LIST linker_symbols)
    continue()
  endif()
  math(EXPR exported "${exported} + 1")
  set(name "${sym}")
  string(REGEX REPLACE "^(typeinfo name for|typeinfo for|vtable for|VTT for|non-virtual thunk to|virtual thunk to|guard variable for) " "" name "${name}")
  string(REGEX REPLACE "\\(.*$" "" name "${name}")  # the parameters
  foreach(i RANGE 8)  # template arguments, innermost first
    string(REGEX REPLACE "<[^<>]*>" "" name "${name}")
  endforeach()
  string(REGEX REPLACE "^.* " "" name "${name}")  # a function template's return type
  if(NOT name MATCHES "^hashsieve::(.+)$")
    list(APPEND bad "${sym}")
    continue()
  endif()
  string(REPLACE "::" ";" parts "${CMAKE_MATCH_1}")
  foreach(part IN LISTS parts)
    string(REGEX REPLACE "^~" "" part "${part}")
    string(REGEX REPLACE "^operator.*" "operator" part "${part}")
    if(NOT part IN_LIST public_names)
      list(APPEND bad "${sym}")
      break()
    endif()
  endforeach()
endforeach()

if(bad)
  list(LENGTH bad n)
  string(REPLACE ";" "\n  " shown "${bad}")
  message(FATAL_ERROR "${n} exported symbol(s) outside the public API:\n  ${shown}")
endif()
# The public API itself must be there (a library exporting nothing would pass the loop above).
foreach(required "hashsieve::Scanner::Create" "hashsieve::PdqHasher::hash" "hashsieve::HashStore::Open"
                 "hashsieve::version()")
  string(FIND "${nm_out}" "${required}" at)
  if(at LESS 0)
    message(FATAL_ERROR "the public API symbol ${required} is not exported")
  endif()
endforeach()
message(STATUS "${exported} exported symbols, all public API")
