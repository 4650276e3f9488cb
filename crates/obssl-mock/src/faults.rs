//! Hostile and flaky server behaviour, selected by instance id (`fault-*`), so
//! that obssl's retries, limits and digest handling (and your own scripts) can
//! be tested against the mock.
//!
//! | instance id | what the mock does |
//! |---|---|
//! | `fault-429` | 429 with `Retry-After: 1` the first time per `requestId`, then the normal answer |
//! | `fault-429-date` | the same, with `Retry-After` as an HTTP date two seconds ahead (whole seconds: a wait of 1 to 2 s) |
//! | `fault-503-twice` | 503 twice per `requestId`, then the normal answer |
//! | `fault-503-always` | 503 every time |
//! | `fault-403` | 403 with the error envelope (never worth a retry) |
//! | `fault-redirect` | 302 to `http://other.invalid/...` |
//! | `fault-huge` | a 100 MB body, streamed (never held in memory) |
//! | `fault-trickle` | headers at once, then the body one byte every 200 ms |
//! | `fault-401-forever` | 401 with a fresh, non-stale challenge, even to a correct signature |
//! | `fault-challenge-non-ascii` | 401 whose `WWW-Authenticate` holds non-ASCII bytes |
//! | `fault-challenge-garbage` | 401 whose `WWW-Authenticate` is not a valid challenge |
//!
//! The answers after authentication (all but the last three) need a correctly
//! signed request first, like every other answer of the mock.
//!
//! The form of the ordinary challenge can be varied as a whole with
//! [`ChallengeStyle`](super::ChallengeStyle) (`MockConfig::challenge_style`).

use std::collections::HashMap;
use std::io::{self, Read};
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, SystemTime};

use serde_json::json;

use super::answers::{query_parameter, ssl_instance_id, Answer};
use super::fixtures::documented_example;
use super::http::RawWriter;

/// Every fault scenario's instance id, in the order of the table above (for
/// the `obssl-mock serve` banner). None of them is listed by `GET /api/v2/instances`.
pub const FAULT_IDS: [&str; 11] = [
    "fault-429",
    "fault-429-date",
    "fault-503-twice",
    "fault-503-always",
    "fault-403",
    "fault-redirect",
    "fault-huge",
    "fault-trickle",
    "fault-401-forever",
    "fault-challenge-non-ascii",
    "fault-challenge-garbage",
];

/// Size of the `fault-huge` body.
pub const HUGE_BODY_BYTES: u64 = 100 * 1024 * 1024;
/// Pause between two bytes of the `fault-trickle` body.
pub const TRICKLE_EVERY: Duration = Duration::from_millis(200);

/// What a fault scenario answers.
pub(crate) enum FaultReply {
    /// An ordinary answer.
    Answer(Answer),
    /// 200 with a [`HUGE_BODY_BYTES`] body streamed from nowhere.
    Huge,
    /// 200 whose body comes one byte per [`TRICKLE_EVERY`].
    Trickle(Vec<u8>),
    /// 401 with these raw bytes as the `WWW-Authenticate` value.
    RawChallenge(Vec<u8>),
}

impl FaultReply {
    pub(crate) fn status(&self) -> u16 {
        match self {
            FaultReply::Answer(answer) => answer.status,
            FaultReply::Huge | FaultReply::Trickle(_) => 200,
            FaultReply::RawChallenge(_) => 401,
        }
    }

    /// The ordinary [`Answer`], or a writer for the replies that need raw control of the
    /// connection (a streamed or trickled body, a challenge with raw bytes).
    pub(crate) fn into_answer(self) -> Result<Answer, RawWriter> {
        match self {
            FaultReply::Answer(answer) => Ok(answer),
            FaultReply::Huge => Err(Box::new(|stream, _| {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                     Content-Length: {HUGE_BODY_BYTES}\r\nConnection: close\r\n\r\n"
                );
                // Streamed from nowhere; the client hangs up after its limit.
                let mut body = io::repeat(b' ').take(HUGE_BODY_BYTES);
                let _ = stream
                    .write_all(head.as_bytes())
                    .and_then(|()| io::copy(&mut body, stream).map(drop));
            })),
            FaultReply::Trickle(body) => Err(Box::new(move |stream, stopping| {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                if stream.write_all(head.as_bytes()).is_err() || stream.flush().is_err() {
                    return;
                }
                for byte in body {
                    if stopping.load(Ordering::SeqCst) {
                        break;
                    }
                    thread::sleep(TRICKLE_EVERY);
                    if stream.write_all(&[byte]).is_err() || stream.flush().is_err() {
                        break;
                    }
                }
            })),
            FaultReply::RawChallenge(challenge) => Err(Box::new(move |stream, _| {
                let body = b"401 Unauthorized\n";
                let mut raw = Vec::new();
                raw.extend_from_slice(b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: ");
                raw.extend_from_slice(&challenge);
                raw.extend_from_slice(
                    format!(
                        "\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .as_bytes(),
                );
                raw.extend_from_slice(body);
                let _ = stream.write_all(&raw).and_then(|()| stream.flush());
            })),
        }
    }
}

/// Per-`requestId` memory of the fault scenarios that change their answer.
#[derive(Default)]
pub(crate) struct Faults {
    seen: Mutex<HashMap<(String, String), u32>>,
}

impl Faults {
    /// The fault scenario for `target`, if its instance id names one. `authenticated` says
    /// whether the request verified; `challenge` makes a fresh non-stale challenge.
    pub(crate) fn reply(
        &self,
        target: &str,
        authenticated: bool,
        challenge: impl FnOnce() -> String,
    ) -> Option<FaultReply> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let instance_id = ssl_instance_id(path)?;
        if !instance_id.starts_with("fault-") {
            return None;
        }
        // Before authentication: these answer whatever the request carried.
        match instance_id.as_str() {
            "fault-401-forever" => {
                return Some(FaultReply::Answer(Answer {
                    status: 401,
                    content_type: "text/plain; charset=utf-8",
                    body: "401 Unauthorized: this mock instance refuses everyone\n".into(),
                    headers: vec![("WWW-Authenticate", challenge())],
                }))
            }
            "fault-challenge-non-ascii" => {
                let mut raw = b"Digest realm=\"Oc\xe9anBase \xff\xfe\", nonce=\"".to_vec();
                raw.extend_from_slice("n\u{f6}nce\"".as_bytes());
                raw.extend_from_slice(b", qop=\"auth\", algorithm=MD5");
                return Some(FaultReply::RawChallenge(raw));
            }
            "fault-challenge-garbage" => {
                return Some(FaultReply::RawChallenge(
                    b"Digest ,,,=== \"unterminated realm=".to_vec(),
                ));
            }
            _ => {}
        }
        if !authenticated {
            return None;
        }
        let request_id = query_parameter(query, "requestId").unwrap_or_default();
        let seen = {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            let count = seen
                .entry((instance_id.clone(), request_id.clone()))
                .or_insert(0);
            *count += 1;
            *count
        };
        let ok = || FaultReply::Answer(success(&instance_id, &request_id));
        let reply = match instance_id.as_str() {
            "fault-429" if seen == 1 => {
                let mut a = envelope(429, "TooManyRequests", "Too many requests", &request_id);
                a.headers.push(("Retry-After", "1".into()));
                FaultReply::Answer(a)
            }
            "fault-429-date" if seen == 1 => {
                let mut a = envelope(429, "TooManyRequests", "Too many requests", &request_id);
                // HTTP dates drop the fraction of a second: the client waits
                // more than 1 s and at most 2 s.
                let when = SystemTime::now() + Duration::from_secs(2);
                a.headers
                    .push(("Retry-After", httpdate::fmt_http_date(when)));
                FaultReply::Answer(a)
            }
            "fault-429" | "fault-429-date" => ok(),
            "fault-503-twice" if seen <= 2 => FaultReply::Answer(envelope(
                503,
                "ServiceUnavailable",
                "The service is temporarily unavailable",
                &request_id,
            )),
            "fault-503-twice" => ok(),
            "fault-503-always" => FaultReply::Answer(envelope(
                503,
                "ServiceUnavailable",
                "The service is temporarily unavailable",
                &request_id,
            )),
            "fault-403" => FaultReply::Answer(envelope(
                403,
                "Forbidden",
                "The AccessKey may not read this instance",
                &request_id,
            )),
            "fault-redirect" => FaultReply::Answer(Answer {
                status: 302,
                content_type: "text/plain; charset=utf-8",
                body: "Found\n".into(),
                headers: vec![("Location", format!("http://other.invalid{target}"))],
            }),
            "fault-huge" => FaultReply::Huge,
            "fault-trickle" => {
                let Answer { body, .. } = success(&instance_id, &request_id);
                FaultReply::Trickle(body.into_bytes())
            }
            _ => return None,
        };
        Some(reply)
    }
}

/// The answer of [`MockConfig::nc_order_400`](super::MockConfig::nc_order_400) to a nonce
/// count that arrived out of order: 400 with an empty body and no challenge, as Perl
/// Catalyst's digest credential answers (its source: `TODO: set Stale instead`).
pub(crate) fn nonce_count_out_of_order() -> Answer {
    Answer {
        status: 400,
        content_type: "text/plain; charset=utf-8",
        body: String::new(),
        headers: Vec::new(),
    }
}

fn success(instance_id: &str, request_id: &str) -> Answer {
    let mut data = documented_example();
    data["instanceId"] = json!(instance_id);
    let body = json!({ "data": data, "requestId": request_id, "success": true });
    Answer {
        status: 200,
        content_type: "application/json; charset=utf-8",
        body: body.to_string(),
        headers: Vec::new(),
    }
}

fn envelope(status: u16, code: &str, message: &str, request_id: &str) -> Answer {
    let body = json!({
        "success": false,
        "errorCode": code,
        "errorMessage": message,
        "requestId": request_id,
    });
    Answer {
        status,
        content_type: "application/json; charset=utf-8",
        body: body.to_string(),
        headers: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHALLENGE: &str = r#"Digest realm="r", qop="auth", algorithm=MD5, nonce="n", opaque="o""#;

    #[test]
    fn counted_faults_change_per_request_id() {
        let faults = Faults::default();
        let status = |id: &str, rid: &str| {
            faults
                .reply(
                    &format!("/api/v2/instances/{id}/security/ssl?requestId={rid}"),
                    true,
                    || CHALLENGE.into(),
                )
                .map(|r| r.status())
        };
        assert_eq!(status("fault-503-twice", "a"), Some(503));
        assert_eq!(status("fault-503-twice", "a"), Some(503));
        assert_eq!(status("fault-503-twice", "b"), Some(503));
        assert_eq!(status("fault-503-twice", "a"), Some(200));
        assert_eq!(status("fault-429", "a"), Some(429));
        assert_eq!(status("fault-429", "a"), Some(200));
        assert_eq!(status("obxxx", "a"), None);
        assert_eq!(status("fault-unknown", "a"), None);
    }

    #[test]
    fn every_listed_fault_id_is_a_scenario() {
        let faults = Faults::default();
        for id in FAULT_IDS {
            let target = format!("/api/v2/instances/{id}/security/ssl?requestId=r");
            assert!(
                faults.reply(&target, true, || CHALLENGE.into()).is_some(),
                "{id} is listed but has no scenario"
            );
        }
        // And the module's table lists exactly these.
        let documented: Vec<&str> = include_str!("faults.rs")
            .lines()
            .take_while(|line| line.starts_with("//!"))
            .filter_map(|line| line.strip_prefix("//! | `fault-"))
            .filter_map(|rest| rest.split('`').next())
            .collect();
        let listed: Vec<&str> = FAULT_IDS
            .iter()
            .map(|id| id.trim_start_matches("fault-"))
            .collect();
        assert_eq!(documented, listed);
    }
}
