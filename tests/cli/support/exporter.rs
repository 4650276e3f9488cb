//! A running `obssl exporter` and its client side: HTTP requests read to the end, and the
//! samples of a metrics body.

use super::{isolated_env, mock_env};
use obssl_mock::MockServer;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `obssl exporter`; killed when dropped.
pub struct Exporter {
    pub child: Child,
    pub addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl Exporter {
    /// Starts `obssl exporter ARGS --listen 127.0.0.1:0` against `mock` and
    /// waits for the line that says where it serves.
    pub fn start(mock: &MockServer, home: &std::path::Path, args: &[&str]) -> Exporter {
        Exporter::start_with_env(mock, home, args, &[])
    }

    /// As [`Exporter::start`], with `env` set after the mock's variables.
    pub fn start_with_env(
        mock: &MockServer,
        home: &std::path::Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Exporter {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_obssl"));
        cmd.env_clear()
            .envs(isolated_env(home))
            .envs(mock_env(mock))
            .envs(env.iter().copied())
            .arg("exporter")
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("obssl exporter starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (sender, receiver) = std::sync::mpsc::channel();
        let mut lines = BufReader::new(child.stderr.take().unwrap());
        let kept = stderr.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            while lines.read_line(&mut line).unwrap_or(0) > 0 {
                kept.lock().unwrap().push_str(&line);
                if let Some(rest) = line.split("serving http").nth(1) {
                    let rest = rest.trim_start_matches('s').trim_start_matches("://");
                    let addr = rest.split('/').next().unwrap().to_string();
                    let _ = sender.send(addr);
                }
                line.clear();
            }
        });
        let addr = match receiver.recv_timeout(Duration::from_secs(20)) {
            Ok(addr) => addr.parse().unwrap(),
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "the exporter did not say where it serves:\n{}",
                    stderr.lock().unwrap()
                );
            }
        };
        Exporter {
            child,
            addr,
            stderr,
        }
    }

    /// Everything the exporter wrote on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn get(&self, path: &str) -> Answer {
        http_get(self.addr, path, &[])
    }

    pub fn metrics(&self) -> String {
        let answer = self.get("/metrics");
        assert_eq!(answer.status, 200, "{answer:?}");
        answer.body
    }

    /// Waits (at most 30 s) until `/metrics` shows `refreshes` ended
    /// refreshes (successful or not); the metrics then.
    pub fn wait_for_refreshes(&self, refreshes: u64) -> String {
        self.wait_for_refreshes_with(refreshes, &[])
    }

    /// As [`Exporter::wait_for_refreshes`], each scrape sending `headers`.
    pub fn wait_for_refreshes_with(&self, refreshes: u64, headers: &[(&str, &str)]) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let answer = http_get(self.addr, "/metrics", headers);
            assert_eq!(answer.status, 200, "{answer:?}");
            let body = answer.body;
            let done = sample(&body, "obssl_exporter_refreshes_total{result=\"success\"}")
                .unwrap_or(0.0)
                + sample(&body, "obssl_exporter_refreshes_total{result=\"failure\"}")
                    .unwrap_or(0.0);
            if done >= refreshes as f64 {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "no {refreshes} refreshes in 30 s:\n{body}\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer as a client sees it.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// `GET path` with `headers`, read to the end (the exporter closes every connection).
pub fn http_get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    raw(addr, request.as_bytes())
}

/// Sends `bytes` and reads the answer to the end.
pub fn raw(addr: SocketAddr, bytes: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(bytes).unwrap();
    read_answer(&mut stream)
}

/// Reads the answer on `stream` to the end.
pub fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut all = Vec::new();
    let _ = stream.read_to_end(&mut all);
    let text = String::from_utf8_lossy(&all).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Answer {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

/// The value of the sample `series` (name and labels, as written) in `body`.
pub fn sample(body: &str, series: &str) -> Option<f64> {
    body.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(|v| v.parse().unwrap())
}

/// The value of `family`'s sample for instance `id`, whatever other labels it has
/// (`instance_name` with `--all`).
pub fn sample_of(body: &str, family: &str, id: &str) -> Option<f64> {
    let start = format!("{family}{{instance_id=\"{id}\"");
    body.lines().find_map(|line| {
        let rest = line.strip_prefix(&start)?;
        if !(rest.starts_with('}') || rest.starts_with(',')) {
            return None;
        }
        rest.rsplit_once(' ')?.1.parse().ok()
    })
}
