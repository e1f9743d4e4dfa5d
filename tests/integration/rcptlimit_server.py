#!/usr/bin/python3
"""rcptlimit_server.py - capture_server.py with a recipient limit.

Every RCPT beyond --max-rcpt N in one transaction is answered
"452 4.5.3 Error: too many recipients" (RFC 5321 4.5.3.1.10), as
Postfix's smtpd_recipient_limit does.  Everything else, options and the
recorded files included, is capture_server.py's.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capture_server  # noqa: E402

MAX_RCPT = [1]


class LimitSMTP(capture_server.CaptureSMTP):
    async def smtp_RCPT(self, arg):
        if (self.envelope.mail_from is not None
                and len(self.envelope.rcpt_tos) >= MAX_RCPT[0]):
            return await self.push("452 4.5.3 Error: too many recipients")
        return await super().smtp_RCPT(arg)


def main():
    argv = sys.argv[1:]
    if "--max-rcpt" in argv:
        i = argv.index("--max-rcpt")
        MAX_RCPT[0] = int(argv[i + 1])
        del argv[i:i + 2]
    sys.argv[1:] = argv
    capture_server.CaptureSMTP = LimitSMTP
    return capture_server.main()


if __name__ == "__main__":
    sys.exit(main())
