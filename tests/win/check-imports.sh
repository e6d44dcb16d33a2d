#!/bin/sh
# Every .exe of a Windows build tree imports only DLLs that come with Windows (and Wine):
# no libgcc_s_seh-1.dll, libwinpthread-1.dll or cmocka.dll that would have to ship beside it.
# Usage: check-imports.sh BUILD_DIR
set -eu
dir=$1
objdump=x86_64-w64-mingw32-objdump
allowed='^(kernel32|msvcrt|ws2_32|bcrypt|advapi32|user32|shell32|ole32|ntdll|api-ms-win-[a-z0-9-]+)\.dll$'
n=0 bad=0
for exe in $(find "$dir" -name '*.exe' -not -path '*/CMakeFiles/*' | sort); do
	n=$((n + 1))
	for dll in $("$objdump" -p "$exe" | sed -n 's/^[[:space:]]*DLL Name: //p'); do
		lower=$(printf '%s' "$dll" | tr 'A-Z' 'a-z')
		if ! printf '%s\n' "$lower" | grep -Eq "$allowed"; then
			echo "$exe imports $dll"
			bad=1
		fi
	done
done
if [ "$n" = 0 ]; then
	echo "no .exe files under $dir"
	exit 1
fi
[ "$bad" = 0 ] && echo "$n executables import only system DLLs"
exit "$bad"
