# One warning set for every target. -Wconversion is on: sizes and ports are narrowed often here
# and each narrowing should be a visible cast.
set(HVT_WARNINGS -Wall -Wextra -Wshadow -Wconversion -Wsign-conversion -Wpointer-arith
    -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wformat=2 -Wundef -Wcast-qual
    -Wwrite-strings -Wimplicit-fallthrough)
add_compile_options(${HVT_WARNINGS})
if(HVT_WERROR)
  add_compile_options(-Werror)
endif()
