#!/usr/bin/python3
"""fault_server.py - a scripted, misbehaving SMTP server for tests.

A raw asyncio server (no aiosmtpd), so it can answer anything at any stage,
hang up, stall, and read DATA as strictly or as leniently as we like.
Any 421 reply is followed by closing the connection (RFC 5321 3.8).

The behaviour is a dict of stage -> action.  Stages:
  greeting, ehlo, helo, mail, rcpt, data, middata, eod, rset, noop, quit,
  auth (default 502: add "AUTH PLAIN" to "extensions" to offer it)
An action is
  "CODE text"        one reply line; "\\n" inside, or a JSON list, makes a
                     multi-line reply (the separators are added here)
  "close"            hang up without answering
  "stall"            never answer; keep reading and discarding input
  {"per_conn": [a1, a2, ...]}  action of the Nth connection (last repeats)
"ehlo" replies starting with 250 get the "extensions" list appended.
"rcpt" is a dict: address (or local part, or "prefix*") -> action, "*" is
the default; "middata" (default none) acts after the first body bytes of
DATA arrive.  "lenient_eod": true makes the server end DATA at any of
LF.LF, LF.CRLF, CR.CRLF, CRLF.LF as well as CRLF.CRLF (how receivers
vulnerable to SMTP smuggling read it).

Choose it with --scenario NAME (see SCENARIOS; "stall_<stage>" and
"close_<stage>" work for every stage), --script FILE.json (merged over
the scenario), and --set STAGE=ACTION / --rcpt ADDR=ACTION (merged last).

Records in --outdir: conn-NNNN.raw (every byte received), conn-NNNN.json
(commands, replies, events, pipelining without the extension) and, for
each message whose end-of-data got a 2xx reply, NNNN.json + NNNN.eml in
the same format as capture_server.py ("rcpt_tos" lists the accepted
recipients; "rcpt_all" every RCPT with the reply given).  Rejected
messages are recorded too, with "accepted": false.
"""

import argparse
import asyncio
import copy
import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from srvlib import add_listen_args, atomic_write, serve_streams  # noqa: E402

EXTENSIONS = ["PIPELINING", "SIZE 10485760", "8BITMIME",
              "ENHANCEDSTATUSCODES", "DSN", "SMTPUTF8"]

DEFAULT = {
    "hostname": "fault.test",
    "greeting": "220 fault.test ESMTP fault_server",
    "ehlo": "250 fault.test",
    "extensions": EXTENSIONS,
    "helo": "250 fault.test",
    "mail": "250 2.1.0 OK",
    "rcpt": {"*": "250 2.1.5 OK"},
    "data": "354 End data with <CR><LF>.<CR><LF>",
    "middata": None,
    "eod": "250 2.0.0 OK queued",
    "rset": "250 2.0.0 OK",
    "noop": "250 2.0.0 OK",
    "quit": "221 2.0.0 Bye",
    "auth": "502 5.5.2 Command not implemented",
    "lenient_eod": False,
}

SCENARIOS = {
    "ok": {},
    "greet421": {"greeting": "421 4.3.2 fault.test Service not available, "
                             "closing transmission channel"},
    "greet554": {"greeting": "554 5.3.2 fault.test No SMTP service here"},
    "ehlo500": {"ehlo": "500 5.5.1 Command unrecognized: EHLO"},
    "ehlo421": {"ehlo": "421 4.3.2 Too busy"},
    "nopipelining": {"extensions": [e for e in EXTENSIONS
                                    if e != "PIPELINING"]},
    "noext": {"extensions": []},
    "mail450": {"mail": "450 4.7.1 Sender temporarily rejected, try later"},
    "mail451": {"mail": "451 4.3.0 Local error in processing"},
    "mail550": {"mail": "550 5.7.1 Sender address rejected: access denied"},
    "mail553": {"mail": "553 5.1.8 Sender domain does not exist"},
    "rcpt550": {"rcpt": {"*": "550 5.1.1 Recipient address rejected: "
                              "User unknown"}},
    "rcpt554": {"rcpt": {"*": "554 5.7.1 Relay access denied"}},
    "rcpt450": {"rcpt": {"*": "450 4.2.1 Mailbox busy, try later"}},
    # bad* -> 550 5.1.1, temp* -> 450, anything else 250
    "rcpt_by_name": {"rcpt": {"*": "250 2.1.5 OK",
                              "bad*": "550 5.1.1 Recipient address "
                                      "rejected: User unknown",
                              "temp*": "450 4.2.1 Mailbox busy"}},
    "data554": {"data": "554 5.5.1 Error: no valid recipients"},
    "data451": {"data": "451 4.3.0 Try again later"},
    "eod451": {"eod": "451 4.3.0 Error: queue file write error"},
    "eod452": {"eod": "452 4.3.1 Insufficient system storage"},
    "eod552": {"eod": "552 5.3.4 Message size exceeds fixed limit"},
    "eod554": {"eod": "554 5.7.1 Message rejected as spam"},
    "close_mid_data": {"middata": "close"},
    "stall_mid_data": {"middata": "stall"},
    "multiline": {"greeting": "220-fault.test ESMTP\n220-second line\n"
                              "220 third line",
                  "mail": "250-2.1.0 one\n250 2.1.0 two"},
    "lenient_eod": {"lenient_eod": True},
}

STAGES = ("greeting", "ehlo", "helo", "mail", "rcpt", "data", "middata",
          "eod", "rset", "noop", "quit", "auth")

STRICT_EOD = re.compile(rb"\r\n\.\r\n")
LENIENT_EOD = re.compile(rb"(?:\r\n|\n|\r)\.(?:\r\n|\n)")

COUNTER = {"conn": 0, "msg": 0}


def scenario(name):
    if name in SCENARIOS:
        return copy.deepcopy(SCENARIOS[name])
    m = re.fullmatch(r"(stall|close)_(\w+)", name)
    if m and m.group(2) in STAGES:
        st = m.group(2)
        if st == "rcpt":
            return {"rcpt": {"*": m.group(1)}}
        return {st: m.group(1)}
    raise SystemExit("fault_server: unknown scenario %r (known: %s, "
                     "stall_<stage>, close_<stage>)"
                     % (name, ", ".join(sorted(SCENARIOS))))


def pick(action, conn_no):
    if isinstance(action, dict) and "per_conn" in action:
        lst = action["per_conn"]
        return lst[min(conn_no - 1, len(lst) - 1)]
    return action


def angle_addr(arg):
    """'<a@b> SIZE=1' -> ('a@b', 'SIZE=1'); None if no <...>."""
    m = re.match(r"\s*<([^>]*)>\s*(.*)$", arg)
    if m:
        return m.group(1), m.group(2)
    m = re.match(r"\s*(\S+)\s*(.*)$", arg)
    if m:
        return m.group(1), m.group(2)
    return None, None


def rcpt_action(table, addr, conn_no):
    local = addr.split("@", 1)[0]
    lower = addr.lower()
    for key in (addr, lower, local):
        if key in table:
            return pick(table[key], conn_no)
    for key, act in table.items():
        if key.endswith("*") and key != "*" and \
                (lower.startswith(key[:-1].lower())):
            return pick(act, conn_no)
    return pick(table.get("*", "250 2.1.5 OK"), conn_no)


class Conn:
    def __init__(self, spec, opts, reader, writer):
        COUNTER["conn"] += 1
        self.no = COUNTER["conn"]
        self.spec = spec
        self.opts = opts
        self.reader = reader
        self.writer = writer
        base = os.path.join(opts.outdir, "conn-%04d" % self.no)
        self.raw_path = base + ".raw"
        self.json_path = base + ".json"
        self.raw = open(self.raw_path, "wb")
        self.buf = b""
        self.log = {"conn": self.no, "commands": [], "replies": [],
                    "events": [], "pipelining_violations": [],
                    "bare_lf_commands": 0, "time": time.time()}
        self.ext = list(spec.get("extensions") or [])
        self.pipelining = "PIPELINING" in [e.upper() for e in self.ext]
        self.reset()
        self.ehlo_name = None
        self.helo_cmd = None

    def reset(self):
        self.mail_from = None
        self.mail_options = []
        self.rcpts = []          # accepted
        self.rcpt_all = []       # [addr, options, reply]

    def act(self, stage):
        return pick(self.spec.get(stage), self.no)

    async def fill(self):
        data = await self.reader.read(65536)
        if data:
            self.raw.write(data)
            self.raw.flush()
            self.buf += data
        return data

    async def readline(self):
        while b"\n" not in self.buf:
            if not await self.fill():
                return None
        line, self.buf = self.buf.split(b"\n", 1)
        line += b"\n"
        if not line.endswith(b"\r\n"):
            self.log["bare_lf_commands"] += 1
        return line

    async def reply(self, text, stage):
        """Send a reply or perform close/stall.  False = conversation over."""
        if text is None:
            return True
        if text == "close":
            self.log["events"].append("closed at " + stage)
            return False
        if text == "stall":
            self.log["events"].append("stalled at " + stage)
            while await self.fill():
                pass
            return False
        lines = text if isinstance(text, list) else text.split("\n")
        out = []
        for i, ln in enumerate(lines):
            code, rest = ln[:3], ln[4:]
            sep = " " if i == len(lines) - 1 else "-"
            out.append("%s%s%s" % (code, sep, rest))
        self.log["replies"].append(out)
        self.writer.write(("\r\n".join(out) + "\r\n").encode())
        await self.writer.drain()
        if out[-1].startswith("421"):
            # RFC 5321 3.8: 421 means the server is closing the channel.
            self.log["events"].append("closed after 421 at " + stage)
            return False
        return True

    async def run(self):
        try:
            await self.session()
        except (ConnectionError, asyncio.IncompleteReadError) as e:
            self.log["events"].append("connection error: %s" % e)
        finally:
            self.raw.close()
            atomic_write(self.json_path, json.dumps(self.log, indent=1))
            try:
                self.writer.close()
            except Exception:
                pass

    async def session(self):
        g = self.act("greeting")
        if not await self.reply(g, "greeting"):
            return
        # RFC 5321 3.1: after a 554 greeting the server answers 503 to
        # everything but QUIT (a 421 greeting has closed already).
        refusing = isinstance(g, str) and g[:1] in ("4", "5")
        while True:
            line = await self.readline()
            if line is None:
                self.log["events"].append("client closed")
                return
            text = line.rstrip(b"\r\n").decode("utf-8", "surrogateescape")
            self.log["commands"].append(text)
            if not self.pipelining and self.buf:
                # The client sent more before reading this reply.
                self.log["pipelining_violations"].append(text)
            verb = text.split(" ", 1)[0].upper()
            arg = text[len(verb):].strip()
            if refusing and verb != "QUIT":
                await self.reply("503 5.5.1 Bad sequence of commands",
                                 verb.lower())
                continue
            if not await self.command(verb, arg):
                return

    async def command(self, verb, arg):
        if verb == "EHLO":
            self.ehlo_name, self.helo_cmd = arg, "EHLO"
            self.reset()
            r = self.act("ehlo")
            if isinstance(r, str) and r.startswith("250") and self.ext:
                first = "250 " + (r[4:] or self.spec["hostname"])
                r = [first] + ["250 " + e for e in self.ext]
            return await self.reply(r, "ehlo")
        if verb == "HELO":
            self.ehlo_name, self.helo_cmd = arg, "HELO"
            self.reset()
            self.pipelining = False
            return await self.reply(self.act("helo"), "helo")
        if verb == "MAIL":
            m = re.match(r"FROM:(.*)$", arg, re.I)
            if not m:
                return await self.reply("501 5.5.4 Syntax: MAIL FROM:<addr>",
                                        "mail")
            addr, params = angle_addr(m.group(1))
            r = self.act("mail")
            if isinstance(r, str) and r.startswith("2"):
                self.mail_from = addr
                self.mail_options = params.split()
            return await self.reply(r, "mail")
        if verb == "RCPT":
            m = re.match(r"TO:(.*)$", arg, re.I)
            if not m:
                return await self.reply("501 5.5.4 Syntax: RCPT TO:<addr>",
                                        "rcpt")
            if self.mail_from is None:
                return await self.reply("503 5.5.1 need MAIL", "rcpt")
            addr, params = angle_addr(m.group(1))
            r = rcpt_action(self.spec.get("rcpt") or {}, addr, self.no)
            self.rcpt_all.append([addr, params.split(), r])
            if isinstance(r, str) and r.startswith("2"):
                self.rcpts.append([addr, params.split()])
            return await self.reply(r, "rcpt")
        if verb == "DATA":
            return await self.data()
        if verb == "RSET":
            self.reset()
            return await self.reply(self.act("rset"), "rset")
        if verb == "NOOP":
            return await self.reply(self.act("noop"), "noop")
        if verb == "AUTH":
            # One answer to any AUTH line (t_priv.sh: "235" to an
            # AUTH PLAIN initial response, with "AUTH PLAIN" added to
            # the extensions by --script).
            return await self.reply(self.act("auth"), "auth")
        if verb == "QUIT":
            await self.reply(self.act("quit"), "quit")
            self.log["events"].append("quit")
            return False
        return await self.reply("502 5.5.2 Command not implemented", verb)

    async def data(self):
        if self.mail_from is None or not self.rcpts:
            # What real servers do after all RCPTs failed (pipelining).
            return await self.reply("554 5.5.1 Error: no valid recipients",
                                    "data")
        r = self.act("data")
        if not (isinstance(r, str) and r.startswith("354")):
            return await self.reply(r, "data")
        if not await self.reply(r, "data"):
            return False
        mid = self.act("middata")
        if mid in ("close", "stall"):
            while not self.buf:
                if not await self.fill():
                    return False
            self.log["events"].append("received %d body bytes before %s"
                                      % (len(self.buf), mid))
            return await self.reply(mid, "middata")
        pat = LENIENT_EOD if self.spec.get("lenient_eod") else STRICT_EOD
        start = 0
        while True:
            # The terminator may also be the very first line.
            if self.buf.startswith(b".\r\n") or (
                    self.spec.get("lenient_eod")
                    and self.buf.startswith(b".\n")):
                end, after = 0, self.buf.index(b"\n") + 1
                break
            m = pat.search(self.buf, start)
            if m:
                # Keep the line end that precedes the dot (it ends the
                # last line of content).
                end = m.start() + (2 if m.group(0).startswith(b"\r\n")
                                   else 1)
                after = m.end()
                break
            start = max(0, len(self.buf) - 4)
            if not await self.fill():
                self.log["events"].append("client closed during DATA")
                return False
        stuffed, self.buf = self.buf[:end], self.buf[after:]
        if self.buf and not self.pipelining:
            self.log["pipelining_violations"].append("<after DATA>")
        content = re.sub(rb"(^|\n)\.", rb"\1", stuffed)
        r = self.act("eod")
        self.record(content, r)
        self.reset()
        return await self.reply(r, "eod")

    def record(self, content, eod_reply):
        COUNTER["msg"] += 1
        seq = COUNTER["msg"]
        base = os.path.join(self.opts.outdir, "%04d" % seq)
        atomic_write(base + ".eml", content)
        rec = {
            "seq": seq, "conn": self.no,
            "helo_cmd": self.helo_cmd, "ehlo_name": self.ehlo_name,
            "mail_from": self.mail_from, "mail_options": self.mail_options,
            "rcpt_tos": [a for a, _ in self.rcpts],
            "rcpt_options": [o for _, o in self.rcpts],
            "rcpt_all": self.rcpt_all,
            "size": len(content), "eml": os.path.basename(base + ".eml"),
            "raw": os.path.basename(self.raw_path),
            "eod_reply": eod_reply if isinstance(eod_reply, str) else None,
            "accepted": isinstance(eod_reply, str)
            and eod_reply.startswith("2"),
            "time": time.time(),
        }
        atomic_write(base + ".json", json.dumps(rec, indent=1) + "\n")


def build_spec(opts):
    spec = copy.deepcopy(DEFAULT)
    over = scenario(opts.scenario)
    if opts.script:
        with open(opts.script) as f:
            over.update(json.load(f))
    for s in opts.set or []:
        k, _, v = s.partition("=")
        if k not in STAGES and k not in DEFAULT:
            raise SystemExit("fault_server: unknown stage %r" % k)
        if v[:1] in ("{", "[") or v in ("true", "false", "null"):
            v = json.loads(v)
        over[k] = v
    rc = dict(spec["rcpt"])
    rc.update(over.pop("rcpt", {}) or {})
    for s in opts.rcpt or []:
        k, _, v = s.partition("=")
        rc[k] = v
    spec.update(over)
    spec["rcpt"] = rc
    return spec


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_listen_args(ap)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--scenario", default="ok")
    ap.add_argument("--script")
    ap.add_argument("--set", action="append", metavar="STAGE=ACTION")
    ap.add_argument("--rcpt", action="append", metavar="ADDR=ACTION")
    ap.add_argument("--list", action="store_true",
                    help="print the scenario names and exit")
    opts = ap.parse_args()
    if opts.list:
        print("\n".join(sorted(SCENARIOS)))
        return 0
    spec = build_spec(opts)
    os.makedirs(opts.outdir, exist_ok=True)
    atomic_write(os.path.join(opts.outdir, "spec.json"),
                 json.dumps(spec, indent=1))

    async def handle(reader, writer):
        await Conn(spec, opts, reader, writer).run()

    serve_streams(opts, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
