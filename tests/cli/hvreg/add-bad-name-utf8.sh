# platform: posix
# A name that is not UTF-8 (Latin-1 here) is refused. (Not run under Wine: Wine converts
# the command line before hvreg.exe sees it.)
$HVREG add 5000 --name "$(printf 'caf\351')" --file a.reg; echo "rc=$?"
test -e a.reg || echo "a.reg not created"
