/* A stand-in for wslhost.exe and wslrelay.exe in e2e/win_wsl: copied under those names and
 * started under Wine with `--vm-id {GUID}`, it only has to exist with that command line
 * until the test kills it (no WSL here: a fake for what this machine cannot have). */
#include <windows.h>

int main(void)
{
	for (;;)
		Sleep(1000);
}
