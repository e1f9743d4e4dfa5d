#!/usr/bin/python3
"""delayproxy.py - a TCP proxy on loopback that adds latency (bench/).

This kernel has no netem, so round-trip time is emulated here: every
chunk read from either side is forwarded to the other side DELAY ms after
it arrived (default 10 ms each way, i.e. 20 ms round trips), in order.
Both sockets use TCP_NODELAY so the proxy adds no Nagle stalls of its
own; the delayed-ACK behaviour of the client's kernel towards the proxy
is left as it is (that is part of what is being measured).

Per connection it counts round trips: a chunk from the server that
follows a chunk from the client is one completed client->server->client
exchange.  The greeting (server first) is not one; the QUIT/221 exchange
is, whether or not the client waits for the 221.  When both directions
are closed it appends one line to --stats:

    conn=N rtts=R c2s_bytes=B s2c_bytes=B c2s_flights=F s2c_flights=F

Usage: delayproxy.py --listen PORT --target PORT [--delay-ms 10]
                     [--stats FILE] [--port-file FILE]
Loopback only (127.0.0.1 on both sides).
"""
import argparse
import asyncio
import socket
import sys


class Conn:
    """Counters of one proxied connection."""

    def __init__(self, cid):
        self.cid = cid
        self.last = None
        self.rtts = 0
        self.nbytes = {"c2s": 0, "s2c": 0}
        self.flights = {"c2s": 0, "s2c": 0}

    def saw(self, direction, n):
        if direction != self.last:
            self.flights[direction] += 1
            if direction == "s2c" and self.last == "c2s":
                self.rtts += 1
            self.last = direction
        self.nbytes[direction] += n

    def line(self):
        return ("conn=%d rtts=%d c2s_bytes=%d s2c_bytes=%d "
                "c2s_flights=%d s2c_flights=%d\n" % (
                    self.cid, self.rtts, self.nbytes["c2s"],
                    self.nbytes["s2c"], self.flights["c2s"],
                    self.flights["s2c"]))


async def reader(src, q, conn, direction):
    """Read chunks; stamp each with its due time; None marks EOF."""
    loop = asyncio.get_running_loop()
    try:
        while True:
            data = await src.read(65536)
            if not data:
                break
            conn.saw(direction, len(data))
            q.put_nowait((loop.time() + ARGS.delay_ms / 1000.0, data))
    except (ConnectionError, OSError, RuntimeError):
        pass
    q.put_nowait((loop.time() + ARGS.delay_ms / 1000.0, None))


async def writer(dst, q):
    """Forward each chunk when it is due, in arrival order."""
    loop = asyncio.get_running_loop()
    broken = False
    while True:
        due, data = await q.get()
        wait = due - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        if broken:
            if data is None:
                return
            continue
        try:
            if data is None:
                if dst.can_write_eof():
                    dst.write_eof()
                return
            dst.write(data)
            await dst.drain()
        except (ConnectionError, OSError, RuntimeError):
            # the peer is gone (a reset, or writing after its close)
            broken = True
            if data is None:
                return


def nodelay(w):
    sock = w.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


COUNTER = [0]


async def handle(cr, cw):
    COUNTER[0] += 1
    conn = Conn(COUNTER[0])
    try:
        sr, sw = await asyncio.open_connection("127.0.0.1", ARGS.target)
    except OSError:
        cw.close()
        return
    nodelay(cw)
    nodelay(sw)
    q1, q2 = asyncio.Queue(), asyncio.Queue()
    await asyncio.gather(reader(cr, q1, conn, "c2s"), writer(sw, q1),
                         reader(sr, q2, conn, "s2c"), writer(cw, q2))
    for w in (cw, sw):
        try:
            w.close()
        except OSError:
            pass
    if ARGS.stats:
        with open(ARGS.stats, "a") as f:
            f.write(conn.line())


async def main():
    srv = await asyncio.start_server(handle, "127.0.0.1", ARGS.listen,
                                     backlog=1024)
    port = srv.sockets[0].getsockname()[1]
    if ARGS.port_file:
        with open(ARGS.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        import os
        os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    async with srv:
        await srv.serve_forever()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--listen", type=int, default=0)
    p.add_argument("--target", type=int, required=True)
    p.add_argument("--delay-ms", type=float, default=10.0)
    p.add_argument("--stats")
    p.add_argument("--port-file")
    ARGS = p.parse_args()
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
