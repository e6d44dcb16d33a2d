# Included at the end of tests/CMakeLists.txt when tests run through an emulator (the
# Windows tree, tests/win/build.sh): one wineserver is kept alive for the whole ctest run, so
# each Windows program starts in well under 0.1 s instead of 1-2 s.
#   ${P}wine/start  creates the prefix (.cache/wine) and starts `wineserver -p`
#   ${P}wine/stop   `wineserver -k`
# Every other test of this directory requires that fixture; ctest adds start/stop to any
# selection (-R) that contains one of them.
set(wine_run ${CMAKE_CURRENT_SOURCE_DIR}/win/wine-run)

get_property(hvt_win_tests DIRECTORY PROPERTY TESTS)

add_test(NAME ${P}wine/start COMMAND ${wine_run} --start)
set_tests_properties(${P}wine/start PROPERTIES FIXTURES_SETUP hvt_wine TIMEOUT 300)
add_test(NAME ${P}wine/stop COMMAND ${wine_run} --stop)
set_tests_properties(${P}wine/stop PROPERTIES FIXTURES_CLEANUP hvt_wine TIMEOUT 60)

# The executables must import only system DLLs (static libgcc and C runtime).
add_test(NAME ${P}win/imports
	 COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/win/check-imports.sh ${PROJECT_BINARY_DIR})
list(APPEND hvt_win_tests ${P}win/imports)

foreach(t ${hvt_win_tests})
  set_tests_properties(${t} PROPERTIES FIXTURES_REQUIRED hvt_wine)
endforeach()
