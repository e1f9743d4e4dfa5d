## Integration tests; included from the top-level Makefile.am.
## Add each test script to INTEGRATION_TESTS and every helper file to
## EXTRA_DIST so "make distcheck" ships them.
INTEGRATION_TESTS +=
EXTRA_DIST += tests/integration/local.mk
