#!/usr/bin/env python3
"""The CPU one warm `obssl get` costs over HTTPS on loopback, against `curl --digest`.

Starts `obssl-mock` with its own TLS listener (the test certificates of
tests/data/tls-errors), warms obssl's nonce cache with one call, then runs each client
--runs times in turn and reads the CPU time (user + system) the children used from
getrusage(RUSAGE_CHILDREN): the mean per call, and obssl's share of curl's. Both trust the
system's roots plus the test CA (obssl: OBSSL_CA_BUNDLE; curl: its default store plus
--cacert is not additive, so curl gets --cacert with the test CA only, which is the cheaper
side for curl). Loopback has no latency: what is left is process start, TLS set-up and the
handshakes, which is where the trusted roots are loaded.

It measures and reports; it never fails on time.

Usage: cargo build --release && python3 benches/tls_cpu.py [--runs 200]
"""

import argparse
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CERTS = os.path.join(ROOT, "tests", "data", "tls-errors")
AK = "bench-access-key-id"
SK = "bench-access-key-secret-0123"
ID = "obcluster-demo"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_per_call(argv, env, runs):
    """Mean CPU seconds (user + system) of one run of `argv`."""
    before = children_cpu()
    for _ in range(runs):
        out = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if out.returncode != 0:
            sys.exit(f"{argv[0]} failed ({out.returncode}): {out.stderr[-2000:]!r}")
    return (children_cpu() - before) / runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--release-dir", default=os.path.join(ROOT, "target", "release"))
    args = parser.parse_args()
    obssl = os.path.join(args.release_dir, "obssl")
    mock = os.path.join(args.release_dir, "obssl-mock")
    for binary in (obssl, mock):
        if not os.access(binary, os.X_OK):
            sys.exit(f"{binary} not found: run `cargo build --release` first")
    curl = shutil.which("curl")
    if not curl:
        sys.exit("curl not found (apt-get install curl)")
    ca = os.path.join(CERTS, "ca.pem")
    port = free_port()
    server = subprocess.Popen(
        [
            mock, "serve", "--listen", f"127.0.0.1:{port}", "--access-key-id", AK,
            "--tls-cert", os.path.join(CERTS, "good.pem"),
            "--tls-key", os.path.join(CERTS, "server.key"),
        ],
        env=dict(os.environ, OBSSL_MOCK_ACCESS_KEY_SECRET=SK),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    home = tempfile.mkdtemp(prefix="obssl-tls-cpu-")
    try:
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.time() > deadline:
                    sys.exit("obssl-mock did not start")
                time.sleep(0.05)
        endpoint = f"https://127.0.0.1:{port}"
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": home,
            "XDG_CACHE_HOME": os.path.join(home, "cache"),
            "XDG_CONFIG_HOME": os.path.join(home, "config"),
            "OBSSL_ENDPOINT": endpoint,
            "OBSSL_ACCESS_KEY_ID": AK,
            "OBSSL_ACCESS_KEY_SECRET": SK,
            "OBSSL_CA_BUNDLE": ca,
            "NO_COLOR": "1",
        }
        get = [obssl, "get", ID, "--field", "status"]
        # Warm the nonce cache: each measured call is then one signed request.
        subprocess.run(get, env=env, check=True, stdout=subprocess.DEVNULL)
        url = f"{endpoint}/api/v2/instances/{ID}/security/ssl?requestId=bench"
        curl_argv = [curl, "-sS", "--fail", "--digest", "-u", f"{AK}:{SK}", "--cacert", ca,
                     "-o", "/dev/null", url]
        obssl_cpu = cpu_per_call(get, env, args.runs)
        curl_cpu = cpu_per_call(curl_argv, env, args.runs)
        curl_version = subprocess.run([curl, "--version"], stdout=subprocess.PIPE,
                                      text=True).stdout.splitlines()[0]
        print(f"{args.runs} calls each, warm nonce cache, HTTPS on loopback; {curl_version}")
        print(f"obssl get      {obssl_cpu * 1000:7.2f} ms CPU per call")
        print(f"curl --digest  {curl_cpu * 1000:7.2f} ms CPU per call")
        print(f"obssl / curl = {obssl_cpu / curl_cpu:.2f}")
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
