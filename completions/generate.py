#!/usr/bin/env python3
"""Writes the shell completions of hvnc, hvreg, hvlist and hvping from the tools' own --help.

    completions/generate.py [--check] --tools 'TOOL...' [BUILD_DIR]

--tools names the tools, space-separated: the build's list (HVT_TOOLS in CMakeLists.txt), which
`cmake --build BUILD_DIR --target completions` passes, as ctest does in $HVT_TOOLS.
The tools are the source of truth: each one's --help lists every option (the contract test
and the man pages hold them to it), its commands or views, and hvlist's columns. This script
runs the built tools (BUILD_DIR/tools/TOOL/TOOL, or the commands in $HVNC, $HVREG, $HVLIST,
$HVPING when no BUILD_DIR is given, else ./build), parses what they print and fills the
templates in completions/templates/ (the hand-written logic of each shell) with it, the tool
names where they say @TOOLS@ (hvnc hvreg), @TOOLS_EXE@ (hvnc.exe hvreg.exe) or @PS_TOOLS@
('hvnc', 'hvnc.exe', 'hvreg', 'hvreg.exe'):

    completions/bash/hvtools         bash (installed once per tool name)
    completions/zsh/_hvtools         zsh
    completions/fish/TOOL.fish       fish, one file per tool
    completions/powershell/hvtools.ps1   PowerShell (Register-ArgumentCompleter)

--check writes nothing: it exits 1 and shows a diff when a file differs from what it would
write (tests/e2e/completions_drift.sh runs it). What --help cannot say (what kind of value an
option takes) is in the tables below; an option argument, command argument or column this
script does not know makes it fail, so a new option cannot slip through unclassified.
"""
import difflib
import os
import re
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# What an option's argument (its metavar in --help) is, for completion:
#   none     a number, duration or free text: nothing to offer
#   file     a file name
#   command  a program (and its arguments) or a shell command
#   address  an hvtools address (the schemes come from the tools' 'Addresses' section)
#   columns  hvlist columns, comma-separated
#   values   one of a fixed list (VALUES below)
ARG_KINDS = {
    "N": "none",
    "SECS": "none",
    "TIME": "none",
    "BYTES": "none",
    "NAME": "none",
    "TOOL": "none",
    "P": "none",
    "FILE": "file",
    "'PROG ARGS'": "command",
    "'CMD'": "command",
    "ADDRESS": "address",
    "COLUMNS": "columns",
    "FORMAT": "values",
    "DURATION": "none",
    "MATCH": "none",
    "PATH": "file",
    "SDDL": "none",
}
# Fixed values of "values" options; each must appear in the option's --help text.
VALUES = {("hvreg", "--print"): ["powershell", "cmd", "reg", "gpo", "ansible", "dsc"]}
# What a command's argument is (hvreg add [SERVICE], remove SERVICE|NAME, ...):
#   service  a registered service (offered through hvlist services)
#   none     nothing to offer (a new service, or no argument)
CMD_ARG_KINDS = {"": "none", "[SERVICE]": "none", "SERVICE|NAME": "service", "N": "none"}
# Columns the completions ask hvlist for (dynamic values): they must exist in hvlist --help.
DYNAMIC_COLUMNS = {"services": ["GUID", "NAME"], "vms": ["ID", "NAME"]}


class Fail(Exception):
    pass


# ---- parsing --help ----------------------------------------------------------------------

OPT_RE = re.compile(
    r"^  (?:-(?P<short>[A-Za-z0-9]), |    )--(?P<long>[a-z0-9][a-z0-9-]*)"
    r"(?: (?P<arg>'[^']*'|[A-Z][A-Z_|]*)|\[=(?P<optarg>[A-Z][A-Z_|]*)\])?\s+(?P<desc>\S.*)$"
)
ITEM_RE = re.compile(r"^  (?P<name>[a-z][a-z0-9-]*)(?: (?P<arg>\S+))?\s{2,}(?P<desc>\S.*)$")
COL_RE = re.compile(r"^  (?P<name>[A-Z][A-Z0-9_]*)\s{2,}(?P<desc>\S.*)$")
# An address family in the 'Addresses' section (common/families.c is where they come from).
ADDR_RE = re.compile(r"^  (?P<syntax>(?P<scheme>[a-z][a-z0-9-]*):\S*)\s{2,}(?P<desc>\S.*)$")


def sections(text):
    """{heading: [item lines with continuation lines joined]} for 'Heading:' blocks."""
    out, cur, items = {}, None, None
    for line in text.splitlines():
        if not line.strip():
            cur = None
            continue
        if not line.startswith(" "):
            cur = None
            if line.endswith(":"):
                cur = line[:-1]
                items = out.setdefault(cur, [])
            continue
        if cur is None:
            continue
        new = not line.startswith("   ") or line.lstrip().startswith("-")
        if new and items is not None:
            items.append(line)
        elif items:
            items[-1] += " " + line.strip()
    return out


def section(secs, prefix):
    found = [k for k in secs if k == prefix or k.startswith(prefix + " ")]
    return secs[found[0]] if found else None


def parse_tool(tool, cmd):
    try:
        res = subprocess.run(cmd + ["--help"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Fail(f"cannot run {' '.join(cmd)} --help: {e}")
    if res.returncode != 0:
        raise Fail(f"{tool} --help exited {res.returncode}: {res.stderr.strip()}")
    text = res.stdout
    secs = sections(text)
    t = {"name": tool, "options": [], "operand": None, "commands": [], "views": [],
         "columns": {}, "schemes": []}

    opts = section(secs, "Options")
    if not opts:
        raise Fail(f"{tool} --help has no 'Options:' section")
    for line in opts:
        m = OPT_RE.match(line)
        if not m:
            raise Fail(f"{tool} --help: cannot read option line {line!r}")
        o = {"short": "-" + m["short"] if m["short"] else None, "long": "--" + m["long"],
             "desc": m["desc"].strip(), "kind": None, "values": [], "meta": m["arg"]}
        if m["arg"]:
            kind = ARG_KINDS.get(m["arg"])
            if kind is None:
                raise Fail(f"{tool} {o['long']} takes {m['arg']}, a kind of argument "
                           f"completions/generate.py does not know: add it to ARG_KINDS")
            o["kind"] = kind
            if kind == "values":
                vals = VALUES.get((tool, o["long"]))
                if not vals:
                    raise Fail(f"{tool} {o['long']}: add its values to VALUES")
                for v in vals:
                    if not re.search(r"\b%s\b" % re.escape(v), o["desc"]):
                        raise Fail(f"{tool} {o['long']}: value '{v}' is no longer in --help")
                o["values"] = vals
        t["options"].append(o)

    # Every long option anywhere in --help must be in the option list: a line this parser
    # skipped would otherwise be an option the completions never learn.
    listed = {o["long"] for o in t["options"]}
    for name in sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text)) - listed):
        raise Fail(f"{tool} --help mentions {name} outside its option list")

    cmds, views = section(secs, "Commands"), section(secs, "Views")
    if cmds:
        t["operand"] = "command"
        for line in cmds:
            m = ITEM_RE.match(line)
            if not m:
                raise Fail(f"{tool} --help: cannot read command line {line!r}")
            arg = m["arg"] or ""
            if arg not in CMD_ARG_KINDS:
                raise Fail(f"{tool} {m['name']} takes {arg}, which completions/generate.py "
                           f"does not know: add it to CMD_ARG_KINDS")
            t["commands"].append({"name": m["name"], "arg": CMD_ARG_KINDS[arg],
                                  "desc": m["desc"].strip()})
    elif views:
        t["operand"] = "view"
        for line in views:
            m = ITEM_RE.match(line)
            if not m or m["arg"]:
                raise Fail(f"{tool} --help: cannot read view line {line!r}")
            t["views"].append({"name": m["name"], "desc": m["desc"].strip()})
        for v in t["views"]:
            cols = secs.get("Columns of " + v["name"])
            if cols is None:
                continue
            t["columns"][v["name"]] = []
            for line in cols:
                m = COL_RE.match(line)
                if not m:
                    raise Fail(f"{tool} --help: cannot read column line {line!r}")
                t["columns"][v["name"]].append({"name": m["name"], "desc": m["desc"].strip()})
    else:
        usage = text.splitlines()[0]
        if not usage.rstrip().endswith(" ADDRESS"):
            raise Fail(f"{tool} --help: unknown operand in {usage!r}")
        t["operand"] = "address"
        addrs = section(secs, "Addresses")
        if not addrs:
            raise Fail(f"{tool} --help has no 'Addresses' section")
        for line in addrs:
            m = ADDR_RE.match(line)
            if not m:
                raise Fail(f"{tool} --help: cannot read address line {line!r}")
            t["schemes"].append({"scheme": m["scheme"], "syntax": m["syntax"],
                                 "desc": m["desc"].strip()})
    return t


def schemes_of(tools):
    """The address schemes, which every tool that takes an address must list alike."""
    lists = [t["schemes"] for t in tools.values() if t["operand"] == "address"]
    if not lists:
        raise Fail("no tool lists its address schemes")
    for other in lists[1:]:
        if other != lists[0]:
            raise Fail("the tools' --help list different address schemes")
    return lists[0]


def gen_schemes(shell, schemes):
    """The scheme list for the templates' @SCHEMES@ (what an address starts with)."""
    if shell == "bash":
        return " ".join(x["scheme"] + ":" for x in schemes)
    lines = []
    for x in schemes:
        desc = f"{x['desc']} ({x['syntax']})"
        if shell == "zsh":
            lines.append("            " + sq(x["scheme"] + "\\:" + ":" + zsh_desc(desc)))
        elif shell == "fish":
            lines.append(f"        printf '%s\\t%s\\n' {x['scheme']}: {fish_q(desc)}")
        else:
            lines.append(f"            $items += , @({ps_q(x['scheme'] + ':')}, {ps_q(desc)})")
    return "\n".join(lines)


def check_dynamic(tools):
    hvlist = tools.get("hvlist")
    if not hvlist:
        raise Fail("hvlist is needed: the completions ask it for services and VMs")
    for view, cols in DYNAMIC_COLUMNS.items():
        have = [c["name"] for c in hvlist["columns"].get(view, [])]
        for c in cols:
            if c not in have:
                raise Fail(f"hvlist has no column {c} in view {view} any more: the "
                           f"completions use it (DYNAMIC_COLUMNS)")


# ---- output helpers ------------------------------------------------------------------------

def sq(s):
    """Single-quoted for sh, bash, zsh."""
    return "'" + s.replace("'", "'\\''") + "'"


def fish_q(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def ps_q(s):
    return "'" + s.replace("'", "''") + "'"


def argopts(t):
    out = []
    for o in t["options"]:
        if o["kind"]:
            if o["short"]:
                out.append(o["short"])
            out.append(o["long"])
    return out


def kind_spec(o):
    """The kind as the templates' runtime code sees it: values:A B C for fixed lists."""
    return "values:" + " ".join(o["values"]) if o["kind"] == "values" else o["kind"]


# ---- bash ----------------------------------------------------------------------------------

def gen_bash(tools):
    out = []
    for t in tools.values():
        n = t["name"]
        longs = [o["long"] for o in t["options"]]
        out.append(f"_hvtools_{n}_opts={sq(' '.join(longs))}")
        if t["operand"] == "command":
            out.append(f"_hvtools_{n}_commands={sq(' '.join(c['name'] for c in t['commands']))}")
        if t["operand"] == "view":
            out.append(f"_hvtools_{n}_views={sq(' '.join(v['name'] for v in t['views']))}")
            for view, cols in t["columns"].items():
                out.append(f"_hvtools_{n}_columns_{view}="
                           f"{sq(' '.join(c['name'] for c in cols))}")
        out.append(f"_hvtools_{n}_operand={t['operand']}")
        out.append("# The kind of argument an option takes (REPLY); fails for other words.")
        out.append(f"_hvtools_{n}_argkind()")
        out.append("{")
        out.append("    case $1 in")
        for o in t["options"]:
            if o["kind"]:
                names = " | ".join(x for x in (o["short"], o["long"]) if x)
                out.append(f"    {names}) REPLY={sq(kind_spec(o))} ;;")
        out.append("    *) return 1 ;;")
        out.append("    esac")
        out.append("}")
        if t["operand"] == "command":
            out.append(f"_hvtools_{n}_cmdarg()")
            out.append("{")
            out.append("    case $1 in")
            for c in t["commands"]:
                out.append(f"    {c['name']}) REPLY={c['arg']} ;;")
            out.append("    *) REPLY=none ;;")
            out.append("    esac")
            out.append("}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# ---- zsh -----------------------------------------------------------------------------------

def zsh_desc(s):
    return s.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def zsh_action(o):
    k = o["kind"]
    if k == "none":
        return " "
    if k == "file":
        return "_files"
    if k == "command":
        return "_cmdstring"
    if k == "address":
        return "_hvtools_address"
    if k == "columns":
        return "_hvtools_columns"
    if k == "values":
        return "(" + " ".join(o["values"]) + ")"
    raise Fail("zsh: kind " + k)


def gen_zsh(tools):
    out = []
    for t in tools.values():
        n = t["name"]
        specs = []
        for o in t["options"]:
            desc = "[" + zsh_desc(o["desc"]) + "]"
            arg = ""
            if o["kind"]:
                meta = o["meta"].strip("'").lower()
                arg = ":" + meta + ":" + zsh_action(o)
            if o["short"]:
                excl = f"({o['short']} {o['long']})"
                if o["long"] in ("--help", "--version"):
                    excl = "(- *)"
                s_short, s_long = o["short"], o["long"]
                if o["kind"]:
                    s_short += "+"
                    s_long += "="
                specs.append(sq(excl) + "{" + s_short + "," + s_long + "}" + sq(desc + arg))
            else:
                s_long = o["long"] + ("=" if o["kind"] else "")
                specs.append(sq(s_long + desc + arg))
        if t["operand"] == "address":
            specs.append(sq("1:address:_hvtools_address"))
        elif t["operand"] == "command":
            specs.append(sq("1:command:_hvtools_commands"))
            specs.append(sq("2:argument:_hvtools_cmdarg"))
        elif t["operand"] == "view":
            specs.append(sq("*:view:_hvtools_views"))
        out.append(f"_hvtools_{n}()")
        out.append("{")
        out.append("    _arguments -s -S : \\")
        out.append(" \\\n".join("        " + s for s in specs))
        out.append("}")
        if t["operand"] == "command":
            items = " ".join(sq(c["name"] + ":" + c["desc"]) for c in t["commands"])
            out.append(f"_hvtools_{n}_commands=({items})")
            out.append(f"typeset -gA _hvtools_{n}_cmdargs")
            pairs = " ".join(f"{c['name']} {c['arg']}" for c in t["commands"])
            out.append(f"_hvtools_{n}_cmdargs=({pairs})")
        if t["operand"] == "view":
            items = " ".join(sq(v["name"] + ":" + v["desc"]) for v in t["views"])
            out.append(f"_hvtools_{n}_views=({items})")
        if t["operand"] == "view":
            for view, cols in t["columns"].items():
                items = " ".join(sq(zsh_desc(c["name"]) + ":" + c["desc"]) for c in cols)
                out.append(f"_hvtools_{n}_columns_{view}=({items})")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# ---- fish ----------------------------------------------------------------------------------

def gen_fish(t):
    n = t["name"]
    out = []
    out.append(f"function __hvtools_{n}_argopts --description 'options of {n} that take an argument'")
    out.append("    printf '%s\\n' " + " ".join(argopts(t)))
    out.append("end")
    out.append(f"complete -c {n} -f")
    for o in t["options"]:
        parts = [f"complete -c {n}"]
        if o["short"]:
            parts.append("-s " + o["short"][1:])
        parts.append("-l " + o["long"][2:])
        k = o["kind"]
        if k == "file":
            parts.append("-r -F")
        elif k == "none":
            parts.append("-x")
        elif k == "command":
            parts.append("-x -a '(__fish_complete_command)'")
        elif k == "address":
            parts.append(f"-x -a '(__hvtools_address {n})'")
        elif k == "columns":
            parts.append(f"-x -a '(__hvtools_columns {n})'")
        elif k == "values":
            parts.append("-x -a " + fish_q(" ".join(o["values"])))
        parts.append("-d " + fish_q(o["desc"]))
        out.append(" ".join(parts))
    if t["operand"] == "address":
        out.append(f"complete -c {n} -n '__hvtools_no_operand {n}' -a '(__hvtools_address {n})'")
    elif t["operand"] == "command":
        for c in t["commands"]:
            out.append(f"complete -c {n} -n '__hvtools_no_operand {n}' -a {c['name']} "
                       f"-d {fish_q(c['desc'])}")
        svc = [c["name"] for c in t["commands"] if c["arg"] == "service"]
        if svc:
            out.append(f"complete -c {n} -n '__hvtools_first_operand {n} {' '.join(svc)}' "
                       f"-a '(__hvtools_services {n})'")
    elif t["operand"] == "view":
        for v in t["views"]:
            out.append(f"complete -c {n} -a {v['name']} -d {fish_q(v['desc'])}")
        out.append(f"function __hvtools_{n}_columns --description 'VIEW COLUMN DESCRIPTION lines'")
        for view, cols in t["columns"].items():
            for c in cols:
                out.append(f"    printf '%s\\t%s\\t%s\\n' {view} {c['name']} {fish_q(c['desc'])}")
        out.append("end")
    return "\n".join(out) + "\n"


# ---- PowerShell ----------------------------------------------------------------------------

def gen_ps(tools):
    out = ["$hvtoolsSpec = @{"]
    for t in tools.values():
        n = t["name"]
        out.append(f"    {n} = @{{")
        out.append(f"        Operand = {ps_q(t['operand'])}")
        out.append("        Options = @(")
        rows = []
        for o in t["options"]:
            rows.append("            @{ Long = %s; Short = %s; Kind = %s; Desc = %s }" % (
                ps_q(o["long"]), ps_q(o["short"] or ""), ps_q(kind_spec(o) or ""),
                ps_q(o["desc"])))
        out.append(",\n".join(rows))
        out.append("        )")
        if t["operand"] == "command":
            out.append("        Commands = @(")
            out.append(",\n".join("            @{ Name = %s; Arg = %s; Desc = %s }" % (
                ps_q(c["name"]), ps_q(c["arg"]), ps_q(c["desc"])) for c in t["commands"]))
            out.append("        )")
        if t["operand"] == "view":
            out.append("        Views = @(")
            out.append(",\n".join("            @{ Name = %s; Desc = %s }" % (
                ps_q(v["name"]), ps_q(v["desc"])) for v in t["views"]))
            out.append("        )")
            out.append("        Columns = @{")
            for view, cols in t["columns"].items():
                out.append(f"            {view} = @(")
                out.append(",\n".join("                @{ Name = %s; Desc = %s }" % (
                    ps_q(c["name"]), ps_q(c["desc"])) for c in cols))
                out.append("            )")
            out.append("        }")
        out.append("    }")
    out.append("}")
    return "\n".join(out) + "\n"


# ---- main ----------------------------------------------------------------------------------

def fill(template, data, names, schemes):
    with open(os.path.join(HERE, "templates", template), encoding="utf-8") as f:
        text = f.read()
    for mark in ("@GENERATED@", "@SCHEMES@"):
        if mark not in text:
            raise Fail(f"templates/{template} has no {mark}")
    exe = [n + ".exe" for n in names]
    text = text.replace("@TOOLS@", " ".join(names)).replace("@TOOLS_EXE@", " ".join(exe))
    text = text.replace("@PS_TOOLS@", ", ".join(ps_q(t) for pair in zip(names, exe) for t in pair))
    return text.replace("@GENERATED@\n", data).replace("@SCHEMES@", schemes)


def tool_commands(names, build):
    cmds = {}
    for tool in names:
        env = os.environ.get(tool.upper()) if build is None else None
        if env:
            cmds[tool] = shlex.split(env)
        else:
            cmds[tool] = [os.path.join(build or "build", "tools", tool, tool)]
    return cmds


def main(argv):
    check = False
    names = None
    args = []
    it = iter(argv)
    for a in it:
        if a == "--check":
            check = True
        elif a == "--tools":
            names = next(it, "").split()
        elif a.startswith("--tools="):
            names = a[len("--tools="):].split()
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        else:
            args.append(a)
    if len(args) > 1 or not names:
        print("usage: completions/generate.py [--check] --tools 'TOOL...' [BUILD_DIR]",
              file=sys.stderr)
        return 2
    build = args[0] if args else None
    try:
        tools = {}
        for tool, cmd in tool_commands(names, build).items():
            tools[tool] = parse_tool(tool, cmd)
        check_dynamic(tools)
        schemes = schemes_of(tools)
        files = {
            "bash/hvtools": fill("hvtools.bash", gen_bash(tools), names,
                                 gen_schemes("bash", schemes)),
            "zsh/_hvtools": fill("_hvtools.zsh", gen_zsh(tools), names,
                                 gen_schemes("zsh", schemes)),
            "powershell/hvtools.ps1": fill("hvtools.ps1", gen_ps(tools), names,
                                           gen_schemes("ps", schemes)),
        }
        for t in tools.values():
            files[f"fish/{t['name']}.fish"] = fill("hvtools.fish", gen_fish(t), names,
                                                   gen_schemes("fish", schemes)) \
                .replace("@TOOL@", t["name"])
    except Fail as e:
        print(f"completions/generate.py: {e}", file=sys.stderr)
        return 1

    stale = 0
    for rel, text in files.items():
        path = os.path.join(HERE, rel)
        old = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                old = f.read()
        if old == text:
            continue
        if check:
            stale += 1
            sys.stdout.writelines(difflib.unified_diff(
                (old or "").splitlines(True), text.splitlines(True),
                "completions/" + rel, "completions/" + rel + " (from the tools' --help)"))
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            print("wrote completions/" + rel)
    if stale:
        print(f"completions/generate.py: {stale} file(s) out of date with the tools' --help: "
              f"run cmake --build BUILD_DIR --target completions", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
