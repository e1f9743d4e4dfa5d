## Integration tests; included from the top-level Makefile.am.
## Add each test script to INTEGRATION_TESTS and every helper file to
## EXTRA_DIST so "make distcheck" ships them.  The scripts source
## lib.sh from $(top_srcdir); they start their own servers on loopback
## ports and exit 77 (skip) when a tool they need is missing.
INTEGRATION_TESTS += \
	tests/integration/t_basic.sh \
	tests/integration/t_php.sh \
	tests/integration/t_cron.sh \
	tests/integration/t_mailx.sh \
	tests/integration/t_git_send_email.sh \
	tests/integration/t_logwatch.sh \
	tests/integration/t_atd.sh \
	tests/integration/t_smuggling.sh \
	tests/integration/t_faults.sh \
	tests/integration/t_longlines.sh \
	tests/integration/t_cli.sh \
	tests/integration/t_queue_basic.sh \
	tests/integration/t_queue_mixed.sh \
	tests/integration/t_queue_crash.sh \
	tests/integration/t_queue_enospc.sh \
	tests/integration/t_queue_concurrent.sh \
	tests/integration/t_queue_backoff.sh \
	tests/integration/t_queue_scale.sh
EXTRA_DIST += tests/integration/local.mk \
	tests/integration/lib.sh \
	tests/integration/postfix.sh \
	tests/integration/capture_server.py \
	tests/integration/fault_server.py \
	tests/integration/srvlib.py \
	tests/integration/smtpcheck.py \
	tests/integration/queue_lib.sh \
	tests/integration/rcptlimit_server.py \
	$(INTEGRATION_TESTS) \
	scripts/install-deps.sh \
	scripts/test-all.sh \
	scripts/demo.sh \
	.ci/run
# TLS (issue 3): test PKI made by pki.sh with certtool at test time.
INTEGRATION_TESTS += \
	tests/integration/t_tls_basic.sh \
	tests/integration/t_tls_verify.sh \
	tests/integration/t_tls_protocol.sh \
	tests/integration/t_tls_postfix.sh
EXTRA_DIST += tests/integration/pki.sh
# AUTH (issue 3): Postfix with Cyrus SASL on sasldb2, and a scripted
# XOAUTH2/OAUTHBEARER server.
INTEGRATION_TESTS += \
	tests/integration/t_auth_postfix.sh \
	tests/integration/t_auth_oauth.sh
EXTRA_DIST += tests/integration/oauth_server.py
# Privileges (issue 3): a setgid copy, a throwaway group and user, run as
# root (skips otherwise).
INTEGRATION_TESTS += \
	tests/integration/t_priv.sh
# DKIM (issue 9): keys made by certtool at test time; python3-dkim and
# opendkim-testmsg (offline, in a private network namespace with
# dns_server.py) verify the signatures.
INTEGRATION_TESTS += \
	tests/integration/t_dkim.sh \
	tests/integration/t_dkim_opendkim.sh
EXTRA_DIST += tests/integration/dkim_lib.sh \
	tests/integration/dkim_verify.py \
	tests/integration/dns_server.py
# System mail (issue 5): aliases, qualification, sender policy, -bv, -bi,
# -oe*, the -bs dialogue, and real clients through a private Postfix.
INTEGRATION_TESTS += \
	tests/integration/t_sysmail.sh \
	tests/integration/t_bs.sh \
	tests/integration/t_clients_mua.sh \
	tests/integration/t_clients_sys.sh
EXTRA_DIST += tests/integration/clients_lib.sh
# Diagnostics (issue 6): the error catalogue end to end (stderr, log,
# mailq, --check, bounces), certificate classes, logging that never
# blocks delivery, the -v AUTH redaction, mandoc -Tlint of the pages.
INTEGRATION_TESTS += \
	tests/integration/t_diag.sh \
	tests/integration/t_diag_tls.sh \
	tests/integration/t_diag_log.sh \
	tests/integration/t_manlint.sh
# Speed (issue 7): TLS session resumption across invocations (the cache
# in the spool), queue runs pipelined across messages and shared among
# parallel sessions, AUTH PLAIN pipelined with the first MAIL.  The
# benchmarks themselves are "make bench".
INTEGRATION_TESTS += \
	tests/integration/t_tls_resume.sh \
	tests/integration/t_queue_pipeline.sh \
	tests/integration/t_auth_pipeline.sh
