#!/usr/bin/python3
"""bench.py - the measurements of bench/run.sh (sendsmtp against msmtp).

run.sh starts the servers and writes the configs, then runs this with
everything in the environment (see ENV below).  Each scenario runs A
(sendsmtp) and B (msmtp) interleaved, A B A B ..., so load that comes
and goes on a shared machine hits both alike; it reports the median, the
minimum and the maximum of each and the ratio of the medians (A / B).
Scenarios behind the delaying proxy also report the SMTP round trips
per message the proxy counted (delayproxy.py) next to the protocol's
minimum for that mode.

Output: a Markdown table on stdout and in $T/table.md.
"""
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time

ENV = os.environ
T = ENV["T"]
SENDSMTP = ENV["SENDSMTP"]
MSMTP = ENV.get("MSMTP", "/usr/bin/msmtp")
RCPT = "bench@example.net"
QUICK = ENV.get("BENCH_QUICK", "0") == "1"
ROWS = []
NOTES = []


def reps(n):
    """Fewer repetitions with BENCH_QUICK=1 (a smoke test of run.sh)."""
    return max(1, n // 5) if QUICK else n


def run(cmd, stdin_path=None):
    """Run cmd; return its wall time in seconds.

    A plain command line is executed directly (no /bin/sh, whose own
    start-up would add the same millisecond to both clients); loops and
    redirections go through the shell."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    shell = any(c in cmd for c in ";|&$<>")
    argv = cmd if shell else shlex.split(cmd)
    t0 = time.perf_counter()
    p = subprocess.run(argv, shell=shell, stdin=stdin,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if stdin_path:
        stdin.close()
    if p.returncode != 0:
        sys.stderr.write("bench: %s: exit %d: %s\n" % (
            cmd, p.returncode, p.stderr.decode("utf-8", "replace")))
        sys.exit(1)
    return dt


def stats_lines(path):
    try:
        with open(path) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def new_rtts(path, before, want=1, wait=3.0, settle=0.0):
    """Round trips of the connections the proxy closed since before.

    The proxy writes a connection's line once both directions closed,
    a little after the client exited: wait for want lines, then settle
    seconds more for any others (parallel sessions)."""
    end = time.time() + wait
    while True:
        lines = stats_lines(path)[before:]
        if len(lines) >= want or time.time() > end:
            break
        time.sleep(0.01)
    if settle > 0:
        time.sleep(settle)
        lines = stats_lines(path)[before:]
    total, conns = 0, 0
    for line in lines:
        f = dict(kv.split("=") for kv in line.split())
        total += int(f["rtts"])
        conns += 1
    return total, conns


def fmt_ms(v):
    return "%.1f" % (v * 1000) if v < 10 else "%.0f" % (v * 1000)


def summary(ts):
    return statistics.median(ts), min(ts), max(ts)


def add_row(name, a, b, rt_a="", rt_b="", rt_min="", unit="ms"):
    ma, lo_a, hi_a = summary(a)
    mb, lo_b, hi_b = summary(b)
    conv = fmt_ms if unit == "ms" else (lambda v: "%.0f" % v)
    ROWS.append("| %s | %d | %s (%s-%s) | %s (%s-%s) | %.3f | %s | %s | %s |"
                % (name, len(a), conv(ma), conv(lo_a), conv(hi_a),
                   conv(mb), conv(lo_b), conv(hi_b), ma / mb, rt_a, rt_b,
                   rt_min))
    sys.stderr.write(ROWS[-1] + "\n")


def pair(name, n, cmd_a, cmd_b, msg, stats=None, rt_min="", before_a=None,
         after_a=None):
    """n interleaved runs of A and B; medians and round trips."""
    ta, tb, ra, rb = [], [], [], []
    for _ in range(n):
        for which, cmd, ts, rs in (("a", cmd_a, ta, ra), ("b", cmd_b, tb,
                                                          rb)):
            if which == "a" and before_a:
                before_a()
            k = len(stats_lines(stats)) if stats else 0
            ts.append(run(cmd, msg))
            if which == "a" and after_a:
                after_a()
            if stats:
                rs.append(new_rtts(stats, k)[0])
    rt_a = "%g" % statistics.median(ra) if ra else ""
    rt_b = "%g" % statistics.median(rb) if rb else ""
    add_row(name, ta, tb, rt_a, rt_b, rt_min)
    return statistics.median(ta), statistics.median(tb)


def rss_pair(name, n, cmd_a, cmd_b, msg):
    """Peak RSS (KiB) of A and B from /usr/bin/time -f %M."""
    ra, rb = [], []
    for _ in range(n):
        for cmd, rs in ((cmd_a, ra), (cmd_b, rb)):
            out = os.path.join(T, "rss.out")
            run("/usr/bin/time -f %%M -o %s %s" % (out, cmd), msg)
            with open(out) as f:
                rs.append(float(f.read().split()[-1]))
    add_row(name, ra, rb, unit="KiB")
    return statistics.median(ra), statistics.median(rb)


def queue_empty(spool):
    return not os.listdir(os.path.join(spool, "queue"))


def wait_queue_empty(spool, limit=30.0):
    end = time.time() + limit
    while not queue_empty(spool):
        if time.time() > end:
            sys.exit("bench: %s/queue did not empty" % spool)
        time.sleep(0.002)


def S(conf, args=""):
    return "%s -C %s/%s %s %s" % (SENDSMTP, T, conf, args, RCPT)


def M(conf):
    return "%s -C %s/%s %s" % (MSMTP, T, conf, RCPT)


def main():
    msg1k = os.path.join(T, "msg1k")
    msg50m = os.path.join(T, "msg50m")
    sink_stats = os.path.join(T, "proxy-sink.stats")
    pf_stats = os.path.join(T, "proxy-pf.stats")
    res = {}

    res["plain"] = pair("1 KB plaintext, loopback", reps(30),
                        S("s-plain.conf"), M("m-plain.conf"), msg1k)
    # The floor on this machine: a process that does nothing, started
    # the same way (after the other client ran, i.e. from an idle CPU).
    pair("(floor: /bin/true vs msmtp 1 KB plaintext, loopback)", reps(15),
         "/bin/true", M("m-plain.conf"), msg1k)
    res["tls"] = pair("1 KB STARTTLS+AUTH, loopback", reps(30),
                      S("s-tls.conf"), M("m-tls.conf"), msg1k)
    pair("1 KB plaintext, 20 ms RTT", reps(15), S("s-plain20.conf"),
         M("m-plain20.conf"), msg1k, sink_stats, rt_min="4")
    cache = os.path.join(T, "spool-tls20", "tls-cache")
    pair("1 KB STARTTLS+AUTH, 20 ms RTT, no TLS cache", reps(10),
         S("s-tls20.conf"), M("m-tls20.conf"), msg1k, pf_stats,
         rt_min="7",
         before_a=lambda: shutil.rmtree(cache, ignore_errors=True))
    res["tls20"] = pair("1 KB STARTTLS+AUTH, 20 ms RTT (resumed)",
                        reps(15), S("s-tls20.conf"), M("m-tls20.conf"),
                        msg1k, pf_stats, rt_min="7")
    # 200 sequential submissions, plaintext, loopback.
    loop_a = "for i in $(seq 200); do %s <%s || exit 1; done" % (
        S("s-plain.conf"), msg1k)
    loop_b = "for i in $(seq 200); do %s <%s || exit 1; done" % (
        M("m-plain.conf"), msg1k)
    pair("200 sequential submissions (total)", reps(3), loop_a, loop_b,
         None)
    # background mode: the return time, against msmtp's STARTTLS
    # submission; the detached delivery is waited for between runs.
    bg_spool = os.path.join(T, "spool-tls")
    res["bg"] = pair("background (-odb) return vs msmtp STARTTLS+AUTH",
                     reps(30), S("s-tls.conf", "-odb"), M("m-tls.conf"),
                     msg1k, after_a=lambda: wait_queue_empty(bg_spool))
    res["queue"] = queue_run(msg1k, sink_stats)
    res["rss1k"] = rss_pair("peak RSS, 1 KB (KiB)", reps(5),
                            S("s-plain.conf"), M("m-plain.conf"), msg1k)
    res["rss50m"] = rss_pair("peak RSS, 50 MB (KiB)", max(1, reps(3)),
                             S("s-plain.conf"), M("m-plain.conf"), msg50m)
    report(res)


def queue_run(msg, stats):
    """1000 messages at 20 ms RTT: one sendsmtp -q against msmtp x1000."""
    n = int(ENV.get("BENCH_QUEUE_N", "200" if QUICK else "1000"))
    spool = os.path.join(T, "spool-q")
    t0 = time.perf_counter()
    enq = "for i in $(seq %d); do %s <%s || exit 1; done" % (
        n, S("s-q.conf", "-odq"), msg)
    run(enq)
    t_enq = time.perf_counter() - t0
    k = len(stats_lines(stats))
    ta = run("%s -C %s/s-q.conf -q" % (SENDSMTP, T))
    rt_a, conns = new_rtts(stats, k, settle=1.0)
    if not queue_empty(spool):
        sys.exit("bench: the queue run left messages in %s" % spool)
    k = len(stats_lines(stats))
    loop_b = "for i in $(seq %d); do %s <%s || exit 1; done" % (
        n, M("m-plain20.conf"), msg)
    tb = run(loop_b)
    rt_b, _ = new_rtts(stats, k, want=n)
    add_row("queue run of %d, 20 ms RTT (total)" % n, [ta], [tb],
            "%.2f" % (rt_a / n), "%.2f" % (rt_b / n), "1")
    NOTES.append("queue run: %d messages queued with -odq in %.1f s "
                 "(not timed above); sendsmtp -q used %d connection(s) "
                 "and %d round trips in all." % (n, t_enq, conns, rt_a))
    return ta, tb


def report(res):
    head = ["| scenario | n | sendsmtp median (min-max) | msmtp median "
            "(min-max) | ratio | RTs sendsmtp | RTs msmtp | RT minimum |",
            "|---|---|---|---|---|---|---|---|"]
    targets = [
        ("1 KB STARTTLS+AUTH at 20 ms RTT <= 0.65 x msmtp",
         res["tls20"][0] / res["tls20"][1] <= 0.65),
        ("1 KB plaintext, loopback <= 0.1 x msmtp",
         res["plain"][0] / res["plain"][1] <= 0.1),
        ("1 KB STARTTLS+AUTH, loopback <= 0.1 x msmtp",
         res["tls"][0] / res["tls"][1] <= 0.1),
        ("background return <= 0.2 x msmtp STARTTLS",
         res["bg"][0] / res["bg"][1] <= 0.2),
        ("queue run >= 20 x faster than msmtp",
         res["queue"][1] / res["queue"][0] >= 20),
        ("peak RSS 50 MB <= 1.05 x 1 KB",
         res["rss50m"][0] <= 1.05 * res["rss1k"][0]),
        ("peak RSS below msmtp's (1 KB and 50 MB)",
         res["rss1k"][0] < res["rss1k"][1] and
         res["rss50m"][0] < res["rss50m"][1]),
    ]
    out = ["Times in ms (RSS rows in KiB); ratio = sendsmtp / msmtp "
           "medians; RTs = SMTP round trips per message counted by "
           "delayproxy.py (median).", ""] + head + ROWS + [""]
    out += ["Targets:", ""]
    out += ["- %s: %s" % (t, "met" if ok else "NOT met") for t, ok in
            targets]
    if NOTES:
        out += [""] + ["- " + x for x in NOTES]
    text = "\n".join(out) + "\n"
    with open(os.path.join(T, "table.md"), "w") as f:
        f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
