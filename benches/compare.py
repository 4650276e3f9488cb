#!/usr/bin/env python3
"""obssl against curl --digest and against the latency floor.

Starts obssl-mock with a per-request latency, then measures, several repetitions
each and reporting medians:
  1. one `obssl get` against one `curl --digest` call (the API reference's command);
  2. N instances (default 50 and 500): `obssl get --jobs 8` and `--jobs 16` against a
     sequential curl loop and `xargs -P 8` curl;
  3. the floor for each case from the latency model: one challenge round trip, then
     ceil(N / jobs) rounds (curl: two round trips per instance, jobs at a time).
It also prints the peak memory of obssl (ru_maxrss), the release binary's size, and
the start-up time of `obssl --version`. It measures and reports; it never fails on time.

With --cache (issue 15), it measures the nonce cache and --all instead:
  4. one `obssl get` with a warm cache, and the first call (cold cache), against one
     `curl --digest`, at each of --cache-latencies (default 20 and 100 ms);
  5. a 50-call shell loop with a warm cache against a curl loop;
  6. `obssl check` on 10 instances every second for --check-seconds (default 30): the
     requests each run sends (counted from its -v trace, one `> GET` line per request);
  7. `get --all -o json` against the same ids given by file at each of --all-sizes
     (default 1000,10000,100000 instances, `obssl-mock --generate`), time and peak RSS.

Usage: cargo build --release && python3 benches/compare.py [--latency-ms 20] [--reps 5]
       python3 benches/compare.py --cache [--cache-latencies 20,100] [--all-sizes 1000,10000]
"""

import argparse
import math
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AK = "bench-access-key-id"
SK = "bench-access-key-secret-0123"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def run_measured(argv, env=None, stdin_data=None, rss=True, allow_codes=(0,)):
    """Runs argv, returns (seconds, peak RSS in KiB, exit status).

    Peak RSS comes from GNU time (`/usr/bin/time -f %M`, Debian package `time`) when it
    is installed: wait4's ru_maxrss would also count the forked Python before exec.
    Its own start-up (about a millisecond) is inside the timing either way.
    """
    if GNU_TIME and rss:
        argv = [GNU_TIME, "-f", "OBSSL_BENCH_MAXRSS=%M"] + argv
    start = time.perf_counter()
    p = subprocess.Popen(
        argv,
        env=env,
        stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if stdin_data is not None:
        p.stdin.write(stdin_data.encode())
        p.stdin.close()
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in allow_codes:
        sys.exit(f"benchmark command failed ({code}): {' '.join(argv)}\n{err}")
    peak = usage.ru_maxrss
    for line in err.splitlines():
        if line.startswith("OBSSL_BENCH_MAXRSS="):
            peak = int(line.split("=", 1)[1])
    return elapsed, peak, code


def median_run(argv, reps, env=None, stdin_data=None):
    times, peaks = [], []
    for _ in range(reps):
        t, rss, _ = run_measured(argv, env=env, stdin_data=stdin_data)
        times.append(t)
        peaks.append(rss)
    return statistics.median(times), max(peaks)


def start_mock(mock_bin, latency_ms, fixtures, extra=()):
    port = free_port()
    env = dict(os.environ, OBSSL_MOCK_ACCESS_KEY_SECRET=SK)
    proc = subprocess.Popen(
        [mock_bin, "serve", "--listen", f"127.0.0.1:{port}", "--access-key-id", AK,
         "--latency-ms", str(latency_ms), "--fixtures", fixtures, *extra],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    sys.exit("obssl-mock did not start")


def write_fixtures(directory, n):
    ids = [f"obcluster-bench-{i:04d}" for i in range(n)]
    for i in ids:
        with open(os.path.join(directory, f"{i}.json"), "w") as f:
            json.dump({"autoUpdate": "OPEN", "certValid": True, "certificationType": "SSL",
                       "enableSSL": "OPEN", "forceSSL": "OPEN", "forceSSLSupport": True,
                       "instanceId": i, "status": "OPEN",
                       "validPeriod": "2027-06-01T00:00:00Z"}, f)
    return ids


def check_mock_concurrency(endpoint, latency_ms):
    """16 parallel unauthenticated requests must take about one latency, not 16."""
    url = f"{endpoint}/api/v2/instances/x/security/ssl?requestId=c"
    start = time.perf_counter()
    procs = [subprocess.Popen(["curl", "-s", "-o", "/dev/null", url]) for _ in range(16)]
    for p in procs:
        p.wait()
    elapsed = time.perf_counter() - start
    serial = 16 * latency_ms / 1000
    print(f"mock concurrency check: 16 parallel requests took {elapsed*1000:.0f} ms "
          f"(serialized would be {serial*1000:.0f} ms)")
    if elapsed > serial / 2:
        print("WARNING: the mock serializes requests; fleet numbers below measure the mock")


def curl_cmd(endpoint, instance):
    return ["curl", "-sS", "-f", "--digest", "-u", f"{AK}:{SK}", "-o", "/dev/null",
            f"{endpoint}/api/v2/instances/{instance}/security/ssl?requestId=bench-{instance}"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--latency-ms", type=int, default=20)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--sizes", default="50,500")
    ap.add_argument("--seq-reps", type=int, default=1,
                    help="repetitions of the slow sequential curl loop (default 1)")
    ap.add_argument("--target-dir", default=os.path.join(ROOT, "target", "release"))
    ap.add_argument("--cache", action="store_true",
                    help="measure the nonce cache and --all (cases 4-7) instead of cases 1-3")
    ap.add_argument("--cache-latencies", default="20,100")
    ap.add_argument("--check-seconds", type=int, default=30)
    ap.add_argument("--all-sizes", default="1000,10000,99000",
                    help="instances generated for case 7 (the mock adds its ~23 fixtures: "
                         "99000 makes the ~100,000 --all allows)")
    ap.add_argument("--all-only", action="store_true", help="with --cache: case 7 only")
    ap.add_argument("--all-jobs", type=int, default=16)
    args = ap.parse_args()
    if args.cache:
        return cache_main(args)

    obssl = os.path.join(args.target_dir, "obssl")
    mock = os.path.join(args.target_dir, "obssl-mock")
    for b in (obssl, mock):
        if not os.path.exists(b):  # noqa: the release build is the thing measured
            sys.exit(f"{b} missing: run `cargo build --release` first")
    if not shutil.which("curl"):
        sys.exit("curl is needed for the comparison")

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    lat = args.latency_ms / 1000
    tmp = tempfile.mkdtemp(prefix="obssl-bench-")
    ids = write_fixtures(tmp, max(sizes + [1]))
    proc, endpoint = start_mock(mock, args.latency_ms, tmp)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": tmp, "OBSSL_ENDPOINT": endpoint,
           "OBSSL_ACCESS_KEY_ID": AK, "OBSSL_ACCESS_KEY_SECRET": SK, "OBSSL_CONFIG": os.path.join(tmp, "none.toml")}
    rows = []
    try:
        print(f"date: {time.strftime('%Y-%m-%d')}; machine: {platform.machine()}, {os.cpu_count()} cores, "
              f"{platform.system()} {platform.release()}; latency {args.latency_ms} ms per request; "
              f"{args.reps} repetitions, medians")
        check_mock_concurrency(endpoint, args.latency_ms)

        # 1. one instance
        one = ids[0]
        t_obssl, rss1 = median_run([obssl, "get", one, "-o", "json"], args.reps, env=env)
        t_curl, _ = median_run(curl_cmd(endpoint, one), args.reps)
        floor1 = 2 * lat
        rows.append(("1 instance", "obssl get", t_obssl, floor1, t_curl, "curl --digest"))
        peak = {1: rss1}

        # 2. many instances
        for n in sizes:
            batch = "\n".join(ids[:n]) + "\n"
            for jobs in (8, 16):
                t, rss = median_run([obssl, "get", "--file", "-", "--jobs", str(jobs), "-o", "json"],
                                    args.reps, env=env, stdin_data=batch)
                floor = lat + math.ceil(n / jobs) * lat
                rows.append((f"{n} instances", f"obssl --jobs {jobs}", t, floor, None, None))
                peak[(n, jobs)] = rss
            script = 'for i in $(cat); do curl -sS -f --digest -u "$AK:$SK" -o /dev/null ' \
                     '"$EP/api/v2/instances/$i/security/ssl?requestId=b-$i"; done'
            cenv = dict(env, AK=AK, SK=SK, EP=endpoint)
            t_seq, _ = median_run(["sh", "-c", script], args.seq_reps, env=cenv, stdin_data=batch)
            rows.append((f"{n} instances", "curl loop (sequential)", t_seq, n * 2 * lat, None, None))
            xscript = 'xargs -P 8 -I{} curl -sS -f --digest -u "$AK:$SK" -o /dev/null ' \
                      '"$EP/api/v2/instances/{}/security/ssl?requestId=b-{}"'
            t_x, _ = median_run(["sh", "-c", xscript], args.reps, env=cenv, stdin_data=batch)
            rows.append((f"{n} instances", "xargs -P 8 curl", t_x, math.ceil(n / 8) * 2 * lat, None, None))

        print()
        print(f"{'case':<14} {'command':<24} {'median':>9} {'floor':>9} {'x floor':>8}")
        for case, cmd, t, floor, _, _ in rows:
            print(f"{case:<14} {cmd:<24} {t*1000:>7.1f}ms {floor*1000:>7.1f}ms {t/floor:>8.2f}")
        print()
        print(f"1 instance: obssl / curl = {t_obssl / t_curl:.2f} "
              f"(obssl {t_obssl*1000:.1f} ms, curl {t_curl*1000:.1f} ms)")
        for n in sizes:
            case = f"{n} instances"
            get = {cmd: t for c, cmd, t, *_ in rows if c == case}
            print(f"{case}: obssl --jobs 16 is {get['xargs -P 8 curl'] / get['obssl --jobs 16']:.1f}x faster "
                  f"than xargs -P 8 curl, {get['curl loop (sequential)'] / get['obssl --jobs 16']:.1f}x faster "
                  f"than a sequential curl loop")
        print()
        for key, rss in peak.items():
            label = "1 instance" if key == 1 else f"{key[0]} instances, --jobs {key[1]}"
            print(f"peak memory of obssl ({label}): {rss/1024:.1f} MiB")
        size = os.path.getsize(obssl)
        print(f"release binary size: {size/1024/1024:.2f} MiB ({size} bytes)")
        starts = []
        for _ in range(max(args.reps, 20)):
            t, _, _ = run_measured([obssl, "--version"], rss=False)
            starts.append(t)
        print(f"start-up (obssl --version, median of {len(starts)}): {statistics.median(starts)*1000:.2f} ms")
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def bench_env(tmp, endpoint, cache=True):
    env = {"PATH": os.environ.get("PATH", ""), "HOME": tmp, "XDG_CACHE_HOME": os.path.join(tmp, "cache"),
           "OBSSL_ENDPOINT": endpoint, "OBSSL_ACCESS_KEY_ID": AK, "OBSSL_ACCESS_KEY_SECRET": SK,
           "OBSSL_CONFIG": os.path.join(tmp, "none.toml")}
    if not cache:
        env["OBSSL_NONCE_CACHE"] = "0"
    return env


def cache_main(args):
    obssl = os.path.join(args.target_dir, "obssl")
    mock = os.path.join(args.target_dir, "obssl-mock")
    for b in (obssl, mock):
        if not os.path.exists(b):
            sys.exit(f"{b} missing: run `cargo build --release` first")
    tmp = tempfile.mkdtemp(prefix="obssl-bench-")
    ids = write_fixtures(tmp, 10)
    print(f"date: {time.strftime('%Y-%m-%d')}; machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{platform.system()} {platform.release()}; {args.reps} repetitions, medians")
    try:
        for latency in ([] if args.all_only else
                        [int(x) for x in args.cache_latencies.split(",") if x.strip()]):
            proc, endpoint = start_mock(mock, latency, tmp)
            try:
                env = bench_env(tmp, endpoint)
                one = ids[0]
                # 4. cold (the cache emptied before each call), then warm.
                colds = []
                for _ in range(args.reps):
                    shutil.rmtree(os.path.join(tmp, "cache"), ignore_errors=True)
                    t, _, _ = run_measured([obssl, "get", one, "-o", "json"], env=env, rss=False)
                    colds.append(t)
                t_cold = statistics.median(colds)
                run_measured([obssl, "get", one, "-o", "json"], env=env, rss=False)
                t_warm, _ = median_run([obssl, "get", one, "-o", "json"], args.reps, env=env)
                t_curl, _ = median_run(curl_cmd(endpoint, one), args.reps)
                print(f"\n{latency} ms per request, one call:")
                print(f"  obssl get, warm cache   {t_warm*1000:8.1f} ms  ({t_warm/t_curl:.2f}x curl; floor {latency} ms)")
                print(f"  obssl get, cold cache   {t_cold*1000:8.1f} ms  ({t_cold/t_curl:.2f}x curl; floor {2*latency} ms)")
                print(f"  curl --digest           {t_curl*1000:8.1f} ms  (floor {2*latency} ms)")
                # 5. 50 calls in a shell loop.
                loop = 'i=0; while [ $i -lt 50 ]; do "$OBSSL" get "$ID" -o json >/dev/null || exit 1; i=$((i+1)); done'
                cloop = 'i=0; while [ $i -lt 50 ]; do curl -sS -f --digest -u "$AK:$SK" -o /dev/null ' \
                        '"$EP/api/v2/instances/$ID/security/ssl?requestId=l-$i" || exit 1; i=$((i+1)); done'
                lenv = dict(env, OBSSL=obssl, ID=one, AK=AK, SK=SK, EP=endpoint)
                t_loop, _, _ = run_measured(["sh", "-c", loop], env=lenv, rss=False)
                t_cloop, _, _ = run_measured(["sh", "-c", cloop], env=lenv, rss=False)
                print(f"  50-call loop: obssl (warm) {t_loop:.2f} s, curl {t_cloop:.2f} s "
                      f"({t_loop/t_cloop:.2f}x curl)")
            finally:
                proc.kill()
                proc.wait()

        # 6. check on 10 instances every second.
        proc, endpoint = start_mock(mock, 20, tmp)
        try:
            if args.all_only:
                raise StopIteration
            env = bench_env(tmp, endpoint)
            shutil.rmtree(os.path.join(tmp, "cache"), ignore_errors=True)
            counts = []
            end = time.time() + args.check_seconds
            while time.time() < end:
                started = time.time()
                p = subprocess.run([obssl, "check", "-v", *ids], env=env, capture_output=True, text=True)
                counts.append(sum(1 for l in p.stderr.splitlines() if "> GET " in l))
                time.sleep(max(0, 1 - (time.time() - started)))
            print(f"\ncheck on 10 instances every second for {args.check_seconds} s (20 ms): "
                  f"{len(counts)} runs; requests per run: first {counts[0]}, then "
                  f"median {statistics.median(counts[1:]) if len(counts) > 1 else '-'}, "
                  f"max {max(counts[1:]) if len(counts) > 1 else '-'} (no cache: 11)")
        except StopIteration:
            pass
        finally:
            proc.kill()
            proc.wait()

        # 7. --all against ids by file.
        print(f"\n--all at 20 ms per request, --jobs {args.all_jobs}, -o json (1 run each); "
              f"check --all peak RSS:")
        print(f"  {'instances':>9} {'--all':>9} {'by file':>9} {'ratio':>6} {'RSS --all':>10} {'RSS file':>9}"
              f" {'check plugin':>13} {'check prom':>11}")
        for n in [int(x) for x in args.all_sizes.split(",") if x.strip()]:
            proc, endpoint = start_mock(mock, 20, tmp, extra=["--generate", str(n)])
            try:
                env = bench_env(tmp, endpoint, cache=False)
                listed = subprocess.run([obssl, "get", "--all", "--field", "instanceId", "--jobs", "16"],
                                        env=env, capture_output=True, text=True).stdout
                batch = "".join(l.split("\t")[0] + "\n" for l in listed.splitlines())
                t_all, rss_all, _ = run_measured(
                    [obssl, "get", "--all", "-o", "json", "--jobs", str(args.all_jobs)], env=env)
                t_file, rss_file, _ = run_measured(
                    [obssl, "get", "--file", "-", "-o", "json", "--jobs", str(args.all_jobs)],
                    env=env, stdin_data=batch)
                # check --all: peak RSS of the plugin and Prometheus reports (exit 0-2 are states).
                check_rss = []
                for form in ("plugin", "prometheus"):
                    _, rss_check, _ = run_measured(
                        [obssl, "check", "--all", "-o", form, "--jobs", str(args.all_jobs)],
                        env=env, allow_codes=(0, 1, 2))
                    check_rss.append(rss_check)
                print(f"  {n:>9} {t_all:>8.2f}s {t_file:>8.2f}s {t_all/t_file:>6.2f} "
                      f"{rss_all/1024:>8.1f}MiB {rss_file/1024:>7.1f}MiB "
                      f"{check_rss[0]/1024:>10.1f}MiB {check_rss[1]/1024:>8.1f}MiB")
            finally:
                proc.kill()
                proc.wait()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
