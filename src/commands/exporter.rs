//! `obssl exporter`: serve the check's metrics over HTTP until SIGTERM or
//! SIGINT (see [`crate::exporter`]). Everything a user typed, the settings
//! and the credentials are checked, and the address bound, before the first
//! refresh; a problem there is an error (exit 2 usage, 3 configuration) and
//! nothing is served. Once serving, no failure of the API ends the process:
//! it is logged and shown by `obssl_up`.

use crate::api::CallCounts;
use crate::check::judge::Judge;
use crate::cli::ExporterArgs;
use crate::config::{ConfigSource, Environment, FlagSettings, Settings};
use crate::error::{Error, Result};
use crate::exporter::handler;
use crate::exporter::http::{self, Events, Limits, Request, Response};
use crate::exporter::log::{Level, Log};
use crate::exporter::metrics::{Served, Status};
use crate::exporter::refresh::Refresher;
use crate::selection;
use serde_json::json;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

/// Runs the exporter; returns 0 once stopped by a signal.
pub fn run(args: &ExporterArgs, env: &dyn Environment) -> Result<u8> {
    crate::exporter::refresh::limit_arenas();
    let judge = Judge::new(&args.policy)?;
    let selection = args.selection();
    let named = selection::named_instances(&selection, &mut std::io::stdin().lock())?;
    // -v is the exporter's own detail (a line per refresh and request);
    // -vv adds the client's request lines (never its headers: a nonce is no log line).
    let flags = FlagSettings {
        verbose: args.connection.verbose.saturating_sub(1).min(1),
        ..FlagSettings::from(&args.connection)
    };
    let settings = Settings::resolve(&flags, env, &ConfigSource::locate(env))?;
    let calls = Arc::new(CallCounts::default());
    let api = super::connect::connect(&settings)?.with_call_counts(calls.clone());
    let listener = TcpListener::bind(args.listen).map_err(|e| {
        Error::config(format!("cannot listen on {}: {e}", args.listen)).with_hint(
            "another process may use the port: stop it, or give another address with --listen",
        )
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::config(format!("cannot listen on {}: {e}", args.listen)))?;
    let log = Log::new(args.log_format, args.connection.verbose);
    let what = if selection.all && named.is_empty() {
        "every instance of the account".to_string()
    } else if selection.all {
        format!(
            "{} named instances and every instance of the account",
            named.len()
        )
    } else {
        format!("{} instances", named.len())
    };
    log.event(
        Level::Info,
        "start",
        &format!(
            "serving http://{addr}/metrics: {what}, read at most every {}",
            shown_duration(args.refresh)
        ),
        &[
            ("listen", json!(addr.to_string())),
            ("refresh_seconds", json!(args.refresh.as_secs())),
            ("all", json!(selection.all)),
            ("named", json!(named.len())),
        ],
    );
    if !addr.ip().is_loopback() {
        log.event(
            Level::Warn,
            "start",
            &format!(
                "{addr} is not a loopback address: whoever reaches it can read the metrics \
                 (instance ids, certificate dates); put a reverse proxy with TLS and \
                 authentication in front, or a firewall"
            ),
            &[("listen", json!(addr.to_string()))],
        );
    }
    let stop = crate::signals::stop_on_signal();
    let served = Arc::new(Served::new(&Status::default()));
    let refresher = Refresher::new(
        api,
        settings,
        judge,
        named,
        (selection.all, args.names),
        usize::from(selection.jobs),
        args.refresh,
        calls,
        served.clone(),
        log,
    );
    std::thread::Builder::new()
        .name("obssl-refresh".into())
        .spawn(move || refresher.run(stop))
        .map_err(|e| Error::internal(format!("cannot start the refresh thread: {e}")))?;
    http::serve(
        listener,
        Limits::default(),
        handler(served),
        Arc::new(HttpLog(log)),
        stop,
    )
    .map_err(|e| Error::config(format!("cannot serve on {addr}: {e}")))?;
    log.event(Level::Info, "stop", "stopped by a signal", &[]);
    Ok(0)
}

/// `5m`, `30s`, `1h30m`: a duration as `--refresh` takes it.
fn shown_duration(d: Duration) -> String {
    let s = d.as_secs();
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    let mut text = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if n > 0 {
            text.push_str(&format!("{n}{unit}"));
        }
    }
    text
}

/// The server's events in the log, at `-v` (a flood of bad clients must not flood the log).
struct HttpLog(Log);

impl Events for HttpLog {
    fn answered(&self, request: &Request, response: &Response, took: Duration) {
        let status = response.status;
        // The media type alone: which format the scraper got.
        let format = response.content_type.split(';').next().unwrap_or_default();
        self.0.detail(
            "http",
            &format!(
                "{} {} {status} {format} {} bytes {:.1} ms{}",
                request.method,
                request.path,
                response.body.len(),
                took.as_secs_f64() * 1000.0,
                peer(request.peer)
            ),
            &[
                ("method", json!(request.method)),
                ("path", json!(request.path)),
                ("status", json!(status)),
                ("content_type", json!(format)),
                ("peer", json!(request.peer.map(|p| p.to_string()))),
            ],
        );
    }

    fn refused(&self, from: Option<SocketAddr>, status: u16, why: &str) {
        self.0.detail(
            "http",
            &format!("refused a connection with {status}: {why}{}", peer(from)),
            &[
                ("status", json!(status)),
                ("peer", json!(from.map(|p| p.to_string()))),
            ],
        );
    }
}

fn peer(peer: Option<SocketAddr>) -> String {
    peer.map(|p| format!(" from {p}")).unwrap_or_default()
}
