/* A stand-in for WSL's programs in e2e/win_wsl (no WSL here: a fake for what this machine
 * cannot have), copied under their names and started under Wine:
 *   wslhost.exe / wslrelay.exe --vm-id {GUID}: only has to exist with that command line
 *     until the test kills it;
 *   wsl.exe -- wslinfo --vm-id: prints $HVT_STANDIN_VM_ID and exits, leaving a process
 *     that holds its stdout for 30 s, as a wslhost.exe that wsl.exe starts while it boots
 *     WSL may (it inherits the handles). */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--hold") == 0) {
		Sleep(30000);
		return 0;
	}
	if (argc > 2 && strcmp(argv[2], "wslinfo") == 0) {
		const char *id = getenv("HVT_STANDIN_VM_ID");
		printf("%s\n", id ? id : "");
		fflush(stdout);
		char self[MAX_PATH], cmd[MAX_PATH + 16];
		GetModuleFileNameA(NULL, self, sizeof self);
		snprintf(cmd, sizeof cmd, "\"%s\" --hold", self);
		STARTUPINFOA si;
		PROCESS_INFORMATION pi;
		memset(&si, 0, sizeof si);
		si.cb = sizeof si;
		si.dwFlags = STARTF_USESTDHANDLES;
		si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
		si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
		si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
		if (CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
			CloseHandle(pi.hProcess);
			CloseHandle(pi.hThread);
		}
		return 0;
	}
	for (;;)
		Sleep(1000);
}
