#!/bin/sh
# hvreg --print gpo|ansible|dsc read by real consumers where Debian has one:
# - ansible: `ansible-playbook --syntax-check` on a playbook importing the printed task list
#   (it resolves every module offline: ansible.windows comes with Debian's ansible package),
#   and every task's arguments checked against the installed modules' own argument specs
#   (`ansible-doc -j`); a misspelled module must fail the same check (the check can fail);
# - gpo: Python's XML parser, then the shape of a Group Policy Preferences Registry.xml
#   ([MS-GPPREF] 2.2.1.6: RegistrySettings and Registry class ids, Properties action/hive/key/
#   name/type/value); no Group Policy client here;
# - dsc: structure only (no PowerShell DSC here): one Configuration, Registry blocks with
#   unique names and Key/ValueName/Ensure, ValueData and ValueType for Present.
# Each form is checked for the same changes as the .reg form (round trip: what the printed
# form sets equals what `hvreg --file` writes for the same command), and for idempotence
# (printing again gives the same bytes).
. "$(dirname "$0")/lib.sh"
command -v ansible-playbook >/dev/null 2>&1 || {
	echo "SKIP: ansible-playbook is not installed (apt-get install ansible)"
	exit 77
}
ansible-doc -t module ansible.windows.win_regedit >/dev/null 2>&1 ||
	fail "ansible.windows.win_regedit does not resolve offline (Debian's ansible package has it)"

# The commands whose changes are printed: an add with a tricky name, a pool, removals.
run_forms() { # FORM: every command's output as FORM, one file each
	$HVREG add 5000 -n "a 'b' \"c\" & <d> é" --tool podman --print "$1" >"$1.add" ||
		fail "add --print $1"
	$HVREG reserve 3 --tool fleet --name-prefix 'Fleet <x>' --print "$1" >"$1.reserve" ||
		fail "reserve --print $1"
	$HVREG remove 5000 --print "$1" >"$1.remove" || fail "remove --print $1"
}
for f in gpo ansible dsc reg; do run_forms $f; done
run_forms gpo && mv gpo.add gpo.add2
$HVREG add 5000 -n "a 'b' \"c\" & <d> é" --tool podman --print gpo >gpo.add || fail "gpo again"
cmp -s gpo.add gpo.add2 || fail "--print gpo gave other bytes the second time"
$HVREG remove --tool fleet --print ansible >ansible.rmtool || fail "remove --tool --print ansible"
ok "printed every form"

# What the .reg form (imported by Wine's reg.exe in hvreg_wine) sets, as (key, name, data)
# triples and deleted keys: the reference for the other forms.
python3 - <<'PY' || fail "see above"
import json, re, subprocess, sys, xml.etree.ElementTree as ET
import yaml

SVC = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices"
bad = 0
def no(msg):
    global bad
    print("FAIL:", msg)
    bad = 1

def from_reg(text):
    sets, dels, key = [], [], None
    for line in text.splitlines():
        m = re.match(r"^\[(-?)(HKEY_LOCAL_MACHINE\\.*)\]$", line)
        if m:
            key = m.group(2)
            if m.group(1):
                dels.append(key)
            continue
        m = re.match(r'^"([^"]+)"="((?:[^"\\]|\\.)*)"$', line)
        if m:
            sets.append((key, m.group(1), re.sub(r"\\(.)", r"\1", m.group(2))))
    return sets, dels

def from_gpo(text):
    root = ET.fromstring(text.encode())
    if root.tag != "RegistrySettings" or root.get("clsid") != "{A3CCFC41-DFDB-43a5-8D26-0FE8B954DA51}":
        no("gpo: root is %s %s" % (root.tag, root.get("clsid")))
    sets, dels, uids = [], [], set()
    for item in root:
        if item.tag != "Registry" or item.get("clsid") != "{9CD4B2F4-923D-47f5-A062-E897DD1DAD50}":
            no("gpo: item %s %s" % (item.tag, item.get("clsid")))
        for a in ("name", "uid", "image"):
            if item.get(a) is None:
                no("gpo: item without %s" % a)
        if not re.fullmatch(r"\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", item.get("uid", "")):
            no("gpo: uid %r" % item.get("uid"))
        uids.add(item.get("uid"))
        props = item.findall("Properties")
        if len(props) != 1:
            no("gpo: %d Properties" % len(props)); continue
        p = props[0]
        for a in ("action", "hive", "key", "name", "type", "value", "default", "displayDecimal"):
            if p.get(a) is None:
                no("gpo: Properties without %s" % a)
        if p.get("hive") != "HKEY_LOCAL_MACHINE" or p.get("type") != "REG_SZ":
            no("gpo: hive/type %s %s" % (p.get("hive"), p.get("type")))
        if p.get("action") == "U" and p.get("name"):
            sets.append((p.get("hive") + "\\" + p.get("key"), p.get("name"), p.get("value")))
        elif p.get("action") == "D" and p.get("name") == "":
            dels.append(p.get("hive") + "\\" + p.get("key"))
        else:
            no("gpo: action %r with name %r" % (p.get("action"), p.get("name")))
    if len(uids) != len(root):
        no("gpo: uids are not unique")
    return sets, dels

def spec(module):
    out = subprocess.run(["ansible-doc", "-j", module], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)[module]["doc"]["options"]

SPECS = {m: spec(m) for m in ("ansible.windows.win_regedit", "ansible.windows.win_reg_stat")}
def from_ansible(text):
    tasks = yaml.safe_load(text)
    sets, dels = [], []
    for t in tasks:
        mods = [k for k in t if k.startswith("ansible.")]
        if len(mods) != 1 or mods[0] not in SPECS:
            no("ansible: task %r uses %r" % (t.get("name"), mods)); continue
        args, opts = t[mods[0]], SPECS[mods[0]]
        for k, v in args.items():
            if k not in opts:
                no("ansible: %s has no argument %s" % (mods[0], k))
            elif opts[k].get("choices") and v not in opts[k]["choices"]:
                no("ansible: %s=%r is not one of %r" % (k, v, opts[k]["choices"]))
        if mods[0] != "ansible.windows.win_regedit" or "{{" in args["path"]:
            continue
        path = args["path"].replace("HKLM:\\", "HKEY_LOCAL_MACHINE\\", 1)
        if args["state"] == "present":
            if args.get("type") != "string":
                no("ansible: type %r" % args.get("type"))
            sets.append((path, args["name"], args["data"]))
        elif args.get("delete_key") is True and "name" not in args:
            dels.append(path)
        else:
            no("ansible: task %r" % t)
    return sets, dels

def from_dsc(text):
    lines = text.splitlines()
    if not lines[0].startswith("Configuration HvregServices {") or lines[-1] != "HvregServices":
        no("dsc: not one configuration that is then run")
    if "Import-DscResource -ModuleName 'PSDesiredStateConfiguration'" not in text:
        no("dsc: no Import-DscResource")
    depth = 0
    for ch in re.sub(r"'(?:[^']|'')*'", "''", text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            no("dsc: unbalanced braces")
    if depth:
        no("dsc: unbalanced braces")
    sets, dels, names = [], [], set()
    q = r"'((?:[^']|'')*)'"
    for m in re.finditer(r"Registry " + q + r" \{\n(.*?)\n        \}", text, re.S):
        if m.group(1) in names:
            no("dsc: resource name %s twice" % m.group(1))
        names.add(m.group(1))
        props = {k: v.replace("''", "'") for k, v in re.findall(r"^ +(\w+) += " + q + "$", m.group(2), re.M)}
        if props.get("Ensure") == "Present" and props.get("ValueType") == "String" and props.get("ValueName"):
            sets.append((props["Key"], props["ValueName"], props["ValueData"]))
        elif props.get("Ensure") == "Absent" and props.get("ValueName") == "" and "ValueData" not in props:
            dels.append(props["Key"])
        else:
            no("dsc: resource %r" % props)
    if not names:
        no("dsc: no Registry resources")
    return sets, dels

for cmd in ("add", "reserve", "remove"):
    ref = from_reg(open("reg." + cmd, encoding="utf-8").read())
    if not ref[0] and not ref[1]:
        no("reg.%s: no changes" % cmd)
    for form, fn in (("gpo", from_gpo), ("ansible", from_ansible), ("dsc", from_dsc)):
        got = fn(open("%s.%s" % (form, cmd), encoding="utf-8").read())
        if got != ref:
            no("%s.%s says %r, the .reg form %r" % (form, cmd, got, ref))
        for s in got[0]:
            if not s[0].endswith(tuple("0123456789abcdef")) or SVC not in s[0]:
                no("%s.%s: key %s" % (form, cmd, s[0]))
from_ansible(open("ansible.rmtool").read())
sys.exit(bad)
PY
ok "gpo (XML parser, GPP shape), ansible (argument specs) and dsc (structure) say what .reg says"

# ansible-playbook itself, on every printed task list, and a misspelled module as control.
for f in ansible.add ansible.reserve ansible.remove ansible.rmtool; do
	printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - import_tasks: %s\n' "$f" >play.yml
	ansible-playbook -i localhost, --syntax-check play.yml >check.out 2>&1 ||
		{ cat check.out >&2; fail "ansible-playbook --syntax-check rejects $f"; }
done
sed 's/win_regedit:/win_regedt:/' ansible.add >typo.yml
printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - import_tasks: typo.yml\n' >play.yml
ansible-playbook -i localhost, --syntax-check play.yml >check.out 2>&1 &&
	fail "ansible-playbook --syntax-check accepted a misspelled module (the check proves nothing)"
grep -q "couldn't resolve module" check.out || fail "misspelled module: $(cat check.out)"
ok "ansible-playbook --syntax-check accepts every task list (and refuses a misspelled module)"
