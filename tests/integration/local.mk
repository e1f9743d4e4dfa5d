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
