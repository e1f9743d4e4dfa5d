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
	tests/integration/t_cli.sh
EXTRA_DIST += tests/integration/local.mk \
	tests/integration/lib.sh \
	tests/integration/postfix.sh \
	tests/integration/capture_server.py \
	tests/integration/fault_server.py \
	tests/integration/smtpcheck.py \
	$(INTEGRATION_TESTS) \
	scripts/install-deps.sh \
	scripts/test-all.sh \
	scripts/demo.sh \
	.ci/run
