#!/bin/sh
# install-deps.sh - everything sendsmtp needs to build and to run its whole
# test suite on Debian 12 (bookworm).  Run as root; safe to run again.
#
#   sudo scripts/install-deps.sh && scripts/test-all.sh
#
# Postfix is installed only as a tool: the tests start private instances
# on loopback high ports (tests/integration/postfix.sh).  On a machine
# without an MTA it is preseeded to "No configuration", so the packaged
# instance is not configured and does not listen on port 25.  A machine
# that already runs another MTA (exim4, ...) keeps it: Postfix would
# replace it, so it is skipped there (the tests then skip their Postfix
# legs) unless INSTALL_POSTFIX=1.
set -eu

if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: run as root: sudo $0" >&2
	exit 1
fi
if ! grep -q '^VERSION_CODENAME=bookworm' /etc/os-release 2>/dev/null; then
	echo "install-deps.sh: warning: written for Debian 12 (bookworm)" >&2
fi
export DEBIAN_FRONTEND=noninteractive

BUILD="build-essential autoconf automake pkg-config libgnutls28-dev
libsasl2-dev libsasl2-modules sasl2-bin check ca-certificates git"
TEST="python3 python3-aiosmtpd python3-dkim python3-trustme gnutls-bin
faketime strace php-cli bsd-mailx git-email libmailtools-perl msmtp
hyperfine time valgrind procps mandoc opendkim-tools iproute2
libphp-phpmailer php-symfony-mailer mailutils s-nail mutt ruby-mail
clang libfuzzer-14-dev libclang-rt-14-dev"

# Another MTA installed and no Postfix yet?
pkg_installed()
{
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null |
	    grep -q 'install ok installed'
}
WANT_POSTFIX=1
if ! pkg_installed postfix; then
	for m in exim4-base exim4-daemon-light exim4-daemon-heavy sendmail-bin \
	    opensmtpd nullmailer msmtp-mta dma ssmtp; do
		if pkg_installed "$m" && [ "${INSTALL_POSTFIX:-0}" != 1 ]; then
			echo "install-deps.sh: $m is installed; not installing" \
			    "postfix over it (INSTALL_POSTFIX=1 to force)." >&2
			WANT_POSTFIX=0
		fi
	done
fi
if [ "$WANT_POSTFIX" = 1 ] && ! pkg_installed postfix; then
	# No system configuration: nothing listens on port 25 afterwards.
	echo "postfix postfix/main_mailer_type select No configuration" |
	    debconf-set-selections
	TEST="$TEST postfix"
elif [ "$WANT_POSTFIX" = 1 ]; then
	TEST="$TEST postfix"
fi

apt-get update
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $BUILD $TEST

# The tests never use the system Postfix.  If this script just installed
# it, make sure it is not running (a "No configuration" install has no
# main.cf and does not start; this is belt and braces for containers).
if [ "$WANT_POSTFIX" = 1 ] && [ ! -s /etc/postfix/main.cf ]; then
	if command -v systemctl >/dev/null 2>&1 &&
	    systemctl is-active --quiet postfix 2>/dev/null; then
		systemctl stop postfix || true
	fi
fi

/usr/bin/python3 -c 'import aiosmtpd' ||
    { echo "install-deps.sh: python3-aiosmtpd missing for /usr/bin/python3" >&2;
      exit 1; }
echo "install-deps.sh: done"
