/* hvnc: netcat for Hyper-V sockets (and vsock, tcp, unix). See man/hvnc.1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "family.h"
#include "forward.h"
#include "hvgetopt.h"
#include "msg.h"
#include "net.h"
#include "opts.h"
#include "register.h"
#include "relay.h"
#include "sys.h"

#define MAX_ARGS 64

static struct {
	int listen, keep, zero, verbose, reg;
	const char *reg_name; /* --register=NAME */
	uint64_t max_conns;
	const char *exec, *sh_exec, *to_text;
	struct hvt_addr addr, to;
	uint64_t wait_ms; /* 0 = system default */
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
	       "  -z, --zero              only check that something listens, send nothing\n"
	       "  -w, --wait SECS         connect timeout\n"
	       "  -i, --idle-timeout SECS close a connection idle for SECS\n"
	       "  -q, --quit-after SECS   quit SECS after stdin EOF, even if the peer is still open\n"
	       "  -d, --no-stdin          do not read stdin (the peer sees EOF at once)\n"
	       "      --no-shutdown       do not half-close the connection on stdin EOF\n"
	       "      --send-only         only send; ignore what the peer sends\n"
	       "      --recv-only         only receive; never read stdin or half-close\n"
	       "  -v, --verbose           report listening, connections and hints on stderr\n"
	       "      --progress          show bytes, rate and elapsed time on stderr\n"
	       "  -h, --help              show this help and exit\n"
	       "  -V, --version           show the version and exit\n"
	       "\n"
	       "Durations take s (default), ms, m or h: 5, 1.5s, 250ms.\n"
	       "Exit status: 0 success, 1 failure, 2 usage error, 128+N killed by signal N.\n");
	exit(HVT_EXIT_OK);
}

enum { OPT_TO = 256, OPT_NO_SHUTDOWN, OPT_SEND_ONLY, OPT_RECV_ONLY, OPT_PROGRESS, OPT_REGISTER };

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
	{ "verbose", hvt_no_argument, NULL, 'v' },
	{ "progress", hvt_no_argument, NULL, OPT_PROGRESS },
	{ "register", hvt_optional_argument, NULL, OPT_REGISTER },
	{ "help", hvt_no_argument, NULL, 'h' },
	{ "version", hvt_no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void parse_addr(const char *what, const char *text, int flags, struct hvt_addr *a)
{
	char err[512];
	if (hvt_addr_parse(text, flags, a, err, sizeof err) != 0)
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
	{ HVT_OPT_NEEDS, .a = { 'm' }, .b = { 'k' } },
	{ HVT_OPT_NEEDS, .a = { OPT_REGISTER }, .b = { 'l' } },
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

static int connect_to(const struct hvt_addr *a, hvt_sock *s)
{
	int rc = hvt_sock_connect(a, opt.wait_ms, note_waiting, NULL, s);
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
		rc = hvt_run_on_socket(s, opt.exec_argv, opt.sh_exec, env, nenv);
		hvt_sock_close(s);
		if (rc < 0) {
			hvt_warn(-rc, "cannot run '%s'", opt.exec ? opt.exec_argv[0] : "/bin/sh");
			return HVT_EXIT_FAIL;
		}
		return rc;
	}
	if (opt.to_text) {
		hvt_sock t;
		if (connect_to(&opt.to, &t) != 0) {
			hvt_sock_close(s);
			return HVT_EXIT_FAIL;
		}
		rc = hvt_relay_pair(hvt_end_of(s, &opt.addr), hvt_end_of(t, &opt.to), &opt.relay,
				    &r);
		status = relay_status(rc, &r);
		hvt_sock_close(t);
		hvt_sock_close(s);
		return status;
	}
	rc = hvt_relay_stdio(hvt_end_of(s, &opt.addr), &opt.relay, &r);
	status = relay_status(rc, &r);
	hvt_sock_close(s);
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
static int accept_loop(hvt_sock l)
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
		rc = hvt_sock_accept(l, &s, &peer);
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
				hvt_sock_close(s);
			}
			continue;
		}
		status = serve(s);
		if (!opt.keep)
			break;
	}
	return status;
}

static int run_listen(void)
{
	hvt_sock l;
	int rc = hvt_sock_listen(&opt.addr, 128, &l);
	if (rc != 0) {
		hvt_report("listen on", &opt.addr, rc);
		return HVT_EXIT_FAIL;
	}
	if (opt.verbose)
		hvt_note_listening(l, &opt.addr);
	int status;
	if (opt.keep && opt.to_text && !opt.relay.progress && hvt_forward_serves(&opt.to)) {
		/* All connections in one event loop, no process each (common/forward.h). */
		struct hvt_forward_opts fo = { opt.relay, opt.max_conns, opt.wait_ms, opt.verbose };
		status = hvt_forward(l, &opt.addr, &opt.to, &fo) == 0 ? HVT_EXIT_OK : HVT_EXIT_FAIL;
	} else {
		status = accept_loop(l);
	}
	hvt_sock_close(l);
	hvt_sock_unlink(&opt.addr);
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
		hvt_sock_close(s);
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
	while ((c = hvt_getopt_long(&g, argc, argv, "lkm:e:c:zw:i:q:dvhV", longopts, NULL)) != -1) {
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
		case OPT_REGISTER:
			opt.reg = 1;
			opt.reg_name = g.optarg;
			break;
		case 'v': opt.verbose = 1; break;
		case 'h': usage(); break;
		case 'V': hvt_version(); break;
		default: exit(HVT_EXIT_USAGE);
		}
	}
	if (g.optind >= argc)
		hvt_usage_error("missing ADDRESS");
	if (g.optind + 1 < argc)
		hvt_usage_error("unexpected argument '%s' (one ADDRESS only; quote -e/-c commands)",
				argv[g.optind + 1]);
	hvt_opt_check(&opt_spec, &used);
	if (opt.keep && !opt.max_conns)
		opt.max_conns = 100;
	parse_addr("", argv[g.optind], opt.listen ? HVT_ADDR_LISTEN : 0, &opt.addr);
	if (opt.to_text)
		parse_addr("--to: ", opt.to_text, 0, &opt.to);
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
