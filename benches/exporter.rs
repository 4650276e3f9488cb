//! `obssl exporter` over a long run, compressed: `--refresh 1s` against
//! 10,000 mock instances (`--all`) for 2 minutes, about what an hour of
//! refreshes every few seconds would do to memory. It measures and reports;
//! it never fails on time or size.
//!
//! Every second it samples the exporter's resident memory (VmRSS, and the
//! peak VmHWM) and CPU time from /proc, and scrapes `/metrics` once. From
//! the exporter's JSON log (`-v --log-format json`) it counts the refreshes
//! that started and ended and the most in flight at once. At the end it
//! reports the requests the mock API saw (every request, 401s included)
//! against the exporter's own `obssl_exporter_api_requests_total`.
//!
//! Run: `cargo bench --bench exporter` (release build), or
//! `OBSSL_BENCH_SECONDS=30 OBSSL_BENCH_INSTANCES=1000 cargo bench --bench exporter`.

use obssl_mock::{MockConfig, MockServer};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const AK: &str = "bench-access-key-id";
const SK: &str = "bench-access-key-secret-0123";

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What the exporter's log said so far.
#[derive(Default)]
struct Refreshes {
    started: u64,
    ended: u64,
    in_flight: i64,
    most_in_flight: i64,
    /// Seconds each ended refresh took, by the exporter's own account.
    took: Vec<f64>,
}

fn proc_status(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User plus system CPU seconds of `pid`.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let (utime, stime): (f64, f64) = (fields.get(11)?.parse().ok()?, fields.get(12)?.parse().ok()?);
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    Some((utime + stime) / ticks)
}

fn scrape(addr: SocketAddr) -> Option<(String, Duration)> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    stream
        .write_all(format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .ok()?;
    let mut all = Vec::new();
    stream.read_to_end(&mut all).ok()?;
    let took = started.elapsed();
    let text = String::from_utf8_lossy(&all).into_owned();
    Some((text.split_once("\r\n\r\n")?.1.to_string(), took))
}

fn sample(body: &str, series: &str) -> f64 {
    body.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

fn main() {
    // `cargo bench` passes --bench; nothing else is taken.
    let seconds = env_number("OBSSL_BENCH_SECONDS", 120);
    let instances = env_number("OBSSL_BENCH_INSTANCES", 10_000) as usize;
    let jobs = env_number("OBSSL_BENCH_JOBS", 16);
    let mock = MockServer::start(MockConfig {
        access_key_id: AK.into(),
        access_key_secret: SK.into(),
        generated_instances: instances,
        ..MockConfig::default()
    })
    .expect("the mock starts");
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_obssl"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_CACHE_HOME", home.path().join(".cache"))
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("OBSSL_ENDPOINT", mock.base_url())
        .env("OBSSL_ACCESS_KEY_ID", AK)
        .env("OBSSL_ACCESS_KEY_SECRET", SK)
        .args([
            "exporter",
            "--all",
            "--refresh",
            "1s",
            "--listen",
            "127.0.0.1:0",
        ])
        .args(["--jobs", &jobs.to_string(), "-v", "--log-format", "json"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("obssl exporter starts (cargo bench builds it)");
    let pid = child.id();
    let refreshes = Arc::new(Mutex::new(Refreshes::default()));
    let (addr_sender, addr_receiver) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    let log = refreshes.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            let mut r = log.lock().unwrap();
            match (event["event"].as_str(), event["message"].as_str()) {
                (Some("start"), _) => {
                    if let Some(listen) = event["listen"].as_str() {
                        let _ = addr_sender.send(listen.parse::<SocketAddr>().unwrap());
                    }
                }
                (Some("refresh"), Some("refresh started")) => {
                    r.started += 1;
                    r.in_flight += 1;
                    r.most_in_flight = r.most_in_flight.max(r.in_flight);
                }
                (Some("refresh"), _) if event.get("seconds").is_some() || event["ok"] == false => {
                    r.ended += 1;
                    r.in_flight -= 1;
                    if let Some(s) = event["seconds"].as_f64() {
                        r.took.push(s);
                    }
                }
                _ => {}
            }
        }
    });
    let addr = addr_receiver
        .recv_timeout(Duration::from_secs(30))
        .expect("the exporter says where it serves");
    println!(
        "obssl exporter --all --refresh 1s --jobs {jobs}: {instances} mock instances, {seconds} s"
    );
    println!(
        "{:>5}  {:>9}  {:>9}  {:>7}  {:>9}  {:>9}  {:>9}",
        "t (s)", "RSS MiB", "peak MiB", "CPU s", "refreshes", "API reqs", "scrape ms"
    );
    let started = Instant::now();
    let mut rss_samples = Vec::new();
    let mut scrape_ms = Vec::new();
    let mut body_bytes = 0;
    for t in 1..=seconds {
        let next = started + Duration::from_secs(t);
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
        let rss = proc_status(pid, "VmRSS:").unwrap_or(0) as f64 / 1024.0;
        let hwm = proc_status(pid, "VmHWM:").unwrap_or(0) as f64 / 1024.0;
        let cpu = cpu_seconds(pid).unwrap_or(0.0);
        let scraped = scrape(addr);
        if let Some((body, took)) = &scraped {
            scrape_ms.push(took.as_secs_f64() * 1000.0);
            body_bytes = body.len();
        }
        rss_samples.push((t, rss));
        let ended = refreshes.lock().unwrap().ended;
        if t % 10 == 0 || t <= 3 {
            println!(
                "{t:>5}  {rss:>9.1}  {hwm:>9.1}  {cpu:>7.2}  {ended:>9}  {:>9}  {:>9.2}",
                mock.request_count(),
                scrape_ms.last().copied().unwrap_or(f64::NAN)
            );
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let final_body = scrape(addr).map(|(b, _)| b).unwrap_or_default();
    let hwm = proc_status(pid, "VmHWM:").unwrap_or(0) as f64 / 1024.0;
    let cpu = cpu_seconds(pid).unwrap_or(0.0);
    let requests = mock.requests();
    let (seen, challenges) = (
        requests.len(),
        requests.iter().filter(|r| r.status == 401).count(),
    );
    drop(requests);
    // SAFETY: the pid of the child started above, still running.
    unsafe {
        libc::kill(pid as i32, libc::SIGTERM);
    }
    let signalled = Instant::now();
    let status = child.wait().unwrap();
    let stop_ms = signalled.elapsed().as_secs_f64() * 1000.0;
    let r = refreshes.lock().unwrap();
    let warm: Vec<f64> = rss_samples
        .iter()
        .filter(|(t, _)| *t > 10)
        .map(|(_, rss)| *rss)
        .collect();
    let (low, high) = warm
        .iter()
        .fold((f64::MAX, 0.0f64), |(l, h), v| (l.min(*v), h.max(*v)));
    let third = warm.len() / 3;
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len().max(1) as f64;
    let mut took = r.took.clone();
    took.sort_by(f64::total_cmp);
    let median = took.get(took.len() / 2).copied().unwrap_or(0.0);
    scrape_ms.sort_by(f64::total_cmp);
    println!();
    println!("run: {elapsed:.0} s, {instances} instances, --refresh 1s, --jobs {jobs}");
    println!("peak RSS (VmHWM): {hwm:.1} MiB");
    println!(
        "RSS after the first 10 s: min {low:.1} MiB, max {high:.1} MiB; mean of the first third \
         {:.1} MiB, of the last third {:.1} MiB",
        mean(&warm[..third]),
        mean(&warm[warm.len() - third..])
    );
    println!(
        "CPU: {cpu:.1} s user+system over {elapsed:.0} s ({:.0}% of one core)",
        cpu / elapsed * 100.0
    );
    println!(
        "refreshes: {} started, {} ended, at most {} in flight; median {median:.2} s each",
        r.started, r.ended, r.most_in_flight
    );
    println!(
        "requests the mock API saw: {seen} ({challenges} of them 401 challenges); the exporter \
         counted {} calls (obssl_exporter_api_requests_total success), {} failed",
        sample(
            &final_body,
            "obssl_exporter_api_requests_total{outcome=\"success\"}"
        ),
        ["auth", "api", "network", "config", "usage", "internal"]
            .iter()
            .map(|o| sample(
                &final_body,
                &format!("obssl_exporter_api_requests_total{{outcome=\"{o}\"}}")
            ))
            .sum::<f64>()
    );
    println!(
        "requests per refresh: {:.1} (instances {instances} + list pages {})",
        seen as f64 / r.started.max(1) as f64,
        instances.div_ceil(100)
    );
    println!(
        "scrapes: {} (one a second), median {:.2} ms, max {:.2} ms, {body_bytes} bytes",
        scrape_ms.len(),
        scrape_ms.get(scrape_ms.len() / 2).copied().unwrap_or(0.0),
        scrape_ms.last().copied().unwrap_or(0.0)
    );
    println!("SIGTERM: exited {status} after {stop_ms:.0} ms");
    drop(mock);
}
