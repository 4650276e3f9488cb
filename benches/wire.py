#!/usr/bin/env python3
"""The time to probe N tenant addresses (default 50) at --jobs 16, against the floor.

Starts, on 127.0.0.1:
  - a fake MySQL server that speaks TLS the MySQL way on N ports: the v10 handshake with
    CLIENT_SSL, then the client's 32-byte SSLRequest, then a TLS handshake (Python's ssl,
    OpenSSL, with tests/data/tls/server.pem: a leaf for 127.0.0.1 from another CA than the
    mock's, so every probe verifies a chain and finds it `untrusted`), then holds the
    connection until the client closes it;
  - `obssl-mock serve` with `--tenant-address obcluster-demo=127.0.0.1:PORT` for each port,
    one for `obcluster-not-forced` on one TLS port, one for `obcluster-no-auto-update` on a
    closed port.
Then measures, median of --reps runs each:
  a. `obssl check --wire obcluster-no-auto-update`: the API calls of a check --wire (the SSL
     status, the CA download, address/info) and one probe that is refused at once: t_api;
  b. `obssl check --wire obcluster-not-forced`: the same with one TLS probe: t_1;
  c. `obssl check --wire --jobs J obcluster-demo`: N probes J at a time: t_N;
  d. `obssl probe obcluster-demo --jobs J` (when this obssl has the command): the same
     addresses through `obssl probe`.
The floor of (c) from the model: t_api + ceil(N / J) * (t_1 - t_api), the probes of a
round running side by side at the speed of a single one. It measures and reports; it never
fails on time.

Usage: cargo build --release && python3 benches/wire.py [--addresses 50] [--jobs 16] [--reps 7]
"""

import argparse
import math
import os
import socket
import ssl
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import AK, ROOT, SK, free_port, start_mock  # noqa: E402  (one mock start-up)
CLIENT_SSL = 0x800
CAPABILITIES = 0x1 | 0x2 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x20000 | 0x80000 | CLIENT_SSL


def handshake_packet():
    payload = bytes([10]) + b"5.7.25-bench-OceanBase\0" + struct.pack("<I", 7)
    payload += b"abcdefgh\0" + struct.pack("<H", CAPABILITIES & 0xFFFF) + bytes([45])
    payload += struct.pack("<H", 2) + struct.pack("<H", CAPABILITIES >> 16) + bytes([21])
    payload += bytes(10) + b"ijklmnopqrst\0" + b"mysql_native_password\0"
    return struct.pack("<I", len(payload))[:3] + b"\0" + payload


def read_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def serve_connection(conn, context, delay):
    try:
        conn.settimeout(30)
        time.sleep(delay)
        conn.sendall(handshake_packet())
        if read_exactly(conn, 4 + 32) is None:  # the SSLRequest
            return
        time.sleep(delay)
        tls = context.wrap_socket(conn, server_side=True)
        while tls.recv(4096):
            pass
    except (OSError, ssl.SSLError):
        pass
    finally:
        conn.close()


def fake_tls_mysql(count, delay):
    """Listens on `count` free ports; returns them. Each connection waits `delay` seconds
    before the greeting and again before the TLS handshake (a round trip's worth each)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    data = os.path.join(ROOT, "tests", "data", "tls")
    context.load_cert_chain(os.path.join(data, "server.pem"), os.path.join(data, "server.key"))
    ports = []
    for _ in range(count):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        ports.append(listener.getsockname()[1])

        def accept(listener=listener):
            while True:
                conn, _ = listener.accept()
                threading.Thread(target=serve_connection, args=(conn, context, delay), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
    return ports


def measure(argv, env, reps):
    times, codes = [], set()
    for _ in range(reps):
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
        codes.add(done.returncode)
    return statistics.median(times), min(times), codes, done.stdout.decode(errors="replace")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--addresses", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=16)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--delay-ms", type=float, default=0.0,
                        help="the fake server waits this long before its greeting and again "
                             "before TLS (0: loopback speed, where the probe is CPU-bound)")
    parser.add_argument("--binary-dir", default=os.path.join(ROOT, "target", "release"))
    args = parser.parse_args()
    obssl = os.path.join(args.binary_dir, "obssl")
    if not os.path.exists(obssl):
        sys.exit(f"{obssl} not found: run cargo build --release first")

    ports = fake_tls_mysql(args.addresses, args.delay_ms / 1000)
    closed = free_port()
    addresses = [("obcluster-demo", f"127.0.0.1:{p}") for p in ports]
    addresses += [("obcluster-not-forced", f"127.0.0.1:{ports[0]}"),
                  ("obcluster-no-auto-update", f"127.0.0.1:{closed}")]
    tenant_flags = [f for instance, address in addresses
                    for f in ("--tenant-address", f"{instance}={address}")]
    no_fixtures = tempfile.mkdtemp(prefix="obssl-bench-wire-")
    mock, url = start_mock(os.path.join(args.binary_dir, "obssl-mock"), 0, no_fixtures,
                           tenant_flags)
    home = os.path.join("/tmp", f"obssl-bench-wire-{os.getpid()}")
    os.makedirs(home, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": home, "XDG_CACHE_HOME": home,
           "XDG_CONFIG_HOME": home, "OBSSL_ENDPOINT": url, "OBSSL_ACCESS_KEY_ID": AK,
           "OBSSL_ACCESS_KEY_SECRET": SK, "NO_COLOR": "1"}
    jobs = str(args.jobs)
    try:
        # One warm-up run, unmeasured.
        subprocess.run([obssl, "check", "--wire", "obcluster-demo"], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rows = []
        t_api = measure([obssl, "check", "--wire", "obcluster-no-auto-update"], env, args.reps)
        rows.append(("check --wire, 1 address, refused at once (t_api)", t_api))
        t_1 = measure([obssl, "check", "--wire", "obcluster-not-forced"], env, args.reps)
        rows.append(("check --wire, 1 TLS address (t_1)", t_1))
        t_n = measure([obssl, "check", "--wire", "--jobs", jobs, "obcluster-demo"], env, args.reps)
        rows.append((f"check --wire --jobs {jobs}, {args.addresses} TLS addresses", t_n))
        t_seq = measure([obssl, "check", "--wire", "--jobs", "1", "obcluster-demo"], env, args.reps)
        rows.append((f"check --wire --jobs 1, {args.addresses} TLS addresses", t_seq))
        has_probe = subprocess.run([obssl, "probe", "--help"], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL).returncode == 0
        if has_probe:
            t_probe = measure([obssl, "probe", "obcluster-demo", "--jobs", jobs], env, args.reps)
            rows.append((f"probe --jobs {jobs}, {args.addresses} TLS addresses", t_probe))
    finally:
        mock.kill()
    one_probe = max(t_1[0] - t_api[0], 0.0)
    rounds = math.ceil(args.addresses / args.jobs)
    floor = t_api[0] + rounds * one_probe
    cores = os.cpu_count() or 1
    cpu_floor = t_api[0] + max(t_seq[0] - t_api[0], 0.0) / cores
    print(f"{args.addresses} addresses, --jobs {jobs}, {args.reps} repetitions, medians, "
          f"server delay {args.delay_ms:g} ms x 2 per probe, {cores} cores "
          f"(fake TLS MySQL server: Python {sys.version.split()[0]}, {ssl.OPENSSL_VERSION})\n")
    print("| run | median | min | exit |")
    print("|---|---|---|---|")
    for name, (median, minimum, codes, _) in rows:
        print(f"| {name} | {median * 1000:.1f} ms | {minimum * 1000:.1f} ms | "
              f"{','.join(str(c) for c in sorted(codes))} |")
    print(f"\none probe (t_1 - t_api): {one_probe * 1000:.1f} ms; "
          f"floor of {args.addresses} at --jobs {jobs}: t_api + {rounds} rounds x one probe = "
          f"{floor * 1000:.1f} ms; measured / floor = {t_n[0] / floor:.2f}")
    if args.delay_ms == 0:
        print(f"CPU floor (the --jobs 1 run's probes spread over {cores} cores, client and server "
              f"sharing them): t_api + (t_seq - t_api) / {cores} = {cpu_floor * 1000:.1f} ms; "
              f"measured / max(floors) = {t_n[0] / max(floor, cpu_floor):.2f}")
    print(f"\nsample (check --wire --jobs {jobs}, first 3 lines):")
    for line in t_n[3].splitlines()[:3]:
        print("  " + line[:300])


if __name__ == "__main__":
    main()
