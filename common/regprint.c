/* Printing registry changes for a Hyper-V host (regprint.h). Portable C11. */
#include "regprint.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "regfile.h"
#include "registry.h"
#include "strutil.h"

const char hvt_print_form_names[] = "powershell, cmd, reg, gpo, ansible or dsc";

static const char *const form_names[] = {
	NULL, "powershell", "cmd", "reg", "gpo", "ansible", "dsc"
};

enum hvt_print_form hvt_print_form_parse(const char *s)
{
	for (size_t i = 1; i < sizeof form_names / sizeof form_names[0]; i++)
		if (strcmp(s, form_names[i]) == 0)
			return (enum hvt_print_form)i;
	return HVT_PRINT_NONE;
}

int hvt_print_check(enum hvt_print_form form, const struct hvt_reg_change *c, size_t n,
		    const char *remove_tool, char *err, size_t errlen)
{
	if (remove_tool && form != HVT_PRINT_POWERSHELL && form != HVT_PRINT_ANSIBLE) {
		hvt_seterr(
			err, errlen,
			"--print %s cannot find the entries of tool '%s' on the host: use --print "
			"powershell or --print ansible (they look for ToolName there), or remove "
			"the services by GUID",
			form_names[form], remove_tool);
		return -1;
	}
	for (size_t i = 0; form == HVT_PRINT_CMD && i < n; i++)
		if (!c[i].remove && strpbrk(c[i].name, "\"%")) {
			hvt_seterr(err, errlen,
				   "--print cmd cannot pass a name containing '\"' or '%%' safely "
				   "through cmd.exe: use --print powershell or --print reg");
			return -1;
		}
	return 0;
}

/* ---- quoting ---- */

/* PowerShell single-quoted string: ' and the typographic single quotes PowerShell also
 * accepts (U+2018..U+201B) are doubled. */
static void ps_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\'') {
			fputs("''", f);
		} else if (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x98 && p[2] <= 0x9B) {
			fwrite(p, 1, 3, f);
			fwrite(p, 1, 3, f);
			p += 2;
		} else {
			fputc(*p, f);
		}
	}
	fputc('\'', f);
}

/* reg.exe argument in double quotes for cmd.exe; hvt_print_check has rejected '"' and '%'.
 * Backslashes before the closing quote are doubled (argv parsing rules). */
static void cmd_quote(FILE *f, const char *s)
{
	fputc('"', f);
	fputs(s, f);
	size_t n = strlen(s), k = 0;
	while (k < n && s[n - 1 - k] == '\\')
		k++;
	for (size_t i = 0; i < k; i++)
		fputc('\\', f);
	fputc('"', f);
}

/* YAML single-quoted scalar: only ' is special (doubled). */
static void yaml_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

/* XML attribute value in double quotes. Names have no control characters
 * (hvt_service_name_check), so nothing else needs a character reference. */
static void xml_attr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
	fputc('"', f);
}

/* root + "\\" + services path (+ "\\" + key), malloc'd (out of memory ends the program). */
static char *key_path(const char *root, const char *key)
{
	size_t n = strlen(root) + sizeof HVT_SERVICES_PATH + (key ? strlen(key) + 1 : 0) + 1;
	char *p = malloc(n);
	if (!p)
		abort();
	snprintf(p, n, "%s%s%s%s", root, HVT_SERVICES_PATH, key ? "\\" : "", key ? key : "");
	return p;
}

/* ---- the forms ---- */

static void print_powershell(FILE *f, const struct hvt_reg_change *c, size_t n,
			     const char *remove_tool)
{
	/* The 64-bit view opened explicitly: in a 32-bit PowerShell HKLM:\SOFTWARE is
	 * redirected to WOW6432Node, where Hyper-V does not look. */
	fputs("$hklm = [Microsoft.Win32.RegistryKey]::OpenBaseKey('LocalMachine', 'Registry64')\n",
	      f);
	for (size_t i = 0; i < n; i++) {
		char *path = key_path("", c[i].key);
		if (c[i].remove) {
			fputs("$hklm.DeleteSubKey(", f);
			ps_quote(f, path);
			fputs(")\n", f);
		} else {
			fputs("$key = $hklm.CreateSubKey(", f);
			ps_quote(f, path);
			fputs(")\n$key.SetValue('" HVT_SERVICE_VALUE "', ", f);
			ps_quote(f, c[i].name);
			fputs(", 'String')\n", f);
			if (c[i].tool) {
				fputs("$key.SetValue('" HVT_TOOL_VALUE "', ", f);
				ps_quote(f, c[i].tool);
				fputs(", 'String')\n", f);
			}
			fputs("$key.Close()\n", f);
		}
		free(path);
	}
	if (remove_tool) {
		fputs("$svc = $hklm.OpenSubKey(", f);
		ps_quote(f, HVT_SERVICES_PATH);
		fputs(", $true)\n"
		      "if ($svc) {\n"
		      "  foreach ($k in $svc.GetSubKeyNames()) {\n"
		      "    $s = $svc.OpenSubKey($k)\n"
		      "    $t = $s.GetValue('" HVT_TOOL_VALUE "')\n"
		      "    $s.Close()\n"
		      "    if ($t -ceq ",
		      f);
		ps_quote(f, remove_tool);
		fputs(") { $svc.DeleteSubKey($k) }\n"
		      "  }\n"
		      "  $svc.Close()\n"
		      "}\n",
		      f);
	}
}

static void print_cmd(FILE *f, const struct hvt_reg_change *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *vals[2][2] = { { HVT_SERVICE_VALUE, c[i].name },
					   { HVT_TOOL_VALUE, c[i].tool } };
		if (c[i].remove) {
			fprintf(f, "reg delete \"HKLM\\%s\\%s\" /f /reg:64\n", HVT_SERVICES_PATH,
				c[i].key);
			continue;
		}
		for (int v = 0; v < 2 && vals[v][1]; v++) {
			fprintf(f, "reg add \"HKLM\\%s\\%s\" /v %s /t REG_SZ /d ",
				HVT_SERVICES_PATH, c[i].key, vals[v][0]);
			cmd_quote(f, vals[v][1]);
			fputs(" /f /reg:64\n", f);
		}
	}
}

static void reg_value(FILE *f, const char *name, const char *text)
{
	char *q;
	if (hvt_regfile_quote(text, &q) < 0)
		abort();
	fprintf(f, "\"%s\"=%s\n", name, q);
	free(q);
}

static void print_reg(FILE *f, const struct hvt_reg_change *c, size_t n)
{
	fputs("Windows Registry Editor Version 5.00\n\n", f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "[%s%s\\%s]\n", c[i].remove ? "-" : "", HVT_SERVICES_KEY, c[i].key);
		if (!c[i].remove) {
			reg_value(f, HVT_SERVICE_VALUE, c[i].name);
			if (c[i].tool)
				reg_value(f, HVT_TOOL_VALUE, c[i].tool);
		}
		fputc('\n', f);
	}
}

/* A GPP item's uid: a GUID made from what the item does, so that printing the same change
 * again gives the same file (and GPMC sees the same item). */
static void gpo_uid(FILE *f, const char *key, const char *value, int remove)
{
	uint64_t a = hvt_ci_hash(key, strlen(key)), b = hvt_ci_hash(value, strlen(value));
	b ^= remove ? 0x9E3779B97F4A7C15u : 0;
	b = b * 0xBF58476D1CE4E5B9u + a;
	fprintf(f, "{%08lX-%04lX-%04lX-%04lX-%012llX}", (unsigned long)(a >> 32),
		(unsigned long)((a >> 16) & 0xFFFF), (unsigned long)(0x4000 | ((a >> 4) & 0x0FFF)),
		(unsigned long)(0x8000 | ((b >> 48) & 0x3FFF)),
		(unsigned long long)(b & 0xFFFFFFFFFFFFull));
}

/* One <Registry> item: action U (update: create the key and value, or set the value) for a
 * value, D (delete) with no value name for a key. [MS-GPPREF] 2.2.1.6 (Registry) and its
 * class ids; checked here with an XML parser for that shape only, not by a Group Policy
 * client (no Windows domain here). */
static void gpo_item(FILE *f, const char *key, const char *vname, const char *value)
{
	int remove = vname == NULL;
	fputs("  <Registry clsid=\"{9CD4B2F4-923D-47f5-A062-E897DD1DAD50}\" name=", f);
	xml_attr(f, remove ? key : vname);
	fputs(" status=", f);
	xml_attr(f, remove ? key : vname);
	fprintf(f, " image=\"%d\" uid=\"", remove ? 8 : 7);
	gpo_uid(f, key, vname ? vname : "", remove);
	fputs("\">\n    <Properties action=", f);
	fprintf(f, "\"%s\" displayDecimal=\"0\" default=\"0\" hive=\"HKEY_LOCAL_MACHINE\" key=",
		remove ? "D" : "U");
	char *path = key_path("", key);
	xml_attr(f, path);
	free(path);
	fputs(" name=", f);
	xml_attr(f, remove ? "" : vname);
	fputs(" type=\"REG_SZ\" value=", f);
	xml_attr(f, remove ? "" : value);
	fputs("/>\n  </Registry>\n", f);
}

static void print_gpo(FILE *f, const struct hvt_reg_change *c, size_t n)
{
	fputs("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	      "<RegistrySettings clsid=\"{A3CCFC41-DFDB-43a5-8D26-0FE8B954DA51}\">\n",
	      f);
	for (size_t i = 0; i < n; i++) {
		if (c[i].remove) {
			gpo_item(f, c[i].key, NULL, NULL);
			continue;
		}
		gpo_item(f, c[i].key, HVT_SERVICE_VALUE, c[i].name);
		if (c[i].tool)
			gpo_item(f, c[i].key, HVT_TOOL_VALUE, c[i].tool);
	}
	fputs("</RegistrySettings>\n", f);
}

static void yaml_path(FILE *f, const char *key)
{
	char *path = key_path("HKLM:\\", key);
	yaml_quote(f, path);
	free(path);
}

static void ansible_value(FILE *f, const char *key, const char *vname, const char *data)
{
	fprintf(f, "- name: 'hvreg: set %s of hvsocket service %s'\n", vname, key);
	fputs("  ansible.windows.win_regedit:\n    path: ", f);
	yaml_path(f, key);
	fprintf(f, "\n    name: %s\n    data: ", vname);
	yaml_quote(f, data);
	fputs("\n    type: string\n    state: present\n", f);
}

/* A task list (for import_tasks / include_tasks, or a role's tasks/main.yml) using
 * ansible.windows.win_regedit (path, name, data, type, state; delete_key) and, to find a
 * tool's entries, ansible.windows.win_reg_stat (sub_keys, exists, value). */
static void print_ansible(FILE *f, const struct hvt_reg_change *c, size_t n,
			  const char *remove_tool)
{
	fputs("---\n", f);
	for (size_t i = 0; i < n; i++) {
		if (c[i].remove) {
			fprintf(f, "- name: 'hvreg: remove hvsocket service %s'\n", c[i].key);
			fputs("  ansible.windows.win_regedit:\n    path: ", f);
			yaml_path(f, c[i].key);
			fputs("\n    state: absent\n    delete_key: true\n", f);
			continue;
		}
		ansible_value(f, c[i].key, HVT_SERVICE_VALUE, c[i].name);
		if (c[i].tool)
			ansible_value(f, c[i].key, HVT_TOOL_VALUE, c[i].tool);
	}
	if (remove_tool) {
		fprintf(f, "- name: 'hvreg: list the hvsocket services'\n"
			   "  ansible.windows.win_reg_stat:\n    path: ");
		yaml_path(f, NULL);
		fputs("\n  register: hvreg_services\n", f);
		fprintf(f, "- name: 'hvreg: read their " HVT_TOOL_VALUE "'\n"
			   "  ansible.windows.win_reg_stat:\n    path: ");
		yaml_path(f, "{{ item }}");
		fputs("\n    name: " HVT_TOOL_VALUE "\n"
		      "  loop: '{{ hvreg_services.sub_keys | default([]) }}'\n"
		      "  register: hvreg_tools\n",
		      f);
		fprintf(f, "- name: 'hvreg: remove the hvsocket services of tool %s'\n",
			remove_tool);
		fputs("  ansible.windows.win_regedit:\n    path: ", f);
		yaml_path(f, "{{ item.item }}");
		fputs("\n    state: absent\n    delete_key: true\n"
		      "  loop: '{{ hvreg_tools.results | default([]) }}'\n"
		      "  when: item.exists and item.value == ",
		      f);
		/* a tool name is letters, digits, '.', '_', '-': safe inside '...' in Jinja too */
		fprintf(f, "'%s'\n", remove_tool);
	}
}

static void dsc_value(FILE *f, const char *key, const char *vname, const char *data)
{
	fprintf(f, "        Registry 'hvreg_%s_%s' {\n            Key       = ", key,
		vname ? vname : "key");
	char *path = key_path(HVT_SERVICES_HIVE "\\", key);
	ps_quote(f, path);
	free(path);
	fprintf(f, "\n            ValueName = '%s'\n", vname ? vname : "");
	if (data) {
		fputs("            ValueData = ", f);
		ps_quote(f, data);
		fputs("\n            ValueType = 'String'\n", f);
	}
	fprintf(f, "            Ensure    = '%s'\n        }\n", data ? "Present" : "Absent");
}

/* A configuration of Registry resources (PSDesiredStateConfiguration, in-box in Windows
 * PowerShell 5.1): a value is Present with its data; a key is removed by ValueName '' and
 * Ensure Absent (the resource's documented way to remove a key). Structure-checked here;
 * untested on a real DSC node (no Windows here). */
static void print_dsc(FILE *f, const struct hvt_reg_change *c, size_t n)
{
	fputs("Configuration HvregServices {\n"
	      "    Import-DscResource -ModuleName 'PSDesiredStateConfiguration'\n"
	      "    Node 'localhost' {\n",
	      f);
	for (size_t i = 0; i < n; i++) {
		if (c[i].remove) {
			dsc_value(f, c[i].key, NULL, NULL);
			continue;
		}
		dsc_value(f, c[i].key, HVT_SERVICE_VALUE, c[i].name);
		if (c[i].tool)
			dsc_value(f, c[i].key, HVT_TOOL_VALUE, c[i].tool);
	}
	fputs("    }\n}\nHvregServices\n", f);
}

void hvt_print_changes(FILE *f, enum hvt_print_form form, const struct hvt_reg_change *c, size_t n,
		       const char *remove_tool)
{
	switch (form) {
	case HVT_PRINT_POWERSHELL: print_powershell(f, c, n, remove_tool); break;
	case HVT_PRINT_CMD: print_cmd(f, c, n); break;
	case HVT_PRINT_REG: print_reg(f, c, n); break;
	case HVT_PRINT_GPO: print_gpo(f, c, n); break;
	case HVT_PRINT_ANSIBLE: print_ansible(f, c, n, remove_tool); break;
	case HVT_PRINT_DSC: print_dsc(f, c, n); break;
	case HVT_PRINT_NONE: break;
	}
}
