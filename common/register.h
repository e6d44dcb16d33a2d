/* Registering a service for as long as a tool serves it: hvnc -l hv:SERVICE --register
 * [NAME] and hvping -l ... --register. One registration per process.
 *
 *   if (opt.reg) hvt_register_serving(&addr.service, name, "hvnc", verbose);  (may exit)
 *   ... serve ...                          (the entry goes at exit, Ctrl-C and console close)
 *
 * The live registry only (Windows host). What it adds it removes again; an entry that was
 * there before is left alone. */
#ifndef HVT_REGISTER_H
#define HVT_REGISTER_H

#include "addr.h"
#include "guid.h"

/* Registers service g as name (NULL: "vsock port N" or "hvtools service") with ToolName tool
 * in the live registry unless some key registers it already, and arranges its removal when
 * the process ends (atexit, and hvt_on_close for a console close, logoff or shutdown).
 * On failure prints why and exits: 2 where there is no host registry (Linux, a Hyper-V
 * guest: registration happens on the host; the line names the hvreg command to run there),
 * 1 otherwise (access denied: with the elevated hvreg command to run instead). */
void hvt_register_serving(const hvt_guid *g, const char *name, const char *tool, int verbose);

/* --register[=NAME] of a listener on address a: a usage error (exit 2) unless a is an hv:
 * address and NAME a valid friendly name; then hvt_register_serving(a's service). */
void hvt_register_listen(const struct hvt_addr *a, const char *name, const char *tool, int verbose);

/* Removes what hvt_register_serving added, once (later calls do nothing). */
void hvt_register_undo(void);

/* The name hvreg and --register give a service without one: "vsock port N" for a GUID of the
 * vsock template, else "hvtools service". */
void hvt_service_default_name(const hvt_guid *g, char *buf, size_t len);

#endif
