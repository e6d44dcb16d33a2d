#!/bin/sh
# gen-services.sh N: writes a .reg file (UTF-8, CRLF) of N services to stdout, for
# bench/run.sh's registry section and tests/e2e/registry_scale.sh. The keys come in a
# scrambled order (so that the listing has to sort them), every 10th in upper case, and the
# first key is written again at the end in upper case with the name "again" (one service).
# Service i has the key %08x-facb-11e6-bd58-64006a7986d3 of (i * 7919) mod 1000003 (distinct for
# N up to 1000003) and the name "svc i".
awk -v n="${1:?usage: gen-services.sh N}" 'BEGIN {
	root = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization\\GuestCommunicationServices"
	printf "Windows Registry Editor Version 5.00\r\n\r\n[%s]\r\n\r\n", root
	for (i = 0; i < n; i++) {
		k = sprintf("%08x-facb-11e6-bd58-64006a7986d3", (i * 7919) % 1000003)
		if (i % 10 == 0)
			k = toupper(k)
		printf "[%s\\%s]\r\n\"ElementName\"=\"svc %d\"\r\n\r\n", root, k, i
	}
	printf "[%s\\00000000-FACB-11E6-BD58-64006A7986D3]\r\n\"ElementName\"=\"again\"\r\n\r\n", root
}'
