# cmake -DLAYER=cf -DALLOWED="common;data" -DFILES="a.cpp;a.h" -DSTAMP=out.stamp -P CheckLayers.cmake
#
# The layering check every core library runs before it compiles (see
# trailerlab_core_library in core/CMakeLists.txt): a file of core/<LAYER> may
# include core/<LAYER> and the core folders in ALLOWED (the ones the library
# links), nothing else of the repository, and no Qt. Each violation is printed
# as file:line: reason, and the build stops.
cmake_minimum_required(VERSION 3.25)
set(problems "")
foreach(file IN LISTS FILES)
  if(NOT EXISTS "${file}")
    continue()
  endif()
  file(STRINGS "${file}" lines)
  set(n 0)
  foreach(line IN LISTS lines)
    math(EXPR n "${n} + 1")
    if(NOT line MATCHES "^[ \t]*#[ \t]*include[ \t]*([<\"])([^>\"]+)")
      continue()
    endif()
    set(path "${CMAKE_MATCH_2}")
    if(path MATCHES "^core/([A-Za-z_]+)/")
      set(folder "${CMAKE_MATCH_1}")
      if(NOT folder STREQUAL LAYER AND NOT folder IN_LIST ALLOWED)
        string(APPEND problems "${file}:${n}: core/${LAYER} includes ${path}, but core/${folder} is not among the folders it links (${ALLOWED}); add it to DEPS in core/${LAYER}/CMakeLists.txt if the dependency is meant\n")
      endif()
    elseif(path MATCHES "^(ui|app)/")
      string(APPEND problems "${file}:${n}: core/${LAYER} includes ${path}: the core never includes the front ends\n")
    elseif(path MATCHES "^Q[A-Za-z]*$" OR path MATCHES "^Qt[A-Za-z]*/")
      string(APPEND problems "${file}:${n}: core/${LAYER} includes ${path}: the core has no Qt\n")
    endif()
  endforeach()
endforeach()
if(problems)
  # NOTICE prints each line as it is (FATAL_ERROR would re-wrap the file:line: form).
  message(NOTICE "${problems}")
  message(FATAL_ERROR "core/${LAYER}: includes across the layers (listed above)")
endif()
if(STAMP)
  file(TOUCH "${STAMP}")
endif()
