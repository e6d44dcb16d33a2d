# Sourced: a private OpenSSH server run per connection (sshd -i) and a client for it, for
# hvnc --fdpass tests and bench/ssh-fdpass.sh. Needs openssh-server and openssh-client.
#   ssh_setup DIR       keys, sshd_config and ssh_config in DIR; sets SSHD_CMD (for hvnc -e)
#   ssh_opts            the client's -F option (Host * settings: keys, known hosts, batch mode)
# As root, sshd insists on its privilege separation directory /run/sshd, which the Debian
# package leaves to systemd (RuntimeDirectory=sshd): made here when missing, as the unit would.
ssh_setup() {
	command -v /usr/sbin/sshd >/dev/null || { echo "no /usr/sbin/sshd (apt-get install openssh-server)" >&2; return 1; }
	d=$1
	mkdir -p "$d"
	ssh-keygen -q -t ed25519 -N '' -f "$d/host" >/dev/null </dev/null || return 1
	ssh-keygen -q -t ed25519 -N '' -f "$d/id" >/dev/null </dev/null || return 1
	cp "$d/id.pub" "$d/authorized_keys"
	cat >"$d/sshd_config" <<EOC
HostKey $d/host
AuthorizedKeysFile $d/authorized_keys
StrictModes no
PidFile none
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
Subsystem sftp /usr/lib/openssh/sftp-server
EOC
	cat >"$d/ssh_config" <<EOC
Host *
	IdentityFile $d/id
	IdentitiesOnly yes
	UserKnownHostsFile $d/known_hosts
	StrictHostKeyChecking no
	LogLevel ERROR
	BatchMode yes
	User $(id -un)
EOC
	[ "$(id -u)" = 0 ] && [ ! -d /run/sshd ] && mkdir -p -m 755 /run/sshd
	SSHD_CMD="/usr/sbin/sshd -i -f $d/sshd_config"
	SSH_DIR=$d
}
ssh_opts() { echo "-F $SSH_DIR/ssh_config"; }
