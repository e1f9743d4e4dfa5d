/*
 * fuzz_config.c - libFuzzer target: the configuration parser
 * (config.c, config_keys.c) through config_load_sender(), the same path
 * sendsmtp takes (-C FILE from a user is refused while privileged, but
 * the parser must still be safe on any file).
 *
 * The input is written to a memfd (mode 0600, so the secure-file checks
 * pass) and loaded as /proc/self/fd/N.  The input size picks the
 * account: none, "work", or the one whose "from" is bob@example.org.
 * Invariants: a failure is EX_CONFIG (or EX_OSERR) with one line of
 * text; a success has a host, a valid port and one-line strings, and
 * config_free() leaves the struct zeroed.
 */
#include "compat.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

static int	 memfd = -1;
static char	 path[64];

static void	 check_str(const char *, const char *);
static void	 check_ok(const struct config *);

static void
check_str(const char *what, const char *s)
{
	if (s != NULL && strpbrk(s, "\r\n") != NULL)
		fuzz_fail("config", "CR or LF in %s", what);
}

static void
check_ok(const struct config *c)
{
	int port;

	if (c->host == NULL || c->host[0] == '\0')
		fuzz_fail("config", "loaded without a host");
	port = config_port(c);
	if (port < 1 || port > 65535)
		fuzz_fail("config", "port %d", port);
	if (c->auth == AUTH_MODE_DEFAULT)
		fuzz_fail("config", "auth mode left at default");
	if (c->retry_min > c->retry_max)
		fuzz_fail("config", "retry_min %ld > retry_max %ld",
		    c->retry_min, c->retry_max);
	check_str("host", c->host);
	check_str("user", c->user);
	check_str("from", c->from);
	check_str("domain", c->domain);
	check_str("queue_dir", c->queue_dir);
	check_str("log", c->log);
	check_str("password", c->password);
	check_str("passwordeval", c->passwordeval);
	check_str("auth_mech", c->auth_mech);
	check_str("dkim_selector", c->dkim_selector);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char zero[sizeof(struct config)];
	struct config cfg;
	struct diag d;
	const char *account = NULL, *sender = NULL;
	int rc;

	if (memfd == -1) {
		memfd = memfd_create("fuzz_config", MFD_CLOEXEC);
		if (memfd == -1 || fchmod(memfd, 0600) == -1)
			fuzz_fail("config", "memfd");
		(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	}
	if (ftruncate(memfd, 0) == -1 ||
	    (size > 0 && pwrite(memfd, data, size, 0) != (ssize_t)size))
		fuzz_fail("config", "memfd write");
	if (size % 3 == 1)
		account = "work";
	else if (size % 3 == 2)
		sender = "bob@example.org";

	memset(&cfg, 0, sizeof(cfg));
	diag_clear(&d);
	rc = config_load_sender(path, account, sender, &cfg, &d);
	if (rc == 0)
		check_ok(&cfg);
	else if ((d.exitcode != EX_CONFIG && d.exitcode != EX_OSERR) ||
	    d.text[0] == '\0' || strpbrk(d.text, "\r\n") != NULL)
		fuzz_fail("config", "failure %d: %s", d.exitcode, d.text);
	config_free(&cfg);
	if (memcmp(&cfg, zero, sizeof(cfg)) != 0)
		fuzz_fail("config", "config_free left data");
	config_free(&cfg);
	return 0;
}
