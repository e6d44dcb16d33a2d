/* hvnc: netcat for Hyper-V sockets (and vsock, tcp, unix). See man/hvnc.1. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "family.h"
#include "fdpass.h"
#include "forward.h"
#include "hvgetopt.h"
#include "listener.h"
#include "msg.h"
#include "net.h"
#include "notify.h"
#include "npipe.h"
#include "opts.h"
#include "register.h"
#include "relay.h"
#include "sys.h"
#include "wsl.h"

#define MAX_ARGS	   64
#define MAX_UNTIL	   8
/* an optional argument is never the next word (getopt): say so when one is left over */
#define REGISTER_NAME_NOTE "a NAME for --register goes as --register=NAME"
#define NOTIFY_READ_MS                                                                             \
	5000u /* a notify sender writes and half-closes at once; one that does not is dropped */

static struct {
	int listen, keep, zero, verbose, start_wsl, reg;
	const char *reg_name; /* --register=NAME */
	uint64_t max_conns;
	const char *exec, *sh_exec, *to_text;
	struct hvt_addr addr, to;
	uint64_t wait_ms;  /* 0 = system default */
	uint64_t retry_ms; /* --retry: keep connecting while nothing listens (0: once) */
	int fdpass, notify, json, forward_notify, nuntil;
	uint64_t timeout_ms; /* --timeout for --notify (0: none) */
	const char *notify_socket;
	struct hvt_notify_until until[MAX_UNTIL];
	struct hvt_relay_opts relay;
	char *exec_argv[MAX_ARGS + 1];
} opt;

static void usage(void)
{
	printf("Usage: %s [options] ADDRESS\n"
	       "       %s -l [options] ADDRESS\n"
	       "Netcat for Hyper-V sockets: relay stdin/stdout, a program or another address to a\n"
	       "connection.\n"
	       "\n"
	       "Addresses (see hvsock(7)):\n",
	       hvt_progname(), hvt_progname());
	hvt_families_help(stdout);
	printf("\n"
	       "Options:\n"
	       "  -l, --listen            listen for a connection instead of connecting\n"
	       "  -k, --keep-open         with -l, keep accepting connections\n"
	       "  -m, --max-conns N       with -k, serve at most N connections at once (100)\n"
	       "  -e, --exec 'PROG ARGS'  run PROG per connection, socket as stdin/stdout (no shell)\n"
	       "  -c, --sh-exec 'CMD'     run CMD through /bin/sh per connection\n"
	       "      --to ADDRESS        forward each connection to ADDRESS\n"
	       "      --register[=NAME]   listening on hv:SERVICE, register SERVICE on this\n"
	       "                          Hyper-V host (and remove it at exit if added)\n"
	       "      --pipe-sddl SDDL    listening on npipe:, the pipe's security descriptor\n"
	       "                          (default: this user, SYSTEM and Administrators)\n"
	       "  -z, --zero              only check that something listens, send nothing\n"
	       "  -w, --wait SECS         connect timeout\n"
	       "      --retry DURATION    connect again while nothing listens, for DURATION\n"
	       "      --fdpass            connect, pass the socket to ssh over stdout, exit\n"
	       "      --notify            with -l, receive sd_notify messages and print them\n"
	       "      --until MATCH       with --notify, exit 0 once a message has the line MATCH:\n"
	       "                          KEY=VALUE, or KEY alone for any value (READY, Ready)\n"
	       "      --timeout DURATION  with --notify, stop after DURATION (exit 1 with --until)\n"
	       "      --forward-notify    with --notify, pass each message on to $NOTIFY_SOCKET\n"
	       "  -j, --json              with --notify, print each message as one JSON line\n"
	       "  -i, --idle-timeout SECS close a connection idle for SECS\n"
	       "  -q, --quit-after SECS   quit SECS after stdin EOF, even if the peer is still open\n"
	       "  -d, --no-stdin          do not read stdin (the peer sees EOF at once)\n"
	       "      --no-shutdown       do not half-close the connection on stdin EOF\n"
	       "      --send-only         only send; ignore what the peer sends\n"
	       "      --recv-only         only receive; never read stdin or half-close\n"
	       "      --start-wsl         for hv:wsl:, start WSL when it is not running\n"
	       "  -v, --verbose           report listening, connections and hints on stderr\n"
	       "      --progress          show bytes, rate and elapsed time on stderr\n"
	       "  -h, --help              show this help and exit\n"
	       "  -V, --version           show the version and exit\n"
	       "\n"
	       "Durations take s (default), ms, m or h: 5, 1.5s, 250ms.\n"
	       "Exit status: 0 success, 1 failure, 2 usage error, 128+N killed by signal N.\n");
	exit(HVT_EXIT_OK);
}

enum {
	OPT_TO = 256,
	OPT_NO_SHUTDOWN,
	OPT_SEND_ONLY,
	OPT_RECV_ONLY,
	OPT_PROGRESS,
	OPT_START_WSL,
	OPT_RETRY,
	OPT_FDPASS,
	OPT_NOTIFY,
	OPT_UNTIL,
	OPT_TIMEOUT,
	OPT_FORWARD_NOTIFY,
	OPT_REGISTER,
	OPT_PIPE_SDDL
};

static const struct hvt_option longopts[] = {
	{ "listen", hvt_no_argument, NULL, 'l' },
	{ "keep-open", hvt_no_argument, NULL, 'k' },
	{ "max-conns", hvt_required_argument, NULL, 'm' },
	{ "exec", hvt_required_argument, NULL, 'e' },
	{ "sh-exec", hvt_required_argument, NULL, 'c' },
	{ "to", hvt_required_argument, NULL, OPT_TO },
	{ "zero", hvt_no_argument, NULL, 'z' },
	{ "wait", hvt_required_argument, NULL, 'w' },
	{ "idle-timeout", hvt_required_argument, NULL, 'i' },
	{ "quit-after", hvt_required_argument, NULL, 'q' },
	{ "no-stdin", hvt_no_argument, NULL, 'd' },
	{ "no-shutdown", hvt_no_argument, NULL, OPT_NO_SHUTDOWN },
	{ "send-only", hvt_no_argument, NULL, OPT_SEND_ONLY },
	{ "recv-only", hvt_no_argument, NULL, OPT_RECV_ONLY },
	{ "retry", hvt_required_argument, NULL, OPT_RETRY },
	{ "fdpass", hvt_no_argument, NULL, OPT_FDPASS },
	{ "notify", hvt_no_argument, NULL, OPT_NOTIFY },
	{ "until", hvt_required_argument, NULL, OPT_UNTIL },
	{ "timeout", hvt_required_argument, NULL, OPT_TIMEOUT },
	{ "forward-notify", hvt_no_argument, NULL, OPT_FORWARD_NOTIFY },
	{ "json", hvt_no_argument, NULL, 'j' },
	{ "verbose", hvt_no_argument, NULL, 'v' },
	{ "progress", hvt_no_argument, NULL, OPT_PROGRESS },
	{ "start-wsl", hvt_no_argument, NULL, OPT_START_WSL },
	{ "register", hvt_optional_argument, NULL, OPT_REGISTER },
	{ "pipe-sddl", hvt_required_argument, NULL, OPT_PIPE_SDDL },
	{ "help", hvt_no_argument, NULL, 'h' },
	{ "version", hvt_no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void parse_addr(const char *what, const char *text, int flags, struct hvt_addr *a)
{
	char err[512];
	int rc = hvt_addr_parse(text, flags, a, err, sizeof err);
	if (rc == HVT_ADDR_UNRESOLVED)
		hvt_diex(HVT_EXIT_FAIL, "%s%s", what, err);
	if (rc != 0)
		hvt_usage_error("%s%s", what, err);
}

/* -e 'PROG ARGS' is split on blanks, like ncat: no quoting, no shell. */
static void split_exec(const char *cmd)
{
	static char copy[4096];
	int n = 0;
	size_t len = strlen(cmd);
	if (len >= sizeof copy)
		hvt_usage_error("invalid -e '%.40s...': longer than %zu characters", cmd,
				sizeof copy - 1);
	memcpy(copy, cmd, len + 1);
	for (char *p = strtok(copy, " \t"); p; p = strtok(NULL, " \t")) {
		if (n == MAX_ARGS)
			hvt_usage_error("invalid -e '%s': more than %d words", cmd, MAX_ARGS);
		opt.exec_argv[n++] = p;
	}
	if (n == 0)
		hvt_usage_error("invalid -e '%s': expected a program name", cmd);
	opt.exec_argv[n] = NULL;
}

static void pipe_sddl(const char *s)
{
	if (!hvt_npipe_supported())
		hvt_usage_error("--pipe-sddl: named pipes are a Windows thing");
	int rc = hvt_npipe_set_sddl(s);
	if (rc != 0)
		hvt_usage_error("invalid --pipe-sddl '%s': expected a security descriptor in SDDL, "
				"such as 'D:P(A;;GA;;;SY)(A;;GA;;;WD)'",
				s);
}

/* Which options go together (common/opts.h). */
static const struct hvt_opt_rule rules[] = {
	{ HVT_OPT_EXCLUSIVE, .a = { 'e', 'c', OPT_TO } },
	{ HVT_OPT_EXCLUSIVE, .a = { 'z', 'l' } },
	{ HVT_OPT_CONFLICTS, .a = { 'z' }, .b = { 'e', 'c', OPT_TO } },
	{ HVT_OPT_CONFLICTS, .a = { 'z' },
	  .b = { 'd', 'q', 'i', OPT_SEND_ONLY, OPT_RECV_ONLY, OPT_PROGRESS } },
	{ HVT_OPT_EXCLUSIVE, .a = { OPT_SEND_ONLY, OPT_RECV_ONLY } },
	/* the relay options are for stdin/stdout and --to, not for programs */
	{ HVT_OPT_CONFLICTS, .a = { 'e', 'c' },
	  .b = { 'd', 'q', 'i', OPT_NO_SHUTDOWN, OPT_SEND_ONLY, OPT_RECV_ONLY, OPT_PROGRESS } },
	{ HVT_OPT_CONFLICTS, .a = { OPT_TO }, .b = { 'd', 'q', OPT_SEND_ONLY, OPT_RECV_ONLY } },
	{ HVT_OPT_NEEDS, .a = { 'k' }, .b = { 'l' } },
	/* --fdpass hands the connection over: nothing is relayed, nothing listens */
	{ HVT_OPT_EXCLUSIVE, .a = { OPT_FDPASS, 'l' } },
	{ HVT_OPT_CONFLICTS, .a = { OPT_FDPASS },
	  .b = { 'z', 'd', 'q', 'i', OPT_NO_SHUTDOWN, OPT_SEND_ONLY, OPT_RECV_ONLY,
		 OPT_PROGRESS } },
	{ HVT_OPT_CONFLICTS, .a = { OPT_FDPASS }, .b = { 'e', 'c', OPT_TO } },
	/* --notify reads messages: no program, no relay, one sender at a time */
	{ HVT_OPT_NEEDS, .a = { OPT_NOTIFY }, .b = { 'l' } },
	{ HVT_OPT_CONFLICTS, .a = { OPT_NOTIFY },
	  .b = { 'e', 'c', OPT_TO, 'm', 'd', 'q', 'i', OPT_PROGRESS } },
	{ HVT_OPT_CONFLICTS, .a = { OPT_NOTIFY },
	  .b = { OPT_NO_SHUTDOWN, OPT_SEND_ONLY, OPT_RECV_ONLY } },
	{ HVT_OPT_NEEDS, .a = { OPT_UNTIL, OPT_TIMEOUT, OPT_FORWARD_NOTIFY, 'j' },
	  .b = { OPT_NOTIFY } },
	{ HVT_OPT_NEEDS, .a = { 'm' }, .b = { 'k' } },
	{ HVT_OPT_NEEDS, .a = { OPT_REGISTER }, .b = { 'l' } },
	{ HVT_OPT_NEEDS, .a = { OPT_PIPE_SDDL }, .b = { 'l' } },
	{ .kind = HVT_OPT_END },
};
static const struct hvt_opt_spec opt_spec = { longopts, 0, NULL, rules };

static void note_waiting(const struct hvt_addr *a, uint64_t elapsed_ms, void *ctx)
{
	char buf[HVT_ADDR_STRLEN];
	(void)ctx;
	if (!opt.verbose)
		return;
	const char *hint = hvt_hint(a, hvt_err_timeout());
	hvt_warnx("still connecting to %s after %llu s%s%s", hvt_addr_format(a, buf, sizeof buf),
		  (unsigned long long)(elapsed_ms / 1000), hint ? ": " : "", hint ? hint : "");
}

static void note_retrying(const struct hvt_addr *a, int code, unsigned attempts, uint64_t left_ms,
			  void *ctx)
{
	char buf[HVT_ADDR_STRLEN];
	(void)ctx;
	if (opt.verbose)
		hvt_warnx("connect %s: %s; retrying (attempt %u, %.1f s left of --retry)",
			  hvt_addr_format(a, buf, sizeof buf), hvt_connect_strerror(code),
			  attempts + 1, (double)left_ms / 1000.0);
}

static int connect_to(const struct hvt_addr *a, hvt_sock *s)
{
	int rc = hvt_sock_connect_retry(a, opt.wait_ms, opt.retry_ms, note_waiting, note_retrying,
					NULL, s);
	if (rc != 0) {
		if (!hvt_interrupted()) /* Ctrl-C is no error to explain */
			hvt_report("connect", a, rc);
		return rc;
	}
	if (opt.verbose) {
		char buf[HVT_ADDR_STRLEN];
		hvt_warnx("connected to %s", hvt_addr_format(a, buf, sizeof buf));
	}
	return 0;
}

static int relay_status(int rc, const struct hvt_relay_result *r)
{
	if (r->idle_timeout) {
		hvt_warnx("idle for %.1f s, closing", (double)opt.relay.idle_ms / 1000.0);
		return HVT_EXIT_FAIL;
	}
	if (rc == 0)
		return HVT_EXIT_OK;
	int sig = hvt_interrupted();
	if (sig)
		return 128 + sig;
	hvt_warnx("%s: %s", r->where ? r->where : "relay", hvt_strerror(rc));
	return HVT_EXIT_FAIL;
}

/* Serves one established connection s per the options; closes s. Returns an exit status. */
static int serve(hvt_sock s)
{
	struct hvt_relay_result r;
	int status, rc;
	if (opt.exec || opt.sh_exec) {
		struct hvt_env env[HVT_ENV_MAX];
		int nenv = hvt_conn_env(s, &opt.addr, env);
		struct hvt_end c = hvt_end_of(s, &opt.addr);
		rc = hvt_run_on_conn(&c, opt.exec_argv, opt.sh_exec, env, nenv);
		hvt_conn_close(s, &opt.addr);
		if (rc < 0) {
			hvt_warn(-rc, "cannot run '%s'", opt.exec ? opt.exec_argv[0] : "/bin/sh");
			return HVT_EXIT_FAIL;
		}
		return rc;
	}
	if (opt.to_text) {
		hvt_sock t;
		if (connect_to(&opt.to, &t) != 0) {
			hvt_conn_close(s, &opt.addr);
			return HVT_EXIT_FAIL;
		}
		rc = hvt_relay_pair(hvt_end_of(s, &opt.addr), hvt_end_of(t, &opt.to), &opt.relay,
				    &r);
		status = relay_status(rc, &r);
		hvt_conn_close(t, &opt.to);
		hvt_conn_close(s, &opt.addr);
		return status;
	}
	rc = hvt_relay_stdio(hvt_end_of(s, &opt.addr), &opt.relay, &r);
	status = relay_status(rc, &r);
	hvt_conn_close(s, &opt.addr);
	return status;
}

struct task {
	hvt_sock s;
};

static int serve_task(void *ctx)
{
	return serve(((struct task *)ctx)->s);
}

/* Accepts and serves connections on l until done (-k: until interrupted). */
static int accept_loop(struct hvt_listener *l)
{
	char buf[HVT_ADDR_STRLEN];
	hvt_sock s;
	int rc, status = HVT_EXIT_OK;
	int concurrent = opt.keep && (opt.exec || opt.sh_exec || opt.to_text);
	for (;;) {
		if (concurrent)
			hvt_tasks_wait_below((int)opt.max_conns);
		if (hvt_interrupted())
			break;
		struct hvt_addr peer;
		rc = hvt_listener_accept(l, &s, &peer, UINT64_MAX);
		if (rc != 0) {
			if (!hvt_interrupted()) {
				hvt_report("accept on", &opt.addr, rc);
				status = HVT_EXIT_FAIL;
			}
			break;
		}
		if (opt.verbose)
			hvt_warnx("connection from %s", hvt_addr_format(&peer, buf, sizeof buf));
		if (concurrent) {
			struct task t = { s };
			rc = hvt_task_start(serve_task, &t, sizeof t, s);
			if (rc != 0) {
				hvt_warn(rc, "cannot serve connection");
				hvt_conn_close(s, &opt.addr);
			}
			continue;
		}
		status = serve(s);
		if (!opt.keep)
			break;
	}
	return status;
}

/* One sd_notify message from connection s (common/notify.h): printed, passed on; 1 when it
 * has a line --until waits for, -1 when stdout failed (a reader that went away). */
static int notify_one(hvt_sock s, const struct hvt_addr *peer, uint64_t limit_ms)
{
	char msg[HVT_NOTIFY_MAX], from[HVT_ADDR_STRLEN];
	size_t len = 0;
	hvt_addr_format(peer, from, sizeof from);
	int rc = hvt_notify_read(s, msg, limit_ms < NOTIFY_READ_MS ? limit_ms : NOTIFY_READ_MS,
				 &len);
	hvt_conn_close(s, &opt.addr);
	if (rc == HVT_NOTIFY_TOO_LONG || rc == hvt_err_timeout()) {
		hvt_warnx("message from %s dropped: %s", from,
			  rc == HVT_NOTIFY_TOO_LONG   ? "longer than 4096 bytes"
			  : limit_ms < NOTIFY_READ_MS ? "the sender had not closed at --timeout"
						      : "the sender did not close within 5 s");
		return 0;
	}
	if (rc != 0) {
		if (!hvt_interrupted())
			hvt_warn(rc, "message from %s", from);
		return 0;
	}
	if (len == 0)
		return 0; /* a connection that only probed */
	errno = 0;
	hvt_notify_print(stdout, msg, len, from, opt.json);
	if (ferror(stdout)) {
		/* said here with the cause (hvt_close_stdout at exit would only see the flag) */
		hvt_warnx("write error on standard output: %s", strerror(errno ? errno : EIO));
		clearerr(stdout);
		return -1;
	}
	if (opt.forward_notify) {
		rc = hvt_notify_forward(opt.notify_socket, msg, len);
		if (rc != 0)
			hvt_warn(rc, "--forward-notify: NOTIFY_SOCKET=%s", opt.notify_socket);
	}
	return opt.nuntil && hvt_notify_match(msg, len, opt.until, opt.nuntil);
}

/* hvnc -l ADDRESS --notify: one sender at a time, until --until or --timeout. */
static int notify_loop(struct hvt_listener *l)
{
	char buf[HVT_ADDR_STRLEN];
	uint64_t start = hvt_now_ns();
	while (!hvt_interrupted()) {
		uint64_t spent = (hvt_now_ns() - start) / 1000000u, wait = 1000;
		if (opt.timeout_ms) {
			if (spent >= opt.timeout_ms) {
				if (!opt.nuntil)
					return HVT_EXIT_OK;
				char what[MAX_UNTIL * 200] = "";
				for (int i = 0, at = 0; i < opt.nuntil && at < (int)sizeof what;
				     i++)
					at += snprintf(
						what + at, sizeof what - (size_t)at, "%s%s%s%s",
						i ? " or " : "", opt.until[i].key,
						opt.until[i].value ? "=" : "",
						opt.until[i].value ? opt.until[i].value : "");
				hvt_warnx("timed out after %.1f s waiting for --until %s",
					  (double)opt.timeout_ms / 1000.0, what);
				return HVT_EXIT_FAIL;
			}
			if (opt.timeout_ms - spent < wait)
				wait = opt.timeout_ms - spent;
		}
		struct hvt_addr peer;
		hvt_sock s = HVT_SOCK_INVALID;
		int rc = hvt_listener_accept(l, &s, &peer, wait);
		if (rc == hvt_err_timeout() && !hvt_interrupted())
			continue;
		if (rc != 0) {
			if (hvt_interrupted())
				break;
			hvt_report("accept on", &opt.addr, rc);
			return HVT_EXIT_FAIL;
		}
		if (opt.verbose)
			hvt_warnx("connection from %s", hvt_addr_format(&peer, buf, sizeof buf));
		spent = (hvt_now_ns() - start) / 1000000u;
		uint64_t left =
			opt.timeout_ms
				? opt.timeout_ms - (spent < opt.timeout_ms ? spent : opt.timeout_ms)
				: UINT64_MAX;
		int got = notify_one(s, &peer, left ? left : 1);
		if (got != 0)
			return got > 0 ? HVT_EXIT_OK : HVT_EXIT_FAIL;
	}
	return HVT_EXIT_FAIL; /* interrupted: run_listen returns 128 + N */
}

static int run_listen(void)
{
	struct hvt_listener l;
	if (hvt_listener_open(&l, &opt.addr, 128, opt.verbose) != 0)
		return HVT_EXIT_FAIL;
	int status;
	if (opt.notify) {
		status = notify_loop(&l);
	} else if (opt.keep && opt.to_text && !opt.relay.progress && !opt.retry_ms &&
		   hvt_forward_serves(&opt.to) && !l.follows && hvt_listener_is_socket(&l)) {
		/* All connections in one event loop, no process each (common/forward.h). A
		 * listener that follows the WSL VM rebinds, so it serves through accept_loop. */
		struct hvt_forward_opts fo = { opt.relay, opt.max_conns, opt.wait_ms, opt.verbose };
		status = hvt_forward(l.s, &opt.addr, &opt.to, &fo) == 0 ? HVT_EXIT_OK
									: HVT_EXIT_FAIL;
	} else {
		status = accept_loop(&l);
	}
	hvt_listener_close(&l);
	if (hvt_interrupted()) {
		hvt_tasks_stop(hvt_interrupted()); /* the whole service ends: -e/-c programs too */
		return 128 + hvt_interrupted();
	}
	return status;
}

static int run_connect(void)
{
	hvt_sock s;
	if (connect_to(&opt.addr, &s) != 0)
		return hvt_interrupted() ? 128 + hvt_interrupted() : HVT_EXIT_FAIL;
	if (opt.zero) {
		hvt_conn_close(s, &opt.addr);
		return HVT_EXIT_OK;
	}
	if (opt.fdpass) {
		/* ssh's ProxyUseFdpass: stdout is a unix socket; the connection goes over it and
		 * ssh talks to the peer directly, with no relay in between. */
		int rc = hvt_sock_pass(s, 1);
		hvt_conn_close(s, &opt.addr);
		if (rc != 0) {
			hvt_warn(rc, "--fdpass: cannot hand the connection to stdout (ssh runs "
				     "this with ProxyUseFdpass=yes, stdout a unix socket)");
			return HVT_EXIT_FAIL;
		}
		if (opt.verbose)
			hvt_warnx("handed the connection to stdout");
		return HVT_EXIT_OK;
	}
	return serve(s);
}

int main(int argc, char **argv)
{
	struct hvt_getopt g = { 0 };
	struct hvt_opt_used used = { { 0 } };
	int c;

	hvt_init(argv[0]);
	hvt_relay_opts_init(&opt.relay);
	while ((c = hvt_getopt_long(&g, argc, argv, "lkm:e:c:zw:i:q:djvhV", longopts, NULL)) !=
	       -1) {
		hvt_opt_use(&used, c);
		switch (c) {
		case 'l': opt.listen = 1; break;
		case 'k': opt.keep = 1; break;
		case 'm': opt.max_conns = hvt_opt_number("-m", g.optarg, 1, 100000); break;
		case 'e': opt.exec = g.optarg; break;
		case 'c': opt.sh_exec = g.optarg; break;
		case OPT_TO: opt.to_text = g.optarg; break;
		case 'z': opt.zero = 1; break;
		case 'w': opt.wait_ms = hvt_opt_duration("-w", g.optarg, HVT_OPT_DAY_MS, 1); break;
		case 'i':
			opt.relay.idle_ms = hvt_opt_duration("-i", g.optarg, HVT_OPT_DAY_MS, 1);
			break;
		case 'q':
			opt.relay.quit_ms = hvt_opt_duration("-q", g.optarg, HVT_OPT_DAY_MS, 0);
			break;
		case 'd': opt.relay.no_stdin = 1; break;
		case OPT_NO_SHUTDOWN: opt.relay.no_shutdown = 1; break;
		case OPT_SEND_ONLY: opt.relay.send_only = 1; break;
		case OPT_RECV_ONLY: opt.relay.recv_only = 1; break;
		case OPT_PROGRESS: opt.relay.progress = 1; break;
		case OPT_START_WSL: opt.start_wsl = 1; break;
		case OPT_RETRY:
			opt.retry_ms = hvt_opt_duration("--retry", g.optarg, HVT_OPT_DAY_MS, 1);
			break;
		case OPT_FDPASS: opt.fdpass = 1; break;
		case OPT_NOTIFY: opt.notify = 1; break;
		case OPT_UNTIL:
			if (opt.nuntil == MAX_UNTIL)
				hvt_usage_error("too many --until (at most %d)", MAX_UNTIL);
			if (hvt_notify_until_parse(g.optarg, &opt.until[opt.nuntil++]) != 0)
				hvt_usage_error("invalid --until '%s': expected KEY or KEY=VALUE "
						"(KEY of 1-127 bytes)",
						g.optarg);
			break;
		case OPT_TIMEOUT:
			opt.timeout_ms = hvt_opt_duration("--timeout", g.optarg, HVT_OPT_DAY_MS, 1);
			break;
		case OPT_FORWARD_NOTIFY: opt.forward_notify = 1; break;
		case 'j': opt.json = 1; break;
		case OPT_REGISTER:
			opt.reg = 1;
			opt.reg_name = g.optarg;
			break;
		case OPT_PIPE_SDDL: pipe_sddl(g.optarg); break;
		case 'v': opt.verbose = 1; break;
		case 'h': usage(); break;
		case 'V': hvt_version(); break;
		default: exit(HVT_EXIT_USAGE);
		}
	}
	if (g.optind >= argc)
		hvt_usage_error("missing ADDRESS");
	if (g.optind + 1 < argc)
		hvt_usage_error(
			"unexpected argument '%s' (one ADDRESS only; %s)", argv[g.optind + 1],
			opt.reg && !opt.reg_name ? REGISTER_NAME_NOTE : "quote -e/-c commands");
	hvt_opt_check(&opt_spec, &used);
	if (opt.retry_ms && opt.listen && !opt.to_text)
		hvt_usage_error("--retry is for connects: ADDRESS without -l, or --to ADDRESS");
	if (opt.fdpass && !hvt_fdpass_supported())
		hvt_diex(HVT_EXIT_FAIL,
			 "--fdpass: not supported on this platform (no SCM_RIGHTS to "
			 "hand a socket over); use 'hvnc ADDRESS' as a plain ProxyCommand");
	if (opt.forward_notify && !hvt_notify_can_forward())
		hvt_diex(HVT_EXIT_FAIL, "--forward-notify: not supported on this platform (no unix "
					"datagram sockets to pass messages on)");
	if (opt.forward_notify) {
		opt.notify_socket = getenv("NOTIFY_SOCKET");
		if (!opt.notify_socket || !*opt.notify_socket)
			hvt_usage_error("--forward-notify: NOTIFY_SOCKET is not set (the unix "
					"socket of the service manager, a path or @name)");
	}
	if (opt.keep && !opt.max_conns)
		opt.max_conns = 100;
	hvt_wsl_allow_start(opt.start_wsl);
	parse_addr("", argv[g.optind], opt.listen ? HVT_ADDR_LISTEN : 0, &opt.addr);
	if (opt.verbose)
		hvt_wsl_note(&opt.addr);
	if (!hvt_addr_is_socket(&opt.addr) && (opt.notify || opt.fdpass))
		hvt_usage_error("%s: connections of '%s' are not sockets, which it needs",
				opt.notify ? "--notify" : "--fdpass", argv[g.optind]);
	if (opt.to_text) {
		parse_addr("--to: ", opt.to_text, HVT_ADDR_LATER, &opt.to);
		if (opt.verbose)
			hvt_wsl_note(&opt.to);
	}
	if (opt.exec)
		split_exec(opt.exec);

	int rc = hvt_net_init();
	if (rc != 0)
		hvt_die(HVT_EXIT_FAIL, rc, "cannot start sockets");
	hvt_signals_init();
	if (opt.reg)
		hvt_register_listen(&opt.addr, opt.reg_name, "hvnc", opt.verbose);
	return opt.listen ? run_listen() : run_connect();
}
