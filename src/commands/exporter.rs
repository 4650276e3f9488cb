//! `obssl exporter`: serve the check's metrics over HTTP until SIGTERM or
//! SIGINT (see [`crate::exporter`]). Everything a user typed, the settings
//! and the credentials are checked, and the address bound, before the first
//! refresh; a problem there is an error (exit 2 usage, 3 configuration) and
//! nothing is served. Once serving, no failure of the API ends the process:
//! it is logged and shown by `obssl_up`.

use crate::api::CallCounts;
use crate::cli::ExporterArgs;
use crate::config::{ConfigSource, Environment, FlagSettings, Settings};
use crate::error::{Error, Result};
use crate::exporter::handler;
use crate::exporter::http::{self, Events, Limits, Request, Response, SharedWebConfig};
use crate::exporter::log::{Level, Log};
use crate::exporter::metrics::{Served, Status};
use crate::exporter::refresh::error_sentence;
use crate::exporter::refresh::{Refresher, Reload, Reloaded};
use crate::exporter::webconfig::WebConfig;
use crate::selection;
use crate::wire::WireRun;
use serde_json::json;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Runs the exporter; returns 0 once stopped by a signal.
pub fn run(args: &ExporterArgs, env: &dyn Environment) -> Result<u8> {
    crate::exporter::refresh::limit_arenas();
    let (judge, login) =
        super::check::judge_and_login(&args.policy, args.wire, &args.wire_args, env)?;
    let selection = args.selection();
    let web = match &args.web_config_file {
        Some(path) => WebConfig::load(path).map_err(|e| {
            Error::usage(format!("invalid --web.config.file: {e}")).with_hint(
                "the file is the Prometheus exporter toolkit's web configuration (see \
                 docs/monitoring.md); fix the key named, or check it with node_exporter \
                 --web.config.file",
            )
        })?,
        None => WebConfig::plain(),
    };
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
            "another process may use the port: stop it, or give another address with \
             --web.listen-address",
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
    let scheme = if web.tls.is_some() { "https" } else { "http" };
    log.event(
        Level::Info,
        "start",
        &format!(
            "serving {scheme}://{addr}{}: {what}, read at most every {}; {}",
            args.telemetry_path,
            shown_duration(args.refresh),
            web.describe()
        ),
        &[
            ("listen", json!(addr.to_string())),
            ("scheme", json!(scheme)),
            ("telemetry_path", json!(args.telemetry_path)),
            ("refresh_seconds", json!(args.refresh.as_secs())),
            ("all", json!(selection.all)),
            ("named", json!(named.len())),
        ],
    );
    if !addr.ip().is_loopback() && (web.tls.is_none() || !web.needs_auth()) {
        log.event(
            Level::Warn,
            "start",
            &format!(
                "{addr} is not a loopback address and the metrics are served without TLS or \
                 without authentication: whoever reaches it can read them (instance ids, \
                 certificate dates); set tls_server_config and basic_auth_users in \
                 --web.config.file, or put a firewall in front"
            ),
            &[("listen", json!(addr.to_string()))],
        );
    }
    let stop = crate::signals::stop_on_signal();
    let hup = crate::signals::reload_on_sighup();
    let served = Arc::new(Served::new(&Status::default()));
    let reload = Arc::new(Reload::default());
    let mut refresher = Refresher::new(
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
        reload.clone(),
    );
    refresher.wire = args.wire.then(|| WireRun {
        jobs: usize::from(selection.jobs),
        address_timeout: crate::check::addresses::ADDRESS_TIMEOUT,
        deadline: None,
        login,
        network: args.wire_args.network,
        policy: refresher.judge.policy,
        trace: refresher.settings.trace,
        extra_ca: None,
        addresses: Vec::new(),
    });
    std::thread::Builder::new()
        .name("obssl-refresh".into())
        .spawn(move || refresher.run(stop))
        .map_err(|e| Error::internal(format!("cannot start the refresh thread: {e}")))?;
    let web: SharedWebConfig = Arc::new(RwLock::new(Arc::new(web)));
    let server = {
        let (web, handler) = (web.clone(), handler(served, args.telemetry_path.clone()));
        std::thread::Builder::new()
            .name("obssl-serve".into())
            .spawn(move || {
                http::serve(
                    listener,
                    Limits::default().within_descriptors(),
                    web,
                    handler,
                    Arc::new(HttpLog(log)),
                    stop,
                )
            })
            .map_err(|e| Error::internal(format!("cannot start the server thread: {e}")))?
    };
    while !stop.load(Ordering::SeqCst) && !server.is_finished() {
        if hup.swap(false, Ordering::SeqCst) {
            reload_all(args, env, &flags, &selection, &web, &reload, log);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let served = server
        .join()
        .map_err(|_| Error::internal("the server thread panicked"))?;
    served.map_err(|e| Error::config(format!("cannot serve on {addr}: {e}")))?;
    log.event(Level::Info, "stop", "stopped by a signal", &[]);
    Ok(0)
}

/// SIGHUP: reads the web config, the instance file and the profile again.
/// What is valid replaces what was in force; what is not is logged and the
/// old stays. Never ends the process.
fn reload_all(
    args: &ExporterArgs,
    env: &dyn Environment,
    flags: &FlagSettings,
    selection: &crate::cli::InstanceSelection,
    web: &SharedWebConfig,
    reload: &Reload,
    log: Log,
) {
    let mut done = Vec::new();
    let mut failed = Vec::new();
    if let Some(path) = &args.web_config_file {
        match WebConfig::load(path) {
            Ok(config) => {
                done.push(format!("web config ({})", config.describe()));
                *web.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(config);
            }
            Err(e) => failed.push(format!("the web config is invalid, the old one stays: {e}")),
        }
    }
    let from_stdin = selection.file.as_deref() == Some(std::path::Path::new("-"));
    let named = if from_stdin {
        Ok(None)
    } else {
        selection::named_instances(selection, &mut std::io::empty()).map(Some)
    };
    let settings = Settings::resolve(flags, env, &ConfigSource::locate(env))
        .and_then(|settings| Ok((super::connect::connect(&settings)?, settings)));
    match (named, settings) {
        (Ok(named), Ok((api, settings))) => {
            let mut next = reload.next.lock().unwrap_or_else(|p| p.into_inner());
            let named = match named {
                Some(named) => {
                    if selection.file.is_some() {
                        done.push(format!("{} instance ids", named.len()));
                    }
                    named
                }
                None => {
                    done.push("the instance ids (stdin is not read again)".into());
                    next.take().map(|r| r.named).unwrap_or_else(|| {
                        selection::named_instances(
                            &crate::cli::InstanceSelection {
                                file: None,
                                ..selection.clone()
                            },
                            &mut std::io::empty(),
                        )
                        .unwrap_or_default()
                    })
                }
            };
            done.push("the profile and credentials".into());
            *next = Some(Reloaded {
                api,
                settings,
                named,
            });
        }
        (Err(e), _) | (_, Err(e)) => failed.push(format!(
            "the instances and profile were not reloaded, the old ones stay: {}",
            error_sentence(&e)
        )),
    }
    if failed.is_empty() {
        reload.succeeded.fetch_add(1, Ordering::SeqCst);
        log.event(
            Level::Info,
            "reload",
            &format!("reloaded on SIGHUP: {}", done.join(", ")),
            &[("ok", json!(true))],
        );
    } else {
        reload.failed.fetch_add(1, Ordering::SeqCst);
        let mut message = failed.join("; ");
        if !done.is_empty() {
            message.push_str(&format!(" (reloaded: {})", done.join(", ")));
        }
        log.event(
            Level::Error,
            "reload",
            &format!("reload on SIGHUP failed: {message}"),
            &[("ok", json!(false))],
        );
    }
    reload.refresh_now.store(true, Ordering::SeqCst);
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
        let what = if status == 0 {
            format!("{why}{}", peer(from))
        } else {
            format!("refused a connection with {status}: {why}{}", peer(from))
        };
        self.0.detail(
            "http",
            &what,
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
