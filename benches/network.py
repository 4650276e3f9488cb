#!/usr/bin/env python3
"""obssl against curl --digest over a real network path: HTTPS through a delay proxy.

Starts two `obssl-mock` servers with their own TLS listener (`--tls-cert/--tls-key`,
the test certificates of tests/data/tls-errors; one speaks TLS 1.2 and 1.3, one TLS 1.2
only) and, in front of each, a delay proxy in this script: every chunk, in each direction,
is delivered RTT/2 after it arrived, and a new connection carries nothing before one RTT
has passed (as a TCP handshake would take). The proxy counts connections and
request/response turns (a client-to-server flight answered by a server-to-client one: one
round trip), so each row shows the round trips each client made.

Rows, at each RTT (default 50 and 200 ms), obssl and curl side by side in one run:
  1. one get, warm nonce cache, TLS 1.3
  2. one get, no nonce cache, TLS 1.3
  3. one get, warm nonce cache, TLS 1.2 only
  4. 200 ids, `obssl get --jobs 16`, TLS 1.3 (against `xargs -P16 curl --digest`)
The floor of each row is the round trips the protocol needs, times the RTT:
  1. TCP 1 + TLS 1.3 1 + the signed request 1 = 3
  2. TCP 1 + TLS 1.3 1 + the unsigned request (the challenge) 1 + the signed one 1 = 4
  3. TCP 1 + TLS 1.2 2 + the signed request 1 = 4
  4. TCP 1 + TLS 1 + the challenge 1 + ceil(200 / 16) = 13 rounds of signed requests = 16
curl --digest makes the unsigned request on every call (it keeps nothing between calls).

It measures and reports (medians of --reps); it never fails on time.

Usage: cargo build --release && python3 benches/network.py [--rtt-ms 50,200] [--reps 5]
"""

import argparse
import asyncio
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CERTS = os.path.join(ROOT, "tests", "data", "tls-errors")
AK = "bench-access-key-id"
SK = "bench-access-key-secret-0123"
FLEET = 200
JOBS = 16
# Server flights shorter than this are TLS alerts (close_notify: 24 or 31 bytes), not answers;
# the shortest answer is TLS 1.2's ChangeCipherSpec and Finished (51 bytes).
SMALLEST_ANSWER = 40


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DelayProxy:
    """A TCP proxy that delays every chunk by RTT/2 each way, and a new connection by one RTT.

    Runs its own asyncio loop on a thread. `reset()` clears the counters; `counts()` gives
    (connections, turns) since then, where a turn is a client-to-server flight followed by
    a server-to-client flight on one connection.
    """

    def __init__(self, upstream_port, rtt):
        self.upstream_port = upstream_port
        self.rtt = rtt
        self.port = None
        self.lock = threading.Lock()
        self.connections = 0
        self.turns = 0
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        threading.Thread(target=self._run, args=(started,), daemon=True).start()
        started.wait()

    def _run(self, started):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0)
        )
        self.port = server.sockets[0].getsockname()[1]
        started.set()
        self.loop.run_forever()

    def reset(self):
        with self.lock:
            self.connections = 0
            self.turns = 0

    def counts(self):
        with self.lock:
            return self.connections, self.turns

    async def _serve(self, client_reader, client_writer):
        accepted = time.monotonic()
        with self.lock:
            self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(
                "127.0.0.1", self.upstream_port
            )
        except OSError:
            client_writer.close()
            return
        # A round trip is counted when the server answers a flight the client sent after
        # the last answer it received (the client waited for the server). Flights after the
        # client's end of stream (close_notify, FIN) are not waited for.
        state = {"client_waiting": False, "client_done": False}

        def sent_up(data):
            if data and not state["client_done"]:
                state["client_waiting"] = True
            if not data:
                state["client_done"] = True

        def delivered_down(data):
            # A flight of a few bytes (a TLS alert such as close_notify) answers nothing.
            if state["client_waiting"] and len(data) >= SMALLEST_ANSWER:
                state["client_waiting"] = False
                with self.lock:
                    self.turns += 1

        # Nothing reaches the server before the TCP handshake's round trip is over.
        await asyncio.gather(
            self._pump(client_reader, up_writer, accepted + self.rtt, sent_up, None),
            self._pump(up_reader, client_writer, accepted, None, delivered_down),
            return_exceptions=True,
        )

    async def _pump(self, reader, writer, open_at, on_read, on_delivered):
        """Copies reader to writer, each chunk RTT/2 after it was read (and not before
        open_at + RTT/2), in order, without waiting for one chunk before reading the next."""
        loop = asyncio.get_running_loop()
        half = self.rtt / 2
        last_due = 0.0
        done = loop.create_future()

        def deliver(data):
            if data is None:
                try:
                    writer.write_eof()
                except (OSError, RuntimeError):
                    pass
                if not done.done():
                    done.set_result(None)
                return
            if on_delivered:
                on_delivered(data)
            try:
                writer.write(data)
            except (OSError, RuntimeError):
                pass

        while True:
            try:
                data = await reader.read(65536)
            except OSError:
                data = b""
            if on_read:
                on_read(data)
            due = max(time.monotonic(), open_at) + half
            last_due = max(due, last_due)
            loop.call_at(last_due, deliver, data or None)
            if not data:
                break
        await done


def start_mock(mock_bin, tls_version):
    port = free_port()
    env = dict(os.environ, OBSSL_MOCK_ACCESS_KEY_SECRET=SK)
    proc = subprocess.Popen(
        [
            mock_bin, "serve", "--listen", f"127.0.0.1:{port}",
            "--access-key-id", AK, "--generate", str(FLEET),
            "--tls-cert", os.path.join(CERTS, "good.pem"),
            "--tls-key", os.path.join(CERTS, "server.key"),
            "--tls-version", tls_version,
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    sys.exit("obssl-mock did not start")


def timed(argv, env, stdin_data=None):
    started = time.perf_counter()
    out = subprocess.run(
        argv, env=env, input=stdin_data, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )
    took = time.perf_counter() - started
    if out.returncode != 0:
        sys.exit(f"{argv[0]} failed ({out.returncode}): {out.stderr[-2000:]}")
    return took


def row(proxy, reps, run, prepare=None):
    """Median seconds of `run` over reps, and the round trips of the last repetition
    (1 per connection, for its TCP handshake, plus the turns)."""
    times = []
    trips = None
    for _ in range(reps):
        if prepare:
            prepare()
        proxy.reset()
        times.append(run())
        connections, turns = proxy.counts()
        trips = (connections, turns)
    return statistics.median(times), trips


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtt-ms", default="50,200")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--release-dir", default=os.path.join(ROOT, "target", "release"))
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    obssl = os.path.join(args.release_dir, "obssl")
    mock = os.path.join(args.release_dir, "obssl-mock")
    for binary in (obssl, mock):
        if not os.access(binary, os.X_OK):
            sys.exit(f"{binary} not found: run `cargo build --release` first")
    curl = shutil.which("curl")
    if not curl:
        sys.exit("curl not found (apt-get install curl)")
    ca = os.path.join(CERTS, "ca.pem")
    ids = [f"obcluster-gen-{i:04d}" for i in range(1, FLEET + 1)]

    mocks = {v: start_mock(mock, v) for v in ("1.2,1.3", "1.2")}
    home = tempfile.mkdtemp(prefix="obssl-network-bench-")
    results = []
    try:
        for rtt_ms in [int(x) for x in args.rtt_ms.split(",")]:
            rtt = rtt_ms / 1000
            proxies = {v: DelayProxy(port, rtt) for v, (_, port) in mocks.items()}

            def env_for(version, cache=True):
                env = {
                    "PATH": os.environ.get("PATH", ""),
                    "HOME": home,
                    "XDG_CACHE_HOME": os.path.join(home, f"cache-{version}"),
                    "XDG_CONFIG_HOME": os.path.join(home, "config"),
                    "OBSSL_ENDPOINT": f"https://127.0.0.1:{proxies[version].port}",
                    "OBSSL_ACCESS_KEY_ID": AK,
                    "OBSSL_ACCESS_KEY_SECRET": SK,
                    "OBSSL_CA_BUNDLE": ca,
                    "NO_COLOR": "1",
                }
                if not cache:
                    env["OBSSL_NONCE_CACHE"] = "off"
                return env

            def obssl_get(version, cache=True):
                return lambda: timed([obssl, "get", "obxxx", "-o", "json"], env_for(version, cache))

            def curl_get(version):
                url = (f"https://127.0.0.1:{proxies[version].port}"
                       "/api/v2/instances/obxxx/security/ssl?requestId=bench")
                return lambda: timed(
                    [curl, "-sS", "--fail", "--digest", "-u", f"{AK}:{SK}", "--cacert", ca,
                     "-o", "/dev/null", url],
                    env_for(version),
                )

            def warm(version):
                return lambda: timed([obssl, "get", "obxxx", "-o", "json"], env_for(version))

            both, tls12 = "1.2,1.3", "1.2"
            rows = [
                ("one get, warm nonce cache, TLS 1.3", both, 3,
                 row(proxies[both], args.reps, obssl_get(both), warm(both)),
                 row(proxies[both], args.reps, curl_get(both))),
                ("one get, no cache, TLS 1.3", both, 4,
                 row(proxies[both], args.reps, obssl_get(both, cache=False)),
                 row(proxies[both], args.reps, curl_get(both))),
                ("one get, warm, TLS 1.2 only", tls12, 4,
                 row(proxies[tls12], args.reps, obssl_get(tls12), warm(tls12)),
                 row(proxies[tls12], args.reps, curl_get(tls12))),
            ]
            fleet_env = env_for(both, cache=False)
            fleet_ids = "\n".join(ids) + "\n"
            obssl_fleet = row(
                proxies[both], args.reps,
                lambda: timed([obssl, "get", "--file", "-", "--jobs", str(JOBS), "-o", "jsonl"],
                              fleet_env, fleet_ids),
            )
            url = (f"https://127.0.0.1:{proxies[both].port}"
                   "/api/v2/instances/{}/security/ssl?requestId=bench")
            xargs = [
                "xargs", "-P", str(JOBS), "-I", "{}", curl, "-sS", "--fail", "--digest",
                "-u", f"{AK}:{SK}", "--cacert", ca, "-o", "/dev/null", url,
            ]
            curl_fleet = row(proxies[both], max(1, args.reps // 2),
                             lambda: timed(xargs, fleet_env, fleet_ids))
            floor_fleet = 1 + 1 + 1 + math.ceil(FLEET / JOBS)
            rows.append((f"{FLEET} ids, `--jobs {JOBS}`, TLS 1.3 (curl: `xargs -P{JOBS}`)",
                         both, floor_fleet, obssl_fleet, curl_fleet))
            results.append((rtt_ms, rows))
    finally:
        for proc, _ in mocks.values():
            proc.terminate()
        shutil.rmtree(home, ignore_errors=True)

    def trips(counted, parallel=False):
        connections, turns = counted
        return f"{connections} conn, {turns} turns" if parallel else f"{connections + turns} RT"

    print(f"obssl {subprocess.run([obssl, '--version'], capture_output=True, text=True).stdout.strip()}, "
          f"{subprocess.run([curl, '--version'], capture_output=True, text=True).stdout.split(chr(10))[0]}")
    print(f"medians of {args.reps} runs (the xargs curl row: {max(1, args.reps // 2)}); "
          "RT = round trips counted by the proxy in the last run (1 per connection + 1 per "
          "turn: a client flight answered by the server); load average before: "
          f"{load_before:.1f} (1 min), after: {os.getloadavg()[0]:.1f}\n")
    for rtt_ms, rows in results:
        print(f"RTT {rtt_ms} ms\n")
        print("| | obssl | curl `--digest` | floor | obssl / floor |")
        print("|---|---|---|---|---|")
        for name, _, floor_rt, (o_time, o_trips), (c_time, c_trips) in rows:
            parallel = name.startswith(str(FLEET))
            floor = floor_rt * rtt_ms / 1000
            print(
                f"| {name} | {o_time * 1000:.0f} ms ({trips(o_trips, parallel)}) "
                f"| {c_time * 1000:.0f} ms ({trips(c_trips, parallel)}) "
                f"| {floor_rt} RT = {floor * 1000:.0f} ms | {o_time / floor:.2f}x |"
            )
        print()


if __name__ == "__main__":
    main()
