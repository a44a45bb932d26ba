# CMake toolchain for building ct's dependencies with musl-gcc against the
# ct sysroot (see mk/sysroot.sh), and nothing else: no glibc-built library or
# header from the host may be found by find_library/find_path/pkg-config.
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=mk/toolchain-musl.cmake -DCT_SYSROOT=DIR ...
#
# CT_SYSROOT may also come from the environment.

if(NOT CT_SYSROOT)
  set(CT_SYSROOT "$ENV{CT_SYSROOT}")
endif()
if(NOT CT_SYSROOT)
  message(FATAL_ERROR "toolchain-musl.cmake: set CT_SYSROOT to the sysroot directory")
endif()
# try_compile() projects read this file again; pass the variable on to them.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CT_SYSROOT)

# Not a cross build (host and target are both x86_64 Linux), so
# CMAKE_SYSTEM_NAME stays unset and check_c_source_runs() still works.
set(CMAKE_C_COMPILER musl-gcc)

# musl-gcc's specs already pass -nostdinc and musl's include dir; the kernel
# UAPI headers and the other dependencies come from the sysroot only.
# Separate sections let consumers drop unused code with --gc-sections.
set(CMAKE_C_FLAGS_INIT "-ffunction-sections -fdata-sections -isystem ${CT_SYSROOT}/include")

# Confine find_library/find_path/find_package to the sysroot; programs
# (gperf, sh, ...) still come from the host.
set(CMAKE_FIND_ROOT_PATH "${CT_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config would otherwise report the host's glibc-built libraries.
set(ENV{PKG_CONFIG_LIBDIR} "${CT_SYSROOT}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
