# Names: non-empty, at most 256 characters, UTF-8, no control characters.
$HVREG add 5000 --name '' --file a.reg; echo "rc=$?"
$HVREG add 5000 --name "$(printf 'a\tb')" --file a.reg; echo "rc=$?"
$HVREG add 5000 --name "$(printf 'a\033[1mb')" --file a.reg; echo "rc=$?"
long=$(printf '%0257d' 0)
$HVREG add 5000 --name "$long" --file a.reg; echo "rc=$?"
test -e a.reg || echo "a.reg not created"
$HVREG add 5000 --name "${long#0}" --file a.reg >/dev/null; echo "256 characters: rc=$?"
$HVREG add 6000 --name 'Grüße "quoted" \ back\slash' --file a.reg >/dev/null; echo "rc=$?"
$HVREG show 6000 --file a.reg
tail -c +3 a.reg | iconv -f UTF-16LE -t UTF-8 | grep Gr
