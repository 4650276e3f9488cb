//! The running mock: an HTTP listener with a thread per connection (see `http.rs`), and the
//! request log.

use std::io;
use std::net::SocketAddr;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::answers::{self, Answer};
use super::ca;
use super::config::{ChallengeStyle, MockConfig};
use super::digest::{self, DigestVerifier, SignedRequest};
use super::faults::{self, FaultReply, Faults};
use super::fixtures::FixtureSet;
use super::http::{HttpReply, HttpRequest, HttpResponse, HttpServer};
use super::rejection::Rejection;
use super::tenants::TenantSet;

/// One request the mock has seen, with the status it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target as received: path and query.
    pub url: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// The `Cookie` header, if any (several are joined with `; `).
    pub cookie: Option<String>,
    /// Every header, in the order received.
    pub headers: Vec<(String, String)>,
    /// The HTTP status the mock answered.
    pub status: u16,
    /// The headers the mock answered with (`Content-Type`, `WWW-Authenticate`, `Set-Cookie`,
    /// `Authentication-Info`, ...), without `Content-Length` and `Connection`; empty for the
    /// fault replies written raw (`fault-huge`, `fault-trickle`, `fault-challenge-*`).
    pub answer_headers: Vec<(String, String)>,
    /// When the request arrived (before the configured latency was slept).
    pub received_at: std::time::Instant,
    /// The TCP connection it came on: 1 for the first connection the mock accepted, then
    /// counting up (so the number of distinct values is the number of connections used).
    pub connection: u64,
    /// How many connections the mock had accepted when this request was read (connections
    /// opened ahead of their first request count too).
    pub connections_accepted: u64,
}

impl RecordedRequest {
    /// The first answer header named `name` (case-insensitive).
    pub fn answer_header(&self, name: &str) -> Option<&str> {
        self.answer_headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Whether the answer was a 401 whose challenge said `stale=true`.
    pub fn answered_stale(&self) -> bool {
        self.status == 401
            && self
                .answer_header("WWW-Authenticate")
                .is_some_and(|challenge| challenge.contains("stale=true"))
    }
}

/// State the workers share.
struct Shared {
    verifier: DigestVerifier,
    fixtures: FixtureSet,
    latency: Duration,
    slow_instances: Vec<(String, Duration)>,
    challenge_style: ChallengeStyle,
    faults: Faults,
    /// [`MockConfig::nc_order_400`].
    nc_order_400: bool,
    recorded: Mutex<Vec<RecordedRequest>>,
    /// `http://IP:PORT` of the listener, for the `caUrl` of answers (set once bound).
    base_url: std::sync::OnceLock<String>,
}

/// A running mock OceanBase Cloud API. Stops on [`MockServer::stop`] or when dropped.
pub struct MockServer {
    addr: SocketAddr,
    /// `http`, or `https` with [`MockConfig::tls`].
    scheme: &'static str,
    http: HttpServer,
    shared: Arc<Shared>,
}

impl MockServer {
    /// Loads the fixtures, binds `config.listen`, starts the workers and returns at once.
    ///
    /// Fails when the address cannot be bound or a fixture file cannot be read or parsed
    /// (the error names the file).
    pub fn start(config: MockConfig) -> io::Result<MockServer> {
        let tenants = TenantSet::new(config.tenant_addresses.clone());
        let (fixtures, tenants) = match &config.fixtures_dir {
            Some(dir) => (FixtureSet::builtin_and_dir(dir)?, tenants.read_dir(dir)?),
            None => (FixtureSet::builtin(), tenants),
        };
        let fixtures = fixtures
            .with_generated(config.generated_instances)
            .with_names(&config.instance_names)
            .with_tenants(tenants);
        let shared = Arc::new(Shared {
            verifier: DigestVerifier::new(&config),
            fixtures,
            latency: config.latency,
            slow_instances: config.slow_instances.clone(),
            challenge_style: config.challenge_style,
            faults: Faults::default(),
            nc_order_400: config.nc_order_400,
            recorded: Mutex::new(Vec::new()),
            base_url: std::sync::OnceLock::new(),
        });
        let tls = config
            .tls
            .as_ref()
            .map(|tls| tls.server_config())
            .transpose()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let handler_shared = Arc::clone(&shared);
        let http = HttpServer::bind(config.listen, tls, move |request| {
            // A bug must cost one answer, never a connection.
            panic::catch_unwind(AssertUnwindSafe(|| {
                answer_request(&handler_shared, request)
            }))
            .unwrap_or_else(|_| {
                HttpResponse {
                    status: 500,
                    headers: Vec::new(),
                    body: b"mock bug: the answer panicked\n".to_vec(),
                }
                .into()
            })
        })
        .map_err(|e| {
            io::Error::new(e.kind(), format!("cannot listen on {}: {e}", config.listen))
        })?;
        let _ = shared.base_url.set(reachable_base_url(scheme, http.addr()));
        Ok(MockServer {
            addr: http.addr(),
            scheme,
            http,
            shared,
        })
    }

    /// The address actually bound (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://IP:PORT` (`https://` with [`MockConfig::tls`]), no trailing slash.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The instance ids with a fixture (built-ins first, then those from the fixtures directory,
    /// then the generated ones).
    pub fn fixture_ids(&self) -> Vec<String> {
        self.shared.fixtures.ids()
    }

    /// The instance ids the instance list gives (`--all`): every fixture but the error
    /// answers (`mock-*`) and the API reference's example `obxxx`.
    pub fn listed_ids(&self) -> Vec<String> {
        self.shared.fixtures.listed_ids()
    }

    /// Every request seen so far, 401s included, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared
            .recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// How many requests were seen so far.
    pub fn request_count(&self) -> usize {
        self.shared
            .recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    /// Answers the requests already received, then stops the workers and closes the listener.
    pub fn stop(self) {
        // Drop does the work.
    }

    fn shut_down(&mut self) {
        self.http.stop();
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.shut_down();
    }
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

fn answer_request(shared: &Shared, request: HttpRequest) -> HttpReply {
    let HttpRequest {
        method,
        target,
        headers,
        connection,
        accepted_before,
        body,
    } = request;
    let header_values = |wanted: &'static str| {
        headers
            .iter()
            .filter(move |(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|(_, value)| value.as_str())
    };
    let authorization = header_values("Authorization").next().map(str::to_owned);
    let cookies: Vec<&str> = header_values("Cookie").collect();
    let cookie = (!cookies.is_empty()).then(|| cookies.join("; "));

    // The CA archives are a public download: no authentication, as on the real host.
    let path = target.split('?').next().unwrap_or_default();
    if let Some(response) = ca::answer(&method, path) {
        shared
            .recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(RecordedRequest {
                received_at: std::time::Instant::now(),
                method,
                url: target,
                authorization,
                cookie,
                headers,
                status: response.status,
                answer_headers: response.headers.clone(),
                connection,
                connections_accepted: accepted_before,
            });
        return response.into();
    }

    // Authentication comes first: an unauthenticated request never learns what exists.
    // Fault scenarios (`fault-*` ids) may answer before it (see `faults`).
    let verified = shared.verifier.verify(&SignedRequest {
        method: &method,
        target: &target,
        authorization: authorization.as_deref(),
        session: digest::session_cookie(cookies.iter().copied()),
        body: &body,
    });
    let mut reply = shared
        .faults
        .reply(&target, verified.is_ok(), || {
            shared.verifier.challenge(false).header
        })
        .unwrap_or_else(|| {
            FaultReply::Answer(match &verified {
                Ok(_) => absolute_ca_url(
                    answers::authenticated(&method, &target, &shared.fixtures),
                    shared.base_url.get().map_or("", String::as_str),
                ),
                Err(Rejection::NonceCountNotIncreasing) if shared.nc_order_400 => {
                    faults::nonce_count_out_of_order()
                }
                Err(rejection) => {
                    let challenge = shared.verifier.challenge(rejection.is_stale());
                    let set_cookie = challenge.set_cookie();
                    let mut answer = answers::unauthorized(challenge.header, *rejection);
                    shared.challenge_style.apply(&mut answer.headers);
                    answer.headers.extend(set_cookie.map(|c| ("Set-Cookie", c)));
                    answer
                }
            })
        });
    if let (Ok(accepted), FaultReply::Answer(answer)) = (&verified, &mut reply) {
        if answer.status != 401 {
            let info = shared
                .verifier
                .authentication_info(accepted, answer.body.as_bytes());
            answer
                .headers
                .extend(info.map(|info| ("Authentication-Info", info)));
        }
    }
    let status = reply.status();
    let answer_headers = match &reply {
        FaultReply::Answer(answer) => response_headers(answer),
        _ => Vec::new(),
    };
    let path = target.split('?').next().unwrap_or_default();
    let extra_delay = answers::ssl_instance_id(path).and_then(|id| {
        shared
            .slow_instances
            .iter()
            .find(|(slow, _)| *slow == id)
            .map(|(_, delay)| *delay)
    });

    shared
        .recorded
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(RecordedRequest {
            received_at: std::time::Instant::now(),
            method,
            url: target,
            authorization,
            cookie,
            headers,
            status,
            answer_headers,
            connection,
            connections_accepted: accepted_before,
        });

    if !shared.latency.is_zero() {
        thread::sleep(shared.latency);
    }
    if let Some(delay) = extra_delay {
        thread::sleep(delay);
    }
    match reply.into_answer() {
        Ok(answer) => into_response(answer).into(),
        Err(raw) => HttpReply::Raw(raw),
    }
}

/// `SCHEME://IP:PORT` for a listener on `addr`; an unspecified address (`0.0.0.0`, `::`) is
/// reached on loopback.
fn reachable_base_url(scheme: &str, addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        std::net::IpAddr::V4(v4) if v4.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(v6) if v6.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    format!("{scheme}://{}", SocketAddr::new(ip, addr.port()))
}

/// A success answer whose `data.caUrl` is a path (`/ca/...`) gets it made absolute against
/// `base` (the mock's own address), so that clients download the CA from the mock.
fn absolute_ca_url(mut answer: Answer, base: &str) -> Answer {
    if answer.status != 200 {
        return answer;
    }
    let Ok(mut body) = serde_json::from_str::<serde_json::Value>(&answer.body) else {
        return answer;
    };
    let relative = body["data"]["caUrl"]
        .as_str()
        .filter(|url| url.starts_with('/'))
        .map(str::to_owned);
    if let Some(path) = relative {
        body["data"]["caUrl"] = serde_json::Value::String(format!("{base}{path}"));
        answer.body = body.to_string();
    }
    answer
}

/// The headers an ordinary answer is written with (before `Content-Length`).
fn response_headers(answer: &Answer) -> Vec<(String, String)> {
    std::iter::once(("Content-Type", answer.content_type.to_owned()))
        .chain(answer.headers.iter().cloned())
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

fn into_response(answer: Answer) -> HttpResponse {
    HttpResponse {
        status: answer.status,
        headers: response_headers(&answer),
        body: answer.body.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpStream;

    use digest_auth::{AuthContext, HttpMethod};

    use super::*;
    use crate::config::MockQop;

    const TARGET: &str = "/api/v2/instances/obxxx/security/ssl?requestId=wire";

    struct Reply {
        status: u16,
        headers: Vec<(String, String)>,
    }

    impl Reply {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }
    }

    /// One request on its own connection.
    fn send(server: &MockServer, extra_headers: &[(&str, &str)]) -> Reply {
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        let mut request = format!("GET {TARGET} HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n");
        for (name, value) in extra_headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let head = answer.split("\r\n\r\n").next().unwrap();
        let mut lines = head.lines();
        let status = lines.next().unwrap()[9..12].parse().unwrap();
        let headers = lines
            .filter_map(|line| line.split_once(": "))
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        Reply { status, headers }
    }

    fn sign(challenge: &str, nonce: Option<&str>) -> String {
        let mut parsed = digest_auth::parse(challenge).unwrap();
        if let Some(nonce) = nonce {
            parsed.nonce = nonce.to_owned();
        }
        let context = AuthContext::new_with_method(
            "mock-access-key-id",
            "mock-access-key-secret",
            TARGET,
            Some(&b""[..]),
            HttpMethod::GET,
        );
        parsed.respond(&context).unwrap().to_header_string()
    }

    fn cookie_pair(set_cookie: &str) -> &str {
        set_cookie.split(';').next().unwrap()
    }

    #[test]
    fn cookie_session_on_the_wire() {
        let server = MockServer::start(MockConfig {
            cookie_session: true,
            next_nonce: true,
            qop: MockQop::AuthInt,
            ..MockConfig::default()
        })
        .unwrap();
        let first = send(&server, &[]);
        assert_eq!(first.status, 401);
        let set_cookie = first.header("Set-Cookie").unwrap().to_owned();
        assert!(set_cookie.starts_with("OBMOCKSESSION="), "{set_cookie}");
        assert!(set_cookie.ends_with("; Path=/; HttpOnly"), "{set_cookie}");
        let authorization = sign(first.header("WWW-Authenticate").unwrap(), None);

        let without = send(&server, &[("Authorization", &authorization)]);
        assert_eq!(without.status, 401);
        let challenge = without.header("WWW-Authenticate").unwrap();
        assert!(!challenge.contains("stale"), "{challenge}");
        assert_ne!(without.header("Set-Cookie"), Some(set_cookie.as_str()));

        let cookie = format!("theme=dark; {}", cookie_pair(&set_cookie));
        let with = send(
            &server,
            &[("Authorization", &authorization), ("Cookie", &cookie)],
        );
        assert_eq!(with.status, 200);
        assert_eq!(with.header("Set-Cookie"), None);
        let info = with.header("Authentication-Info").unwrap();
        assert!(info.contains("qop=auth-int, rspauth=\""), "{info}");

        let recorded = server.requests();
        let statuses: Vec<u16> = recorded.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [401, 401, 200]);
        assert_eq!(recorded[0].cookie, None);
        assert_eq!(recorded[2].cookie.as_deref(), Some(cookie.as_str()));
        assert!(recorded[0].answer_header("set-cookie").is_some());
        assert_eq!(recorded[2].answer_header("Authentication-Info"), Some(info));
        assert!(!recorded.iter().any(RecordedRequest::answered_stale));
    }

    #[test]
    fn one_time_nonces_and_nc_check_on_the_wire() {
        let server = MockServer::start(MockConfig {
            one_time_nonces: true,
            next_nonce: true,
            ..MockConfig::default()
        })
        .unwrap();
        let challenge = send(&server, &[])
            .header("WWW-Authenticate")
            .unwrap()
            .to_owned();
        let authorization = sign(&challenge, None);
        let ok = send(&server, &[("Authorization", &authorization)]);
        assert_eq!(ok.status, 200);
        let info = ok.header("Authentication-Info").unwrap().to_owned();
        let again = send(&server, &[("Authorization", &authorization)]);
        assert_eq!(again.status, 401);
        assert!(server.requests()[2].answered_stale());
        // The next nonce is good.
        let next = info
            .split('"')
            .nth(1)
            .filter(|_| info.starts_with("nextnonce="))
            .unwrap();
        let authorization = sign(&challenge, Some(next));
        assert_eq!(
            send(&server, &[("Authorization", &authorization)]).status,
            200
        );

        let strict = MockServer::start(MockConfig {
            nc_check: true,
            ..MockConfig::default()
        })
        .unwrap();
        let challenge = send(&strict, &[])
            .header("WWW-Authenticate")
            .unwrap()
            .to_owned();
        let mut parsed = digest_auth::parse(&challenge).unwrap();
        let context = AuthContext::new("mock-access-key-id", "mock-access-key-secret", TARGET);
        let first = parsed.respond(&context).unwrap().to_header_string();
        let second = parsed.respond(&context).unwrap().to_header_string();
        assert_eq!(send(&strict, &[("Authorization", &second)]).status, 200);
        let overtaken = send(&strict, &[("Authorization", &first)]);
        assert_eq!(overtaken.status, 401);
        assert_eq!(overtaken.header("Authentication-Info"), None);
        assert!(!strict.requests()[2].answered_stale());
    }

    #[test]
    fn nc_order_400_answers_an_overtaken_count_with_an_empty_400() {
        let server = MockServer::start(MockConfig {
            nc_order_400: true,
            ..MockConfig::default()
        })
        .unwrap();
        let challenge = send(&server, &[])
            .header("WWW-Authenticate")
            .unwrap()
            .to_owned();
        let mut parsed = digest_auth::parse(&challenge).unwrap();
        let context = AuthContext::new("mock-access-key-id", "mock-access-key-secret", TARGET);
        let first = parsed.respond(&context).unwrap().to_header_string();
        let second = parsed.respond(&context).unwrap().to_header_string();
        assert_eq!(send(&server, &[("Authorization", &second)]).status, 200);
        let overtaken = send(&server, &[("Authorization", &first)]);
        assert_eq!(overtaken.status, 400);
        assert_eq!(overtaken.header("WWW-Authenticate"), None);
        assert_eq!(overtaken.header("Content-Length"), Some("0"));
        // A wrong password is still a 401 with a challenge.
        let wrong = AuthContext::new("mock-access-key-id", "wrong", TARGET);
        let refused = parsed.respond(&wrong).unwrap().to_header_string();
        assert_eq!(send(&server, &[("Authorization", &refused)]).status, 401);
    }
}
