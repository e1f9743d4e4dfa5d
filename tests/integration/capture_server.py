#!/usr/bin/python3
"""capture_server.py - a loopback SMTP sink that records every transaction.

Run it with Debian's /usr/bin/python3 (python3-aiosmtpd).  It is aiosmtpd's
SMTP class with three extensions:

  * MAIL and RCPT parameters are parsed here, case preserved, and DSN
    (RFC 3461: RET, ENVID, NOTIFY, ORCPT) is accepted and advertised, as
    are PIPELINING, SIZE, 8BITMIME and SMTPUTF8;
  * every byte the client sends is tapped before aiosmtpd parses it and
    written to conn-NNNN.raw, so tests can check the wire itself (bare CR
    or LF, line lengths, dot-stuffing) rather than aiosmtpd's reading of it;
  * the TCP reads that carried MAIL..DATA are counted (pipelining check),
    and the reads that carried MAIL and the final dot are numbered, so a
    test sees one message's dot share a read with the next one's MAIL.

Each accepted message becomes two files in --outdir:
  NNNN.eml   the DATA content exactly as received after un-dot-stuffing
             (CRLF kept, no trailing "." line)
  NNNN.json  {"seq", "conn", "peer", "helo_cmd", "ehlo_name", "mail_from",
              "mail_options", "rcpt_tos", "rcpt_options" (one list per
              recipient), "size", "eml", "raw", "tcp_reads_mail_to_data",
              "mail_read", "dot_read" (indexes of TCP reads), "tls" (protocol version or null), "tls_peer_cn" (client
              certificate CN or null), "time"}
The .json file is written last and atomically (rename), so a test that
sees NNNN.json can read both files.

Usage:
  capture_server.py --outdir DIR [--port N | --port 0 --port-file F]
                    [--pid-file F] [--hostname NAME] [--size N]
                    [--no-pipelining] [--no-dsn] [--no-smtputf8]
                    [--no-8bitmime] [--line-limit N] [--log FILE]
                    [--tls-cert F --tls-key F [--starttls | --smtps]
                     [--tls-client-ca F] [--starttls-inject]
                     [--tls-only-version 1.0|1.1|1.2|1.3]]
TLS (tests/integration/t_tls_*.sh): --starttls offers STARTTLS (RFC 3207)
and refuses MAIL before it; --smtps wraps every connection in TLS from
the start (RFC 8314); --tls-client-ca asks for a client certificate and
records its CN; --starttls-inject answers STARTTLS with "220 go ahead" and
a forged "250 injected" in ONE write and never starts TLS (response
injection, CVE-2011-0411 class); --tls-only-version allows that one TLS
version and nothing else (1.0 and 1.1 at OpenSSL security level 0: an
outdated server, bound to loopback unlike gnutls-serv).  STARTTLS commands are logged in
--outdir/tls.log ("tls CONN" or "injected CONN").
SIGTERM/SIGINT stop it cleanly (pid file removed).
"""

import argparse
import asyncio
import json
import logging
import os
import ssl
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from srvlib import add_listen_args, atomic_write, serve  # noqa: E402
from aiosmtpd.smtp import SMTP, MISSING  # noqa: E402

COUNTER = {"conn": 0, "msg": 0}


def parse_params(text):
    """'SIZE=12 BODY=8BITMIME SMTPUTF8' -> list of tokens, case kept.

    Returns None on a syntax error (empty keyword, '=' with no keyword).
    """
    out = []
    for tok in text.split():
        key = tok.split("=", 1)[0]
        if not key or not all(c.isalnum() or c == "-" for c in key):
            return None
        out.append(tok)
    return out


class CaptureSMTP(SMTP):
    line_length_limit = 1001    # RFC 5321 4.5.3.1.6 (+1 for the stuffed dot)

    def __init__(self, handler, opts, **kw):
        self.opts = opts
        if opts.line_limit:
            self.line_length_limit = opts.line_limit
        super().__init__(handler, **kw)
        COUNTER["conn"] += 1
        self.conn_id = COUNTER["conn"]
        self.raw_path = os.path.join(opts.outdir,
                                     "conn-%04d.raw" % self.conn_id)
        self.raw_file = open(self.raw_path, "wb")
        self.fed = 0
        self.chunk_ends = []        # cumulative offset after each read
        self.mail_pos = None

    # -- raw tap ----------------------------------------------------------
    def data_received(self, data):
        self.raw_file.write(data)
        self.raw_file.flush()
        self.fed += len(data)
        self.chunk_ends.append(self.fed)
        super().data_received(data)

    def connection_lost(self, exc):
        try:
            self.raw_file.close()
        except Exception:
            pass
        super().connection_lost(exc)

    def consumed(self):
        """Offset of the next byte aiosmtpd will parse."""
        try:
            return self.fed - len(self._reader._buffer)
        except Exception:
            return None

    def dot_read(self):
        end = self.consumed()
        if end is None or not self.chunk_ends:
            return None
        return self.chunk_index(end - 1)

    def chunk_index(self, offset):
        for i, end in enumerate(self.chunk_ends):
            if offset < end:
                return i
        return len(self.chunk_ends) - 1

    # -- commands -----------------------------------------------------------
    async def smtp_MAIL(self, arg):
        if await self.check_helo_needed():
            return
        syntaxerr = "501 Syntax: MAIL FROM:<address> [SP <mail-parameters>]"
        arg = self._strip_command_keyword("FROM:", arg) if arg else None
        if arg is None:
            return await self.push(syntaxerr)
        if arg.strip().startswith("<>"):
            address, rest = "", arg.strip()[2:]
        else:
            address, rest = self._getaddr(arg)
            if address is None or not address:
                return await self.push("553 5.1.3 Error: malformed address")
        if self.envelope.mail_from is not None:
            return await self.push("503 5.5.1 Error: nested MAIL command")
        if rest and not self.session.extended_smtp:
            return await self.push(syntaxerr)
        params = parse_params(rest or "")
        if params is None:
            return await self.push(syntaxerr)
        for p in params:
            key = p.split("=", 1)[0].upper()
            val = p.split("=", 1)[1] if "=" in p else None
            if key == "BODY" and (val or "").upper() not in ("7BIT",
                                                            "8BITMIME"):
                return await self.push("501 5.5.4 bad BODY value")
            if key == "SIZE":
                if not val or not val.isdigit():
                    return await self.push(syntaxerr)
                if self.data_size_limit and int(val) > self.data_size_limit:
                    return await self.push(
                        "552 5.3.4 message size exceeds fixed limit")
            if key == "SMTPUTF8" and (val is not None
                                      or not self.enable_SMTPUTF8):
                return await self.push("501 5.5.4 SMTPUTF8 not accepted")
            if key in ("RET", "ENVID") and self.opts.no_dsn:
                return await self.push("555 5.5.4 DSN not offered")
            if key not in ("BODY", "SIZE", "SMTPUTF8", "RET", "ENVID",
                           "AUTH"):
                return await self.push(
                    "555 5.5.4 unsupported MAIL parameter %s" % key)
        self.envelope.mail_from = address
        self.envelope.mail_options = params
        self.envelope.rcpt_opts_list = []
        self.mail_pos = self.consumed()
        await self.push("250 2.1.0 OK")

    async def smtp_RCPT(self, arg):
        if await self.check_helo_needed():
            return
        if self.envelope.mail_from is None:
            return await self.push("503 5.5.1 Error: need MAIL command")
        syntaxerr = "501 Syntax: RCPT TO:<address> [SP <rcpt-parameters>]"
        arg = self._strip_command_keyword("TO:", arg) if arg else None
        if arg is None:
            return await self.push(syntaxerr)
        address, rest = self._getaddr(arg)
        if not address:
            return await self.push("553 5.1.3 Error: malformed address")
        if rest and not self.session.extended_smtp:
            return await self.push(syntaxerr)
        params = parse_params(rest or "")
        if params is None:
            return await self.push(syntaxerr)
        for p in params:
            key = p.split("=", 1)[0].upper()
            if key not in ("NOTIFY", "ORCPT") or self.opts.no_dsn:
                return await self.push(
                    "555 5.5.4 unsupported RCPT parameter %s" % key)
        self.envelope.rcpt_tos.append(address)
        self.envelope.rcpt_opts_list.append(params)
        await self.push("250 2.1.5 OK")

    async def smtp_DATA(self, arg):
        # Count reads from the end of MAIL to the end of the DATA line.
        end = self.consumed()
        reads = None
        if self.mail_pos is not None and end is not None and self.chunk_ends:
            reads = (self.chunk_index(end - 1)
                     - self.chunk_index(self.mail_pos - 1) + 1)
        self.envelope.tcp_reads = reads
        if self.mail_pos is not None and self.chunk_ends:
            self.envelope.mail_read = self.chunk_index(self.mail_pos - 1)
        await super().smtp_DATA(arg)

    def _set_rset_state(self):
        super()._set_rset_state()
        self.mail_pos = None

    # -- TLS ------------------------------------------------------------------
    def tls_info(self):
        """(protocol version, client certificate CN) or (None, None)."""
        so = None
        if self.transport is not None:
            so = self.transport.get_extra_info("ssl_object")
        if so is None:
            return None, None
        cn = None
        try:
            cert = so.getpeercert()
        except (ValueError, ssl.SSLError):
            cert = None
        for rdn in (cert or {}).get("subject", ()):
            for key, val in rdn:
                if key == "commonName":
                    cn = val
        return so.version(), cn

    async def smtp_STARTTLS(self, arg):
        log_path = os.path.join(self.opts.outdir, "tls.log")
        if self.opts.starttls_inject:
            # The forged line must arrive in the same segment as the 220.
            with open(log_path, "a") as f:
                f.write("injected %d\n" % self.conn_id)
            self._writer.write(b"220 go ahead\r\n250 injected\r\n")
            await self._writer.drain()
            return
        with open(log_path, "a") as f:
            f.write("tls %d\n" % self.conn_id)
        await super().smtp_STARTTLS(arg)


class Recorder:
    def __init__(self, opts):
        self.opts = opts

    async def handle_EHLO(self, server, session, envelope, hostname,
                          responses):
        session.host_name = hostname
        session.helo_cmd = "EHLO"
        out = []
        for r in responses:
            if r.endswith("8BITMIME") and self.opts.no_8bitmime:
                continue
            if r.startswith("250 "):     # the final line: add ours before
                if not self.opts.no_pipelining:
                    out.append("250-PIPELINING")
                if not self.opts.no_dsn:
                    out.append("250-DSN")
                out.append("250-ENHANCEDSTATUSCODES")
            out.append(r)
        # Room for DSN parameters (RFC 3461 section 5: +100 and +500).
        server.command_size_limits["MAIL"] = 1024
        server.command_size_limits["RCPT"] = 1024
        return out

    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        session.helo_cmd = "HELO"
        return "250 %s" % server.hostname

    async def handle_DATA(self, server, session, envelope):
        COUNTER["msg"] += 1
        seq = COUNTER["msg"]
        base = os.path.join(self.opts.outdir, "%04d" % seq)
        content = envelope.original_content or b""
        atomic_write(base + ".eml", content)
        rec = {
            "seq": seq,
            "conn": server.conn_id,
            "peer": list(session.peer) if session.peer else None,
            "helo_cmd": getattr(session, "helo_cmd", None),
            "ehlo_name": session.host_name,
            "mail_from": envelope.mail_from,
            "mail_options": list(envelope.mail_options or []),
            "rcpt_tos": list(envelope.rcpt_tos),
            "rcpt_options": list(getattr(envelope, "rcpt_opts_list", [])),
            "size": len(content),
            "eml": os.path.basename(base + ".eml"),
            "raw": os.path.basename(server.raw_path),
            "tcp_reads_mail_to_data": getattr(envelope, "tcp_reads", None),
            # index (from 0, per connection) of the TCP read that carried
            # the MAIL command, and of the one that ended the data: the
            # dot of one message and the next MAIL share a read when the
            # client pipelines across messages
            "mail_read": getattr(envelope, "mail_read", None),
            "dot_read": server.dot_read(),
            "tls": server.tls_info()[0],
            "tls_peer_cn": server.tls_info()[1],
            "time": time.time(),
        }
        atomic_write(base + ".json", json.dumps(rec, indent=1) + "\n")
        return "250 2.0.0 OK queued as capture-%04d" % seq


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_listen_args(ap)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--hostname", default="capture.test")
    ap.add_argument("--size", type=int, default=50 * 1024 * 1024)
    ap.add_argument("--line-limit", type=int, default=0)
    ap.add_argument("--no-pipelining", action="store_true")
    ap.add_argument("--no-dsn", action="store_true")
    ap.add_argument("--no-smtputf8", action="store_true")
    ap.add_argument("--no-8bitmime", action="store_true")
    ap.add_argument("--log")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--tls-client-ca")
    ap.add_argument("--starttls", action="store_true")
    ap.add_argument("--smtps", action="store_true")
    ap.add_argument("--starttls-inject", action="store_true")
    ap.add_argument("--tls-only-version",
                    choices=("1.0", "1.1", "1.2", "1.3"))
    opts = ap.parse_args()
    if (opts.starttls or opts.smtps or opts.starttls_inject) and \
            not (opts.tls_cert and opts.tls_key):
        ap.error("--starttls/--smtps/--starttls-inject need --tls-cert "
                 "and --tls-key")

    logging.basicConfig(filename=opts.log, level=logging.INFO,
                        format="%(asctime)s %(name)s %(message)s")
    os.makedirs(opts.outdir, exist_ok=True)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Recorder(opts)
    tls_ctx = None
    if opts.tls_cert:
        tls_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_ctx.load_cert_chain(opts.tls_cert, opts.tls_key)
        if opts.tls_only_version:
            v = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
                 "1.2": ssl.TLSVersion.TLSv1_2,
                 "1.3": ssl.TLSVersion.TLSv1_3}[opts.tls_only_version]
            if opts.tls_only_version in ("1.0", "1.1"):
                tls_ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            tls_ctx.minimum_version = v
            tls_ctx.maximum_version = v
        if opts.tls_client_ca:
            tls_ctx.load_verify_locations(opts.tls_client_ca)
            tls_ctx.verify_mode = ssl.CERT_OPTIONAL
    starttls = tls_ctx if (opts.starttls or opts.starttls_inject) else None

    def factory():
        kw = {}
        if starttls is not None:
            kw = {"tls_context": starttls, "require_starttls": True}
        return CaptureSMTP(handler, opts, hostname=opts.hostname,
                           data_size_limit=opts.size,
                           enable_SMTPUTF8=not opts.no_smtputf8,
                           decode_data=False, timeout=120, loop=loop, **kw)

    server = loop.run_until_complete(
        loop.create_server(factory, opts.host, opts.port,
                           reuse_address=True,
                           ssl=tls_ctx if opts.smtps else None))
    serve(loop, server, opts, wait_closed=True)
    loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
