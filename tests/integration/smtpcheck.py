#!/usr/bin/python3
"""smtpcheck.py - read what capture_server.py / fault_server.py recorded.

Subcommands (DIR is a server's --outdir, SEQ a message number from 1):
  freeport [N]            print N free loopback TCP ports
  waitport PORT [SECS]    exit 0 once 127.0.0.1:PORT accepts, 1 on timeout
  count DIR               number of accepted messages
  wait DIR N [SECS]       wait until DIR holds >= N accepted messages
  field DIR SEQ NAME      a JSON field; lists print one item a line,
                          rcpt_options prints one line per recipient
  eml DIR SEQ             path of the message file
  header DIR SEQ NAME     every NAME: field value, unfolded, one a line
  hcount DIR SEQ NAME     how many NAME: fields the message has
  body DIR SEQ            the body (after the first empty line), raw bytes
  wire FILE               octet checks of raw bytes: prints
                          "bare_lf=N bare_cr=N max_line=N nul=N lines=N"
  wirecheck FILE          exit 1 (with the reason) unless every LF follows
                          a CR, every CR precedes an LF and no line is over
                          998 octets + CRLF (1000 incl. the stuffed dot)
  show DIR                human-readable dump of every message
"""

import json
import os
import socket
import sys
import time


def msgs(d):
    out = []
    for name in sorted(os.listdir(d)):
        if name[:4].isdigit() and name.endswith(".json"):
            with open(os.path.join(d, name)) as f:
                rec = json.load(f)
            if rec.get("accepted", True):
                out.append(rec)
    return out


def msg(d, seq):
    path = os.path.join(d, "%04d.json" % int(seq))
    if not os.path.exists(path):
        sys.exit("smtpcheck: no message %s in %s" % (seq, d))
    with open(path) as f:
        return json.load(f)


def eml_bytes(d, seq):
    with open(os.path.join(d, msg(d, seq)["eml"]), "rb") as f:
        return f.read()


def split_msg(data):
    """Return (header lines unfolded, body bytes)."""
    i = data.find(b"\r\n\r\n")
    if data.startswith(b"\r\n"):
        head, body = b"", data[2:]
    elif i < 0:
        head, body = data, b""
    else:
        head, body = data[:i], data[i + 4:]
    fields = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += b"\r\n" + line
        elif line:
            fields.append(line)
    return fields, body


def headers(data, name):
    fields, _ = split_msg(data)
    out = []
    want = name.lower().encode()
    for f in fields:
        k, _, v = f.partition(b":")
        if k.strip().lower() == want:
            out.append(v.replace(b"\r\n", b"").strip())
    return out


def wire(data):
    bare_lf = sum(1 for i, c in enumerate(data)
                  if c == 10 and (i == 0 or data[i - 1] != 13))
    bare_cr = sum(1 for i, c in enumerate(data)
                  if c == 13 and (i + 1 >= len(data) or data[i + 1] != 10))
    lines = data.split(b"\r\n")
    return {"bare_lf": bare_lf, "bare_cr": bare_cr,
            "max_line": max((len(x) for x in lines), default=0),
            "nul": data.count(0), "lines": len(lines)}


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, a = argv[1], argv[2:]
    out = sys.stdout.buffer
    if cmd == "freeport":
        socks = []
        for _ in range(int(a[0]) if a else 1):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        print("\n".join(str(s.getsockname()[1]) for s in socks))
        for s in socks:
            s.close()
    elif cmd == "waitport":
        end = time.time() + (float(a[1]) if len(a) > 1 else 10)
        while time.time() < end:
            try:
                socket.create_connection(("127.0.0.1", int(a[0])),
                                         timeout=1).close()
                return 0
            except OSError:
                time.sleep(0.05)
        return 1
    elif cmd == "count":
        print(len(msgs(a[0])) if os.path.isdir(a[0]) else 0)
    elif cmd == "wait":
        end = time.time() + (float(a[2]) if len(a) > 2 else 20)
        while time.time() < end:
            if os.path.isdir(a[0]) and len(msgs(a[0])) >= int(a[1]):
                return 0
            time.sleep(0.1)
        return 1
    elif cmd == "field":
        v = msg(a[0], a[1]).get(a[2])
        if isinstance(v, list):
            for item in v:
                print(" ".join(item) if isinstance(item, list) else item)
        elif v is not None:
            print(v)
    elif cmd == "eml":
        print(os.path.join(a[0], msg(a[0], a[1])["eml"]))
    elif cmd == "header":
        for v in headers(eml_bytes(a[0], a[1]), a[2]):
            out.write(v + b"\n")
    elif cmd == "hcount":
        print(len(headers(eml_bytes(a[0], a[1]), a[2])))
    elif cmd == "body":
        out.write(split_msg(eml_bytes(a[0], a[1]))[1])
    elif cmd in ("wire", "wirecheck"):
        with open(a[0], "rb") as f:
            w = wire(f.read())
        if cmd == "wire":
            print(" ".join("%s=%d" % kv for kv in w.items()))
            return 0
        bad = []
        if w["bare_lf"]:
            bad.append("%d bare LF" % w["bare_lf"])
        if w["bare_cr"]:
            bad.append("%d bare CR" % w["bare_cr"])
        if w["max_line"] > 999:
            bad.append("a line of %d octets" % w["max_line"])
        if bad:
            print("%s: %s" % (a[0], ", ".join(bad)))
            return 1
    elif cmd == "show":
        for rec in msgs(a[0]):
            print("=== message %d (connection %d, %s %s)" % (
                rec["seq"], rec["conn"], rec.get("helo_cmd"),
                rec.get("ehlo_name")))
            print("MAIL FROM:<%s> %s" % (rec["mail_from"],
                                        " ".join(rec["mail_options"])))
            for i, r in enumerate(rec["rcpt_tos"]):
                opts = rec["rcpt_options"][i] if i < len(
                    rec["rcpt_options"]) else []
                print("RCPT TO:<%s> %s" % (r, " ".join(opts)))
            print("--- %d octets of DATA:" % rec["size"])
            sys.stdout.flush()
            out.write(eml_bytes(a[0], rec["seq"]).replace(b"\r\n", b"\n"))
            out.flush()
    else:
        sys.exit("smtpcheck: unknown command %r\n%s" % (cmd, __doc__))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
