/* What to run on a Hyper-V host instead of changing a registry here (hvreg --print): a list
 * of changes to service keys printed as PowerShell, reg.exe commands, .reg text, a Group
 * Policy Preferences Registry.xml, an Ansible task list or a PowerShell DSC configuration.
 *
 *   struct hvt_reg_change c[] = { { 0, "00001388-facb-...", "vsock port 5000", "podman" } };
 *   if (hvt_print_check(form, c, 1, err, sizeof err) < 0) usage error: err
 *   hvt_print_changes(stdout, form, c, 1, NULL);
 *
 * Every form sets the same values a store would (ElementName, and ToolName when tool is set)
 * under HKLM\SOFTWARE\...\GuestCommunicationServices\KEY in the 64-bit view. The gpo, ansible
 * and dsc forms are idempotent by construction (update / present / Present; delete / absent /
 * Absent), so applying them again, or on many hosts, gives the same state. */
#ifndef HVT_REGPRINT_H
#define HVT_REGPRINT_H

#include <stddef.h>
#include <stdio.h>

enum hvt_print_form {
	HVT_PRINT_NONE = 0,
	HVT_PRINT_POWERSHELL,
	HVT_PRINT_CMD,
	HVT_PRINT_REG,
	HVT_PRINT_GPO,
	HVT_PRINT_ANSIBLE,
	HVT_PRINT_DSC,
};

/* The form named s, or HVT_PRINT_NONE. */
enum hvt_print_form hvt_print_form_parse(const char *s);
/* "powershell, cmd, reg, gpo, ansible or dsc", for messages. */
extern const char hvt_print_form_names[];

struct hvt_reg_change {
	int remove;	  /* delete the key; else create it and set its values */
	const char *key;  /* service key name */
	const char *name; /* ElementName (not for remove) */
	const char *tool; /* ToolName, or NULL (not for remove) */
};

/* Whether form can say the changes and (remove_tool) the removal of every key whose ToolName
 * is remove_tool (found on the host: powershell and ansible only). Returns 0, or -1 with a
 * one-line message in err. */
int hvt_print_check(enum hvt_print_form form, const struct hvt_reg_change *c, size_t n,
		    const char *remove_tool, char *err, size_t errlen);

/* Prints the changes as form; remove_tool as for hvt_print_check (after the changes). */
void hvt_print_changes(FILE *f, enum hvt_print_form form, const struct hvt_reg_change *c, size_t n,
		       const char *remove_tool);

#endif
