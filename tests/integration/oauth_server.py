#!/usr/bin/python3
"""oauth_server.py - a scripted SMTP server for XOAUTH2 and OAUTHBEARER.

A raw asyncio server (no aiosmtpd) that checks the exact bytes of the
client's OAuth2 SASL messages:

  XOAUTH2      "user=" USER ^A "auth=Bearer " TOKEN ^A ^A
  OAUTHBEARER  "n,a=" SASLNAME "," ^A "auth=Bearer " TOKEN ^A ^A
               (RFC 7628 3.1; SASLNAME escapes "," as =2C and "=" as =3D)

both sent base64-encoded as the AUTH initial response or after an empty
"334 " (RFC 4954).  The right user and token get "235 2.7.0"; a wrong
token gets the RFC 7628 3.2.3 error challenge (base64 JSON), the client
must answer it with an empty line (XOAUTH2) or "AQ==" (^A, OAUTHBEARER),
and then gets "535 5.7.8".  Malformed framing gets "501 5.5.2".  MAIL
before a successful AUTH gets "530 5.7.0".

Records in --outdir: auth.jsonl (one JSON object per AUTH attempt: mech,
ir, framing_ok, user, token_ok, error_reply, result), conn-NNNN.raw
(every byte received) and, for each accepted message, NNNN.json +
NNNN.eml in capture_server.py's format (smtpcheck.py reads them).
"""

import argparse
import base64
import binascii
import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from srvlib import add_listen_args, atomic_write, serve_streams  # noqa: E402

COUNTER = {"conn": 0, "msg": 0}
XOAUTH2_RE = re.compile(rb"\Auser=([^\x01]+)\x01auth=Bearer ([^\x01]+)"
                        rb"\x01\x01\Z")
BEARER_RE = re.compile(rb"\An,a=([^,\x01]*),\x01auth=Bearer ([^\x01]+)"
                       rb"\x01\x01\Z")
ERR_JSON = {
    "XOAUTH2": {"status": "401", "schemes": "Bearer",
                "scope": "https://mail.google.com/"},
    "OAUTHBEARER": {"status": "invalid_token", "scope": "mail",
                    "openid-configuration":
                    "https://oauth.test/.well-known/openid-configuration"},
}
ERR_ANSWER = {"XOAUTH2": b"", "OAUTHBEARER": b"\x01"}


def b64decode_strict(s):
    if s in ("", "="):
        return b""
    return base64.b64decode(s.encode("ascii"), validate=True)


class Conn:
    def __init__(self, opts, reader, writer):
        COUNTER["conn"] += 1
        self.no = COUNTER["conn"]
        self.opts = opts
        self.r, self.w = reader, writer
        self.authed = False
        self.raw = open(os.path.join(opts.outdir,
                                     "conn-%04d.raw" % self.no), "wb")
        self.mail_from, self.rcpts, self.helo = None, [], None

    async def line(self):
        data = await self.r.readline()
        self.raw.write(data)
        self.raw.flush()
        if not data:
            raise EOFError
        return data.rstrip(b"\r\n").decode("latin-1")

    async def say(self, text):
        self.w.write(text.encode("ascii") + b"\r\n")
        await self.w.drain()

    def log_auth(self, rec):
        with open(os.path.join(self.opts.outdir, "auth.jsonl"), "a") as f:
            f.write(json.dumps(rec) + "\n")

    async def auth(self, arg):
        parts = arg.split(" ")
        mech = parts[0].upper()
        rec = {"conn": self.no, "mech": mech, "ir": len(parts) > 1}
        if mech not in self.opts.mechs.split():
            rec["result"] = 504
            self.log_auth(rec)
            return await self.say("504 5.5.4 Unrecognized authentication "
                                  "type")
        if len(parts) > 1:
            enc = parts[1]
        else:
            await self.say("334 ")
            enc = await self.line()
        try:
            payload = b64decode_strict(enc)
        except (binascii.Error, ValueError):
            payload = None
        m = None
        if payload is not None:
            m = (XOAUTH2_RE if mech == "XOAUTH2" else BEARER_RE).match(
                payload)
        rec["framing_ok"] = m is not None
        if m is None:
            rec["payload"] = repr(payload)
            rec["result"] = 501
            self.log_auth(rec)
            return await self.say("501 5.5.2 Cannot decode the OAuth2 "
                                  "initial response")
        user = m.group(1)
        if mech == "OAUTHBEARER":
            user = user.replace(b"=2C", b",").replace(b"=3D", b"=")
        rec["user"] = user.decode("latin-1")
        rec["token_ok"] = (user.decode("latin-1") == self.opts.user and
                           m.group(2).decode("latin-1") == self.opts.token)
        if rec["token_ok"]:
            self.authed = True
            rec["result"] = 235
            self.log_auth(rec)
            return await self.say("235 2.7.0 Accepted")
        err = base64.b64encode(json.dumps(ERR_JSON[mech]).encode())
        await self.say("334 " + err.decode("ascii"))
        ans = await self.line()
        try:
            got = b64decode_strict(ans)
        except (binascii.Error, ValueError):
            got = None
        rec["error_reply"] = ans
        rec["error_reply_ok"] = got == ERR_ANSWER[mech]
        if rec["error_reply_ok"]:
            rec["result"] = 535
            self.log_auth(rec)
            return await self.say("535 5.7.8 Username and Password not "
                                  "accepted. Learn more at "
                                  "https://support.example/BadCredentials")
        rec["result"] = 501
        self.log_auth(rec)
        return await self.say("501 5.5.2 Bad answer to the error challenge")

    async def data(self):
        await self.say("354 End data with <CR><LF>.<CR><LF>")
        chunks = []
        while True:
            data = await self.r.readline()
            self.raw.write(data)
            if not data:
                raise EOFError
            if data == b".\r\n":
                break
            chunks.append(data[1:] if data.startswith(b".") else data)
        COUNTER["msg"] += 1
        base = os.path.join(self.opts.outdir, "%04d" % COUNTER["msg"])
        atomic_write(base + ".eml", b"".join(chunks))
        rec = {"seq": COUNTER["msg"], "conn": self.no, "helo_cmd": "EHLO",
               "ehlo_name": self.helo, "mail_from": self.mail_from,
               "mail_options": [], "rcpt_tos": self.rcpts,
               "rcpt_options": [[] for _ in self.rcpts],
               "eml": os.path.basename(base + ".eml"),
               "raw": "conn-%04d.raw" % self.no, "accepted": True,
               "time": time.time()}
        atomic_write(base + ".json", json.dumps(rec, indent=1) + "\n")
        self.mail_from, self.rcpts = None, []
        await self.say("250 2.0.0 OK queued")

    async def run(self):
        try:
            await self.say("220 oauth.test ESMTP oauth_server")
            while True:
                cmd = await self.line()
                verb, _, arg = cmd.partition(" ")
                verb = verb.upper()
                if verb == "EHLO":
                    self.helo = arg
                    await self.say("250-oauth.test\r\n250-AUTH " +
                                   self.opts.mechs + "\r\n250-8BITMIME"
                                   "\r\n250 ENHANCEDSTATUSCODES")
                elif verb == "AUTH":
                    await self.auth(arg)
                elif verb == "MAIL":
                    if not self.authed:
                        await self.say("530 5.7.0 Authentication required")
                        continue
                    self.mail_from = re.sub(r"^FROM:<([^>]*)>.*", r"\1",
                                            arg, flags=re.I)
                    await self.say("250 2.1.0 OK")
                elif verb == "RCPT":
                    self.rcpts.append(re.sub(r"^TO:<([^>]*)>.*", r"\1",
                                             arg, flags=re.I))
                    await self.say("250 2.1.5 OK")
                elif verb == "DATA":
                    await self.data()
                elif verb in ("RSET", "NOOP"):
                    await self.say("250 2.0.0 OK")
                elif verb == "QUIT":
                    await self.say("221 2.0.0 Bye")
                    break
                else:
                    await self.say("502 5.5.2 Command not recognized")
        except (EOFError, ConnectionError):
            pass
        finally:
            self.raw.close()
            self.w.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_listen_args(ap)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--mechs", default="XOAUTH2 OAUTHBEARER")
    opts = ap.parse_args()
    os.makedirs(opts.outdir, exist_ok=True)
    async def handle(reader, writer):
        await Conn(opts, reader, writer).run()

    serve_streams(opts, handle)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
