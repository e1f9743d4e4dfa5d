"""srvlib.py - what the integration test servers share.

capture_server.py, fault_server.py, oauth_server.py and dns_server.py
are run as scripts (/usr/bin/python3 PATH) and import this module from
their own directory: each puts that directory first on sys.path.

lib.sh's _start_server() passes --port 0 --port-file F --pid-file F and
waits for the port file, so both files are written whole (write, fsync,
rename) once the socket listens; the PID file goes away on a clean stop
(SIGTERM or SIGINT).
"""

import asyncio
import os
import signal


def atomic_write(path, data):
    """Write str or bytes data to path via path.tmp and a rename."""
    tmp = path + ".tmp"
    mode = "wb" if isinstance(data, (bytes, bytearray)) else "w"
    with open(tmp, mode) as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def add_listen_args(ap):
    """The options every TCP test server takes (argparse parser ap)."""
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--pid-file")


def serve(loop, server, opts, wait_closed=False):
    """Announce the asyncio server (PID and port files), run loop until
    SIGTERM or SIGINT, close the server and remove the PID file."""
    port = server.sockets[0].getsockname()[1]
    if opts.pid_file:
        atomic_write(opts.pid_file, "%d\n" % os.getpid())
    if opts.port_file:
        atomic_write(opts.port_file, "%d\n" % port)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    server.close()
    if wait_closed:
        loop.run_until_complete(server.wait_closed())
    if opts.pid_file:
        try:
            os.unlink(opts.pid_file)
        except OSError:
            pass


def serve_streams(opts, handle):
    """serve() a TCP server on opts.host/opts.port whose connections
    are each handled by the coroutine handle(reader, writer)."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        asyncio.start_server(handle, opts.host, opts.port,
                             reuse_address=True))
    serve(loop, server, opts)
