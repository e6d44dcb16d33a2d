# Included by common/CMakeLists.txt on WIN32: the manifest (UTF-8 code page) goes into every
# executable that links hvtcommon. The resource object is built with windres here, not through
# CMake's RC language, which would hand windres the C warning flags; it is linked as a plain
# object so that the linker keeps it although nothing refers to it.
find_program(HVT_WINDRES NAMES ${CMAKE_RC_COMPILER} x86_64-w64-mingw32-windres windres REQUIRED)
set(hvt_manifest_obj ${CMAKE_CURRENT_BINARY_DIR}/hvtools-manifest.o)
add_custom_command(
  OUTPUT ${hvt_manifest_obj}
  COMMAND ${HVT_WINDRES} -I ${CMAKE_CURRENT_SOURCE_DIR}/win -O coff
          -i ${CMAKE_CURRENT_SOURCE_DIR}/win/manifest.rc -o ${hvt_manifest_obj}
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/win/manifest.rc ${CMAKE_CURRENT_SOURCE_DIR}/win/hvtools.manifest
  COMMENT "Building the Windows manifest resource"
  VERBATIM)
add_custom_target(hvtmanifest DEPENDS ${hvt_manifest_obj})
add_dependencies(hvtcommon hvtmanifest)
target_link_libraries(hvtcommon INTERFACE ${hvt_manifest_obj})
