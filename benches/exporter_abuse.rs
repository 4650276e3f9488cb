//! `obssl exporter` attacked as a service on a network is (issue 24, item 1):
//! 5,000 mock instances (a `/metrics` of about 2.7 MB), and at the same time
//!
//! - `OBSSL_BENCH_SLOWLORIS` (1,000) connections that trickle a request head,
//!   one header line a second, never ending it (reconnecting when closed);
//! - `OBSSL_BENCH_SLOW_READERS` (8) clients that ask for `/metrics` and read
//!   1 KB a second (reconnecting when closed);
//!
//! while a well-behaved scraper asks for `/metrics` once a second (10 s
//! timeout, as Prometheus' default) and `/healthz` once a second. It reports
//! the scrapes answered 200 and their latency, the exporter's resident memory
//! and thread count, and how often the server closed the abusers. It measures
//! and reports; it never fails on time or size.
//!
//! Run: `cargo bench --bench exporter_abuse`; `OBSSL_BENCH_EXPORTER=/path/to/obssl`
//! runs another build of obssl (e.g. the one before a change) under the same load.

use obssl_mock::{MockConfig, MockServer};
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const AK: &str = "bench-access-key-id";
const SK: &str = "bench-access-key-secret-0123";

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn proc_status(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// One request on a new connection within `timeout` as a whole: the status
/// and the body's length, or why it failed.
fn get(addr: SocketAddr, path: &str, timeout: Duration) -> Result<(u16, usize), String> {
    let deadline = Instant::now() + timeout;
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(|e| e.to_string())?;
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .map_err(|e| e.to_string())?;
    let mut all = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err("timed out".into());
        }
        stream
            .set_read_timeout(Some(left))
            .map_err(|e| e.to_string())?;
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => all.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err("timed out".into())
            }
            Err(e) if e.kind() == ErrorKind::ConnectionReset && !all.is_empty() => break,
            Err(e) => return Err(e.to_string()),
        }
    }
    let text = String::from_utf8_lossy(&all[..all.len().min(64)]).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line ({} bytes)", all.len()))?;
    let body = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(0, |i| all.len() - i - 4);
    Ok((status, body))
}

/// Slowloris: `count` connections, each sending a request line and then one
/// header line a second, never the empty line that ends the head.
fn slowloris(addr: SocketAddr, count: usize, stop: Arc<AtomicBool>, closed: Arc<AtomicU64>) {
    let open = |addr| -> Option<TcpStream> {
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
        s.write_all(b"GET /metrics HTTP/1.1\r\nHost: bench\r\n")
            .ok()?;
        s.set_nonblocking(true).ok()?;
        Some(s)
    };
    let mut conns: Vec<Option<TcpStream>> = (0..count).map(|_| open(addr)).collect();
    let mut scratch = [0u8; 4096];
    while !stop.load(Ordering::SeqCst) {
        let round = Instant::now();
        for slot in conns.iter_mut() {
            let alive = match slot {
                Some(s) => {
                    let written = s.write(b"X-Slow: 1\r\n");
                    let read = s.read(&mut scratch);
                    // Closed, or answered (a 408/503): the server let it go.
                    !matches!(written, Err(ref e) if e.kind() != ErrorKind::WouldBlock)
                        && matches!(read, Err(ref e) if e.kind() == ErrorKind::WouldBlock)
                }
                None => false,
            };
            if !alive {
                if slot.is_some() {
                    closed.fetch_add(1, Ordering::Relaxed);
                }
                *slot = open(addr);
            }
            if stop.load(Ordering::SeqCst) {
                return;
            }
        }
        std::thread::sleep(Duration::from_secs(1).saturating_sub(round.elapsed()));
    }
}

/// A slow reader: asks for `/metrics` and reads 1 KB a second, again and again.
fn slow_reader(
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    closed: Arc<AtomicU64>,
    read: Arc<AtomicU64>,
) {
    while !stop.load(Ordering::SeqCst) {
        let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
            std::thread::sleep(Duration::from_millis(200));
            continue;
        };
        // A small receive window: the server's writes stall at once.
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            let size: libc::c_int = 4096;
            // SAFETY: a valid socket and an int option of the right size.
            unsafe {
                libc::setsockopt(
                    s.as_raw_fd(),
                    libc::SOL_SOCKET,
                    libc::SO_RCVBUF,
                    (&size as *const libc::c_int).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                );
            }
        }
        if s.write_all(b"GET /metrics HTTP/1.1\r\nHost: bench\r\n\r\n")
            .is_err()
        {
            continue;
        }
        let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
        let mut buf = [0u8; 1024];
        while !stop.load(Ordering::SeqCst) {
            let tick = Instant::now();
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    read.fetch_add(n as u64, Ordering::Relaxed);
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => break,
            }
            std::thread::sleep(Duration::from_secs(1).saturating_sub(tick.elapsed()));
        }
        closed.fetch_add(1, Ordering::Relaxed);
    }
}

#[derive(Default)]
struct Scrapes {
    ok_ms: Vec<f64>,
    failed: Vec<String>,
}

impl Scrapes {
    fn summary(&mut self) -> String {
        self.ok_ms.sort_by(f64::total_cmp);
        let at = |q: f64| {
            self.ok_ms
                .get(
                    ((self.ok_ms.len() as f64 * q) as usize)
                        .min(self.ok_ms.len().saturating_sub(1)),
                )
                .copied()
                .unwrap_or(f64::NAN)
        };
        let mut why: Vec<String> = self.failed.clone();
        why.sort();
        why.dedup();
        format!(
            "{}/{} answered 200; median {:.1} ms, p95 {:.1} ms, max {:.1} ms{}",
            self.ok_ms.len(),
            self.ok_ms.len() + self.failed.len(),
            at(0.5),
            at(0.95),
            self.ok_ms.last().copied().unwrap_or(f64::NAN),
            if why.is_empty() {
                String::new()
            } else {
                format!("; failures: {}", why.join(", "))
            }
        )
    }
}

fn main() {
    let seconds = env_number("OBSSL_BENCH_SECONDS", 30);
    let instances = env_number("OBSSL_BENCH_INSTANCES", 5_000) as usize;
    let loris = env_number("OBSSL_BENCH_SLOWLORIS", 1_000) as usize;
    let readers = env_number("OBSSL_BENCH_SLOW_READERS", 8) as usize;
    let exe = std::env::var("OBSSL_BENCH_EXPORTER")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_obssl").into());
    // Room for the abusers' sockets in this process.
    #[cfg(unix)]
    // SAFETY: a valid rlimit read, then raised to its own hard limit.
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
    let mock = MockServer::start(MockConfig {
        access_key_id: AK.into(),
        access_key_secret: SK.into(),
        generated_instances: instances,
        ..MockConfig::default()
    })
    .expect("the mock starts");
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(&exe)
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
            "1h",
            "--listen",
            "127.0.0.1:0",
        ])
        .args(["--jobs", "16", "--log-format", "json"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("obssl exporter starts (cargo bench builds it)");
    let pid = child.id();
    let stderr = child.stderr.take().unwrap();
    let (addr_sender, addr_receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if let (Some("start"), Some(listen)) =
                (event["event"].as_str(), event["listen"].as_str())
            {
                let _ = addr_sender.send(listen.parse::<SocketAddr>().unwrap());
            }
        }
    });
    let addr: SocketAddr = addr_receiver
        .recv_timeout(Duration::from_secs(30))
        .expect("the exporter says where it serves");
    // The first refresh: every instance in /metrics.
    let loaded = Instant::now();
    let body = loop {
        if let Ok((200, body)) = get(addr, "/metrics", Duration::from_secs(10)) {
            if body > instances * 300 {
                break body;
            }
        }
        assert!(
            loaded.elapsed() < Duration::from_secs(300),
            "the first refresh never ended"
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    println!("exporter: {exe}");
    println!("{instances} instances, /metrics {body} bytes; {loris} slowloris connections, {readers} slow readers at 1 KB/s; {seconds} s");
    let measure = |label: &str| {
        let (mut metrics, mut health) = (Scrapes::default(), Scrapes::default());
        let (mut rss_max, mut threads_max) = (0u64, 0u64);
        let started = Instant::now();
        for t in 1..=seconds {
            let t0 = Instant::now();
            match get(addr, "/metrics", Duration::from_secs(10)) {
                Ok((200, _)) => metrics.ok_ms.push(t0.elapsed().as_secs_f64() * 1000.0),
                Ok((status, _)) => metrics.failed.push(status.to_string()),
                Err(e) => metrics.failed.push(e),
            }
            let t1 = Instant::now();
            match get(addr, "/healthz", Duration::from_secs(10)) {
                Ok((200, _)) => health.ok_ms.push(t1.elapsed().as_secs_f64() * 1000.0),
                Ok((status, _)) => health.failed.push(status.to_string()),
                Err(e) => health.failed.push(e),
            }
            rss_max = rss_max.max(proc_status(pid, "VmRSS:").unwrap_or(0));
            threads_max = threads_max.max(proc_status(pid, "Threads:").unwrap_or(0));
            let next = started + Duration::from_secs(t);
            std::thread::sleep(next.saturating_duration_since(Instant::now()));
        }
        println!("{label}:");
        println!("  /metrics: {}", metrics.summary());
        println!("  /healthz: {}", health.summary());
        println!(
            "  exporter: RSS at most {:.1} MiB, at most {threads_max} threads, {} open descriptors at the end",
            rss_max as f64 / 1024.0,
            std::fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count()).unwrap_or(0)
        );
    };
    measure("quiet");
    let stop = Arc::new(AtomicBool::new(false));
    let (loris_closed, readers_closed, read) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
    );
    let mut abusers = Vec::new();
    let per_thread = 250;
    for start in (0..loris).step_by(per_thread) {
        let (stop, closed) = (stop.clone(), loris_closed.clone());
        let count = per_thread.min(loris - start);
        abusers.push(std::thread::spawn(move || {
            slowloris(addr, count, stop, closed)
        }));
    }
    for _ in 0..readers {
        let (stop, closed, read) = (stop.clone(), readers_closed.clone(), read.clone());
        abusers.push(std::thread::spawn(move || {
            slow_reader(addr, stop, closed, read)
        }));
    }
    // Let the abusers take their places.
    std::thread::sleep(Duration::from_secs(3));
    measure("under abuse");
    stop.store(true, Ordering::SeqCst);
    for a in abusers {
        let _ = a.join();
    }
    println!(
        "  abusers: slowloris connections closed by the server {}, slow readers' answers ended {} ({} KB read)",
        loris_closed.load(Ordering::Relaxed),
        readers_closed.load(Ordering::Relaxed),
        read.load(Ordering::Relaxed) / 1024
    );
    // SAFETY: the pid of the child started above.
    unsafe {
        libc::kill(pid as i32, libc::SIGTERM);
    }
    let _ = child.wait();
    drop(mock);
}
