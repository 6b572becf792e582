# trailerlab_apply_warnings(<target>): the project's warning set on one target.
# Developer mode turns warnings into errors; sanitizers are applied globally
# because they must cover every object linked into a test.
function(trailerlab_apply_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                         -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual)
  if(TRAILERLAB_DEVELOPER_MODE)
    target_compile_options(${target} PRIVATE -Werror)
    # GCC 12's -Wrestrict reports impossible overlaps inside std::string's own copies
    # once operator+ is inlined (GCC bug 105329): noise, not findings, that would stop
    # the build here.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
       AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      target_compile_options(${target} PRIVATE -Wno-restrict)
    endif()
  endif()
endfunction()

if(TRAILERLAB_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
