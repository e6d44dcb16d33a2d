# Cross build for 64-bit Windows with Debian's mingw-w64 (gcc-mingw-w64-x86-64); tests run
# under Wine through tests/win/wine-run. Used by tests/win/build.sh:
#   cmake -S . -B build-win -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(HVT_MINGW x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${HVT_MINGW}-gcc)
set(CMAKE_RC_COMPILER ${HVT_MINGW}-windres)
set(CMAKE_AR ${HVT_MINGW}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${HVT_MINGW}-ranlib CACHE FILEPATH "")

# Headers and libraries only from the mingw root; programs (cmake helpers, sh) from the host.
# Paths outside the root (a cross-built cmocka) are named explicitly by the project.
set(CMAKE_FIND_ROOT_PATH /usr/${HVT_MINGW})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Static C runtime and libgcc: the .exe files import only system DLLs (KERNEL32, msvcrt,
# WS2_32, ...), so they run on a bare Windows and under Wine without mingw DLLs beside them.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc")

# ctest runs test executables (add_test(NAME x COMMAND x)) through Wine.
get_filename_component(HVT_WINE_RUN ${CMAKE_CURRENT_LIST_DIR}/../tests/win/wine-run ABSOLUTE)
set(CMAKE_CROSSCOMPILING_EMULATOR ${HVT_WINE_RUN})
