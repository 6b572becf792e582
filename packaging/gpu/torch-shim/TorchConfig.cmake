# Minimal stand-in for a pip PyTorch's TorchConfig.cmake, used by
# packaging/gpu/device-check.sh only when the real one fails to configure
# (typically: a CUDA PyTorch on a server without the CUDA toolkit, where
# Caffe2Config stops with "Your installed Caffe2 version uses CUDA but I cannot
# find the CUDA libraries"). TrailerLab compiles no CUDA code; it only needs
# LibTorch's headers and shared libraries, whose CUDA dependencies (cuDNN,
# cuBLAS ... from the nvidia-* wheels) libtorch_cuda.so finds by its own RUNPATH.
#
#   cmake -DTorch_DIR=packaging/gpu/torch-shim -DTORCH_SHIM_ROOT=<site-packages>/torch
#         [-DTORCH_SHIM_CXX11_ABI=0|1] ...
#
# Defines the imported target `torch` and TORCH_LIBRARIES, TORCH_INCLUDE_DIRS,
# TORCH_CXX_FLAGS like the real file.
if(NOT TORCH_SHIM_ROOT OR NOT EXISTS "${TORCH_SHIM_ROOT}/include/torch")
  set(Torch_FOUND FALSE)
  set(Torch_NOT_FOUND_MESSAGE "TORCH_SHIM_ROOT must be the torch package folder (with include/ and lib/)")
  return()
endif()
if(NOT DEFINED TORCH_SHIM_CXX11_ABI)
  set(TORCH_SHIM_CXX11_ABI 1)
endif()
set(_lib "${TORCH_SHIM_ROOT}/lib")
foreach(name torch torch_cpu c10)
  find_library(TORCH_SHIM_${name}_LIBRARY ${name} PATHS "${_lib}" NO_DEFAULT_PATH)
  if(NOT TORCH_SHIM_${name}_LIBRARY)
    set(Torch_FOUND FALSE)
    set(Torch_NOT_FOUND_MESSAGE "lib${name}.so not found in ${_lib}")
    return()
  endif()
endforeach()
find_library(TORCH_SHIM_torch_cuda_LIBRARY torch_cuda PATHS "${_lib}" NO_DEFAULT_PATH)
find_library(TORCH_SHIM_c10_cuda_LIBRARY c10_cuda PATHS "${_lib}" NO_DEFAULT_PATH)

set(TORCH_INCLUDE_DIRS "${TORCH_SHIM_ROOT}/include" "${TORCH_SHIM_ROOT}/include/torch/csrc/api/include")
set(TORCH_CXX_FLAGS "-D_GLIBCXX_USE_CXX11_ABI=${TORCH_SHIM_CXX11_ABI}")
set(_links "${TORCH_SHIM_torch_cpu_LIBRARY}" "${TORCH_SHIM_c10_LIBRARY}")
if(TORCH_SHIM_torch_cuda_LIBRARY AND TORCH_SHIM_c10_cuda_LIBRARY)
  # Nothing references libtorch_cuda's symbols directly; without --no-as-needed
  # the linker drops it and torch::cuda::is_available() says false.
  list(APPEND _links "-Wl,--no-as-needed" "${TORCH_SHIM_torch_cuda_LIBRARY}" "${TORCH_SHIM_c10_cuda_LIBRARY}"
       "-Wl,--as-needed")
  set(TORCH_SHIM_CUDA TRUE)
else()
  set(TORCH_SHIM_CUDA FALSE)
endif()
if(NOT TARGET torch)
  add_library(torch SHARED IMPORTED)
  set_target_properties(torch PROPERTIES
      IMPORTED_LOCATION "${TORCH_SHIM_torch_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${TORCH_INCLUDE_DIRS}"
      INTERFACE_COMPILE_OPTIONS "${TORCH_CXX_FLAGS}"
      INTERFACE_LINK_LIBRARIES "${_links}")
endif()
set(TORCH_LIBRARIES torch)
set(TORCH_LIBRARY "${TORCH_SHIM_torch_LIBRARY}")
set(Torch_FOUND TRUE)
message(STATUS "Torch (packaging/gpu/torch-shim): ${TORCH_SHIM_ROOT}, CUDA libraries: ${TORCH_SHIM_CUDA}, "
               "CXX11 ABI: ${TORCH_SHIM_CXX11_ABI}")
