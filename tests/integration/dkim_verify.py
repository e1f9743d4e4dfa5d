#!/usr/bin/python3
"""dkim_verify.py - verify every DKIM-Signature of a message with
python3-dkim (Debian), the keys coming from the command line instead of
DNS.

Usage:
  dkim_verify.py [--txt NAME=TEXT]... [--count N] [--tamper MODE] FILE
    NAME=TEXT   a TXT record, e.g.
                "r._domainkey.example.org=v=DKIM1; k=rsa; p=MIIB..."
    --count N   the message must carry exactly N signatures
    --tamper    change the message first: body (flip one body byte),
                subject (edit the Subject value), from (add a second
                From: field on top), header-ws (add spaces inside the
                Subject value: relaxed canonicalisation must still
                verify), bodyblank (append empty lines: must still
                verify), strip-rsa / strip-ed25519 (drop that signature
                field; used by callers that test one algorithm)
    --write F   also write the (tampered) message to F
Prints one line per signature ("sig N a=ALG s=SEL: ok" or "...: FAIL")
and exits 0 when every signature verified and the count matched, else 1.
"""

import argparse
import re
import sys

import dkim


def split_fields(msg):
    head, sep, body = msg.partition(b"\r\n\r\n")
    fields = re.split(rb"\r\n(?![ \t])", head)
    return fields, sep, body


def join_fields(fields, sep, body):
    return b"\r\n".join(fields) + sep + body


def strip_sig(msg, alg):
    fields, sep, body = split_fields(msg)
    keep = [f for f in fields
            if not (f.lower().startswith(b"dkim-signature:") and
                    re.search(rb"a=\s*" + alg.encode(), f))]
    return join_fields(keep, sep, body)


def tamper(msg, mode):
    fields, sep, body = split_fields(msg)
    if mode == "body":
        if not body:
            body = b"x\r\n"
        else:
            i = len(body) // 2
            while body[i:i + 1] in (b"\r", b"\n", b" ", b"\t"):
                i += 1
            c = body[i:i + 1]
            body = body[:i] + (b"Y" if c != b"Y" else b"Z") + body[i + 1:]
    elif mode == "subject":
        fields = [re.sub(rb"^(Subject:)", rb"\1 X", f, flags=re.I)
                  for f in fields]
    elif mode == "header-ws":
        fields = [re.sub(rb"^(Subject:)(.*)$", rb"\1  \2  ", f,
                         flags=re.I | re.S) for f in fields]
    elif mode == "from":
        fields.insert(0, b"From: Mallory <mallory@example.net>")
    elif mode == "bodyblank":
        body = body + b"\r\n\r\n\r\n"
    elif mode in ("strip-rsa", "strip-ed25519"):
        return strip_sig(msg, mode[6:])
    else:
        sys.exit("unknown --tamper mode %s" % mode)
    return join_fields(fields, sep, body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--txt", action="append", default=[])
    ap.add_argument("--count", type=int)
    ap.add_argument("--tamper", action="append", default=[])
    ap.add_argument("--write")
    ap.add_argument("file")
    a = ap.parse_args()
    records = {}
    for spec in a.txt:
        name, _, text = spec.partition("=")
        records[name.strip(".").lower()] = text.encode()

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode()
        return records.get(name.strip(".").lower())

    with open(a.file, "rb") as f:
        msg = f.read()
    for mode in a.tamper:
        msg = tamper(msg, mode)
    if a.write:
        with open(a.write, "wb") as f:
            f.write(msg)
    d = dkim.DKIM(msg)
    sigs = [v for (k, v) in d.headers if k.lower() == b"dkim-signature"]
    ok = True
    if a.count is not None and len(sigs) != a.count:
        print("%d signatures, want %d" % (len(sigs), a.count))
        ok = False
    if not sigs:
        print("no DKIM-Signature")
        ok = False
    for i, v in enumerate(sigs):
        tags = dict(re.findall(rb"(\w+)=([^;]*)", re.sub(rb"\s", b"", v)))
        try:
            good = dkim.DKIM(msg).verify(idx=i, dnsfunc=dnsfunc)
        except dkim.DKIMException as e:
            print("sig %d: %s" % (i, e))
            good = False
        print("sig %d a=%s s=%s: %s" % (
            i, tags.get(b"a", b"?").decode(), tags.get(b"s", b"?").decode(),
            "ok" if good else "FAIL"))
        ok = ok and good
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
