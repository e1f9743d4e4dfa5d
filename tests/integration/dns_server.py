#!/usr/bin/python3
"""dns_server.py - a tiny authoritative UDP DNS server for tests.

It answers TXT queries for the names given with --txt NAME=TEXT (TEXT is
split into character-strings of at most 255 octets, RFC 1035 3.3.14) and
NS queries for the root zone (so a resolver check that "DNS works"
passes); anything else gets NXDOMAIN.  Queries are logged to --log.

Used by tests/integration/t_dkim_opendkim.sh inside "unshare -mn" (a
private network namespace whose /etc/resolv.conf is bind-mounted to point
at 127.0.0.1), so opendkim-testmsg finds the test keys without any real
DNS.  Only the standard library is used.

Usage: dns_server.py --port 53 [--addr 127.0.0.1] --txt NAME=TEXT ...
                     [--port-file F] [--log F]
"""

import argparse
import os
import socket
import struct
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from srvlib import atomic_write  # noqa: E402


def parse_name(pkt, off):
    labels = []
    while True:
        n = pkt[off]
        off += 1
        if n == 0:
            break
        if n & 0xC0:
            raise ValueError("compressed name in a query")
        labels.append(pkt[off:off + n].decode("ascii", "replace"))
        off += n
    return ".".join(labels).lower(), off


def encode_name(name):
    out = b""
    for label in name.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def txt_rdata(text):
    data = text.encode("utf-8")
    out = b""
    for i in range(0, max(len(data), 1), 255):
        chunk = data[i:i + 255]
        out += bytes([len(chunk)]) + chunk
    return out


def answer(pkt, records):
    qid, flags, qd = struct.unpack("!HHH", pkt[:6])
    name, off = parse_name(pkt, 12)
    qtype, qclass = struct.unpack("!HH", pkt[off:off + 4])
    question = pkt[12:off + 4]
    rrs = []
    if qtype == 16 and name in records:
        rd = txt_rdata(records[name])
        rrs.append(encode_name(name) + struct.pack("!HHIH", 16, 1, 60,
                                                   len(rd)) + rd)
    elif qtype == 2 and name == "":
        rd = encode_name("a.root-servers.net")
        rrs.append(b"\0" + struct.pack("!HHIH", 2, 1, 60, len(rd)) + rd)
    rcode = 0 if rrs or name in records or name == "" else 3
    rflags = 0x8400 | (flags & 0x0100) | rcode
    head = struct.pack("!HHHHHH", qid, rflags, 1, len(rrs), 0, 0)
    return head + question + b"".join(rrs), name, qtype


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=53)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--txt", action="append", default=[])
    a = ap.parse_args()
    records = {}
    for spec in a.txt:
        name, _, text = spec.partition("=")
        records[name.strip(".").lower()] = text
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((a.addr, a.port))
    if a.port_file:
        atomic_write(a.port_file, "%d\n" % sock.getsockname()[1])
    log = open(a.log, "a") if a.log else sys.stderr
    while True:
        pkt, peer = sock.recvfrom(4096)
        try:
            resp, name, qtype = answer(pkt, records)
        except (ValueError, IndexError, struct.error) as e:
            print("bad query: %s" % e, file=log, flush=True)
            continue
        print("query %s type %d" % (name, qtype), file=log, flush=True)
        sock.sendto(resp, peer)


if __name__ == "__main__":
    main()
