//! `obssl exporter`: the metrics of `check -o prometheus` served over HTTP
//! for Prometheus to scrape. A background thread refreshes them at most once
//! per `--refresh` ([`refresh`]); scrapes are answered from the last refresh
//! ([`metrics`]) by a small bounded server ([`http`]); events are logged one
//! line each ([`log`]).
//!
//! Endpoints: `GET /metrics` (`--web.telemetry-path`; the Prometheus text
//! format 0.0.4, or OpenMetrics 1.0.0 when `Accept` prefers
//! `application/openmetrics-text`), `GET /` (a page with a link),
//! `GET /-/healthy` (200 while the process runs), `GET /-/ready` (503 until
//! the first refresh has completed, then 200), `GET /healthz` (`ok` while
//! serving, as before). `HEAD` is answered too; other methods get 405, other
//! paths 404. The web configuration (TLS, basic auth, headers) is in
//! [`webconfig`].

pub mod http;
pub mod log;
pub mod metrics;
pub mod refresh;
pub mod webconfig;

use crate::render::exposition::Exposition;
use http::{Request, Response};
use metrics::Served;
use std::sync::Arc;

/// The page of `GET /`, linking to the telemetry path `path` (which
/// `--web.telemetry-path` keeps to characters that need no escaping in HTML).
fn index(path: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>obssl exporter</title></head>\n\
         <body><h1>obssl exporter</h1>\n\
         <p>SSL status and certificate expiry of OceanBase Cloud instances, for Prometheus.</p>\n\
         <p><a href=\"{path}\">Metrics</a></p>\n<p>obssl {}</p></body></html>\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// Answers one request from what `served` holds; never calls the API.
/// `telemetry` is the path of the metrics (`/metrics` by default).
pub fn answer(served: &Served, telemetry: &str, request: &Request) -> Response {
    let route = match request.path.as_str() {
        path if path == telemetry => Route::Metrics,
        "/" => Route::Index,
        "/healthz" => Route::Health,
        "/-/healthy" => Route::Healthy,
        "/-/ready" => Route::Ready,
        _ => return Response::text(404, "not found: try / for the metrics' path\n"),
    };
    if request.method != "GET" && request.method != "HEAD" {
        let mut response = Response::text(405, "method not allowed: use GET\n");
        response.headers.push(("Allow", "GET, HEAD".into()));
        return response;
    }
    match route {
        Route::Metrics => {
            let format = negotiate(request.accept.as_deref());
            let bodies = served.get();
            let body = match format {
                Exposition::Text => bodies.text,
                Exposition::OpenMetrics => bodies.openmetrics,
            };
            Response::new(200, format.content_type(), body)
        }
        Route::Index => Response::new(200, "text/html; charset=utf-8", index(telemetry)),
        Route::Health => Response::text(200, "ok\n"),
        Route::Healthy => Response::text(200, "obssl exporter is healthy.\n"),
        Route::Ready if served.is_ready() => Response::text(200, "obssl exporter is ready.\n"),
        Route::Ready => Response::text(
            503,
            "obssl exporter is not ready: the first refresh has not completed.\n",
        ),
    }
}

enum Route {
    Metrics,
    Index,
    Health,
    Healthy,
    Ready,
}

/// The format an `Accept` header prefers: OpenMetrics when it ranks
/// `application/openmetrics-text` (version 1.0.0, or none named) at least as
/// high as the text format; the text format otherwise, and without `Accept`.
pub fn negotiate(accept: Option<&str>) -> Exposition {
    let Some(accept) = accept else {
        return Exposition::Text;
    };
    let (mut openmetrics, mut text) = (0.0f64, 0.0f64);
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let (mut q, mut version) = (1.0f64, None);
        for param in parts {
            if let Some((name, value)) = param.split_once('=') {
                let value = value.trim().trim_matches('"');
                match name.trim().to_ascii_lowercase().as_str() {
                    "q" => q = value.parse().unwrap_or(0.0),
                    "version" => version = Some(value.to_string()),
                    _ => {}
                }
            }
        }
        match media.as_str() {
            "application/openmetrics-text" if version.as_deref().is_none_or(|v| v == "1.0.0") => {
                openmetrics = openmetrics.max(q)
            }
            "text/plain" | "text/*" | "*/*" => text = text.max(q),
            _ => {}
        }
    }
    if openmetrics > 0.0 && openmetrics >= text {
        Exposition::OpenMetrics
    } else {
        Exposition::Text
    }
}

/// The handler for the server, over `served`, with the metrics at `telemetry`.
pub fn handler(served: Arc<Served>, telemetry: String) -> Arc<http::Handler> {
    Arc::new(move |request: &Request| answer(&served, &telemetry, request))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openmetrics_only_when_accept_prefers_it() {
        let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
                          version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert_eq!(negotiate(Some(prometheus)), Exposition::OpenMetrics);
        assert_eq!(
            negotiate(Some("application/openmetrics-text")),
            Exposition::OpenMetrics
        );
        for text in [
            None,
            Some("text/plain;version=0.0.4"),
            Some("*/*"),
            Some("application/openmetrics-text;version=0.0.1"),
            Some("application/openmetrics-text;q=0.2, text/plain"),
            Some("application/openmetrics-text;q=0"),
            Some("garbage;;;=,"),
        ] {
            assert_eq!(negotiate(text), Exposition::Text, "{text:?}");
        }
    }

    #[test]
    fn routes_methods_and_formats() {
        let served = Served::new(&metrics::Status::default());
        let get = |method: &str, path: &str, accept: Option<&str>| {
            answer(
                &served,
                "/metrics",
                &Request {
                    method: method.into(),
                    path: path.into(),
                    accept: accept.map(Into::into),
                    peer: None,
                },
            )
        };
        let metrics = get("GET", "/metrics", None);
        assert_eq!(
            (metrics.status, metrics.content_type),
            (200, "text/plain; version=0.0.4; charset=utf-8")
        );
        let om = get("GET", "/metrics", Some("application/openmetrics-text"));
        assert!(om
            .content_type
            .starts_with("application/openmetrics-text; version=1.0.0"));
        assert!(om.body.ends_with(b"# EOF\n"));
        assert_eq!(get("GET", "/healthz", None).status, 200);
        let index = get("GET", "/", None);
        assert!(std::str::from_utf8(&index.body)
            .unwrap()
            .contains("<a href=\"/metrics\">"));
        assert_eq!(get("GET", "/nope", None).status, 404);
        let post = get("POST", "/metrics", None);
        assert_eq!(post.status, 405);
        assert_eq!(post.headers, [("Allow", "GET, HEAD".to_string())]);
        assert_eq!(get("HEAD", "/metrics", None).status, 200);
        assert_eq!(get("GET", "/-/healthy", None).status, 200);
        assert_eq!(get("GET", "/-/ready", None).status, 503);
        served.set_ready();
        assert_eq!(get("GET", "/-/ready", None).status, 200);
    }
}
