# cmake -DCHECK=cmake/CheckLayers.cmake -DWORK=<scratch folder> -P test_check_layers.cmake
# Known answers for the layering check: each case is a generated file in a pretend
# core/cf folder that may link common and data, with the verdict and the message part
# the check must print.
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(failures 0)

function(expect name verdict needle content)
  set(file "${WORK}/${name}.cpp")
  file(WRITE "${file}" "${content}")
  execute_process(COMMAND ${CMAKE_COMMAND} -DLAYER=cf "-DALLOWED=common;data" "-DFILES=${file}"
                          "-DSTAMP=${WORK}/${name}.stamp" -P "${CHECK}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(text "${out}${err}")
  if(verdict STREQUAL "pass")
    if(NOT rc EQUAL 0 OR NOT EXISTS "${WORK}/${name}.stamp")
      message(SEND_ERROR "${name}: expected to pass, got rc ${rc}:\n${text}")
    endif()
  else()
    if(rc EQUAL 0 OR EXISTS "${WORK}/${name}.stamp")
      message(SEND_ERROR "${name}: expected a layering failure, but the check passed")
    elseif(NOT text MATCHES "${needle}")
      message(SEND_ERROR "${name}: the message lacks '${needle}':\n${text}")
    endif()
  endif()
endfunction()

expect(allowed pass ""
  "#include \"core/cf/Neighbours.h\"\n#include \"core/data/Ratings.h\"\n#include \"core/common/Error.h\"\n#include <vector>\n")
expect(upward fail "upward.cpp:3: core/cf includes core/eval/Metrics.h, but core/eval is not among the folders it links"
  "#include \"core/data/Ratings.h\"\n// a comment\n#include \"core/eval/Metrics.h\"\n")
expect(spaced fail "spaced.cpp:1: core/cf includes core/features/FeatureStore.h"
  "  #  include \"core/features/FeatureStore.h\"\n")
expect(qt fail "qt.cpp:2: core/cf includes QString: the core has no Qt"
  "#include <vector>\n#include <QString>\n")
expect(qtmodule fail "qtmodule.cpp:1: core/cf includes QtCore/QObject: the core has no Qt"
  "#include <QtCore/QObject>\n")
expect(frontend fail "frontend.cpp:1: core/cf includes ui/Workbench.h: the core never includes the front ends"
  "#include \"ui/Workbench.h\"\n")
expect(cli fail "cli.cpp:1: core/cf includes app/cli/Cli.h"
  "#include \"app/cli/Cli.h\"\n")
