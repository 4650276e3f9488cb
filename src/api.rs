//! The SSL status endpoint, the instance list and the tenants' addresses
//! (`tenants`): request targets, input validation, and reading the answer envelope.
//!
//! Calls go through an [`Api`]: the HTTP client, plus the command layer's way
//! of telling the user about a failure to get an answer at all.

use crate::client::envelope::is_api_envelope;
use crate::client::{ApiClient, HttpAnswer, TransportError};
use crate::error::{ApiFailure, Error, Result};
use crate::sanitize::shown;
use serde_json::{Map, Value};
use std::time::{Duration, Instant};

mod answer;
pub mod tenants;

pub use answer::interpret_envelope;

/// Turns a transport failure about a subject ("instance obxxx", "the
/// instance list (page 1)") into the user-facing error. The command layer
/// supplies it: its hints name command-line flags, which this layer does not
/// know.
pub type ExplainFailure = Box<dyn Fn(TransportError, &str) -> Error + Send + Sync>;

/// The OceanBase Cloud API as a run reaches it: one [`ApiClient`] for every
/// call, and how its transport failures are told.
pub struct Api {
    client: ApiClient,
    explain: ExplainFailure,
    /// Counts the calls by outcome, when asked for (`obssl exporter`).
    calls: Option<std::sync::Arc<CallCounts>>,
}

/// How many calls (an instance's SSL status, a page of the instance list)
/// ended how: `success`, or the kind of error ([`ErrorKind::as_str`]).
#[derive(Debug, Default)]
pub struct CallCounts {
    success: std::sync::atomic::AtomicU64,
    failed: [std::sync::atomic::AtomicU64; CALL_ERROR_KINDS.len()],
}

/// The error kinds [`CallCounts`] tells apart.
const CALL_ERROR_KINDS: [crate::error::ErrorKind; 6] = {
    use crate::error::ErrorKind::*;
    [Auth, Api, Network, Config, Usage, Internal]
};

impl CallCounts {
    fn record<T>(&self, result: &Result<T>) {
        use std::sync::atomic::Ordering::Relaxed;
        let counter = match result {
            Ok(_) => &self.success,
            Err(e) => {
                let i = CALL_ERROR_KINDS.iter().position(|k| *k == e.kind);
                &self.failed[i.unwrap_or(CALL_ERROR_KINDS.len() - 1)]
            }
        };
        counter.fetch_add(1, Relaxed);
    }

    /// Each outcome and its count so far, `success` first.
    pub fn snapshot(&self) -> Vec<(&'static str, u64)> {
        use std::sync::atomic::Ordering::Relaxed;
        std::iter::once(("success", self.success.load(Relaxed)))
            .chain(
                CALL_ERROR_KINDS
                    .iter()
                    .zip(&self.failed)
                    .map(|(kind, n)| (kind.as_str(), n.load(Relaxed))),
            )
            .collect()
    }
}

impl Api {
    pub fn new(client: ApiClient, explain: ExplainFailure) -> Api {
        Api {
            client,
            explain,
            calls: None,
        }
    }

    /// A run ended: see [`ApiClient::end_run`].
    pub fn end_run(&self) {
        self.client.end_run();
    }

    /// Counts every call's outcome in `calls`.
    pub fn with_call_counts(self, calls: std::sync::Arc<CallCounts>) -> Api {
        Api {
            calls: Some(calls),
            ..self
        }
    }

    fn count<T>(&self, result: &Result<T>) {
        if let Some(calls) = &self.calls {
            calls.record(result);
        }
    }

    /// Bounds every call by one deadline (see [`ApiClient::with_time_limit`]).
    pub fn with_time_limit(self, started: Instant, limit: Duration) -> Api {
        Api {
            client: self.client.with_time_limit(started, limit),
            ..self
        }
    }

    /// Whether later calls are signed pre-emptively (see [`ApiClient::has_challenge`]).
    pub fn has_challenge(&self) -> bool {
        self.client.has_challenge()
    }

    /// Opens `extra` connections along with the next one (see [`ApiClient::preconnect`]).
    pub fn preconnect(&self, extra: usize) {
        self.client.preconnect(extra);
    }

    /// GETs `path` (path and query, under the endpoint) about `subject`.
    fn get(&self, path: &str, subject: &str) -> Result<HttpAnswer> {
        let endpoint = &self.client.config().endpoint;
        let target = endpoint.target(path);
        let answer = self
            .client
            .get(&target)
            .map_err(|e| (self.explain)(e, subject))?;
        if answer.status == 404 && !is_api_envelope(&answer.body) {
            return Err(Error::api(
                format!(
                    "the endpoint {endpoint} answered HTTP 404 for {subject} without the API's \
                     error envelope: the URL does not look like the OceanBase Cloud API"
                ),
                ApiFailure::without_envelope(404, request_id_in(path)).because("not the API"),
            )
            .with_hint(
                "check --endpoint (or OBSSL_ENDPOINT, OBSSL_SITE, the profile's endpoint): \
                 give the base URL alone, such as https://api-cloud.oceanbase.com",
            ));
        }
        Ok(answer)
    }
}

/// The `requestId` query parameter of a request target built here.
fn request_id_in(path: &str) -> &str {
    path.split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("requestId="))
        .unwrap_or("")
}

/// The `data` object of a successful answer, every field as the API sent it,
/// in the API's order.
pub type SslStatus = Map<String, Value>;

/// The fields of the SSL answer that obssl knows, in display order, with the
/// label shown in tables.
pub const KNOWN_FIELDS: [(&str, &str); 10] = [
    ("instanceId", "Instance ID"),
    ("status", "SSL status"),
    ("enableSSL", "SSL enabled"),
    ("forceSSL", "SSL enforced"),
    ("forceSSLSupport", "Enforcement supported"),
    ("certValid", "Certificate valid"),
    ("validPeriod", "Certificate expires"),
    ("autoUpdate", "Certificate auto-update"),
    ("certificationType", "Certificate type"),
    ("caUrl", "CA certificate URL"),
];

/// Checks an instance id before it goes into a URL path: not empty, and only
/// characters a path segment holds as they are (RFC 3986 `pchar` without `%`):
/// letters, digits and `-._~!$&'()*+,;=:@`. So none of `/ ? # %`, whitespace,
/// control or non-ASCII characters, nor `< > { } " \ | ^` and the backtick.
pub fn validate_instance_id(id: &str) -> Result<()> {
    let problem = if id.is_empty() {
        Some("it is empty".to_string())
    } else if id == "." || id == ".." {
        // A path segment of dots would climb: /api/v2/instances/../security/ssl.
        Some("`.` and `..` are not instance ids".to_string())
    } else {
        id.chars().find_map(|c| match c {
            '/' | '?' | '#' | '%' => Some(format!("it contains `{c}`")),
            c if c.is_whitespace() => Some("it contains whitespace".to_string()),
            c if c.is_control() => Some(format!("it contains the control character {c:?}")),
            c if !c.is_ascii() => Some(format!("it contains the non-ASCII character {c:?}")),
            c if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c) => None,
            c => Some(format!(
                "it contains `{c}`, which cannot stand in a URL path"
            )),
        })
    };
    match problem {
        None => Ok(()),
        Some(why) => Err(
            Error::usage(format!("invalid instance id \"{}\": {why}", shown(id)))
                .with_hint("give the cluster id as shown in the console, e.g. obcluster-xxxx"),
        ),
    }
}

/// Checks a caller-chosen request id: it is sent verbatim in the query string
/// and signed, so it is limited to URL-safe characters.
pub fn validate_request_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'));
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!("invalid request id {id:?}"))
            .with_hint("use 1 to 128 characters from A-Z a-z 0-9 - _ . ~ (a UUID works)"))
    }
}

/// A fresh request id (UUID v4).
pub fn new_request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The API path and query of the SSL status of `instance_id`.
pub fn ssl_path(instance_id: &str, request_id: &str) -> String {
    format!("/api/v2/instances/{instance_id}/security/ssl?requestId={request_id}")
}

/// Instances asked for per page of the instance list.
pub const LIST_PAGE_SIZE: usize = 100;

/// The instance list is abandoned after this many pages (a server that never
/// ends must not keep obssl busy forever).
pub const MAX_LIST_PAGES: usize = 1000;

/// The API path and query of one page (from 1) of the instance list.
pub fn list_path(request_id: &str, page_number: usize, page_size: usize) -> String {
    format!(
        "/api/v2/instances?requestId={request_id}&pageNumber={page_number}&pageSize={page_size}"
    )
}

/// Resolves a `--field` name (case-insensitive) to the API's spelling.
pub fn resolve_field_name(name: &str) -> Result<&'static str> {
    KNOWN_FIELDS
        .iter()
        .map(|(api_name, _)| *api_name)
        .find(|api_name| api_name.eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| {
            let names: Vec<&str> = KNOWN_FIELDS.iter().map(|(n, _)| *n).collect();
            Error::usage(format!("unknown field `{name}`"))
                .with_hint(format!("valid fields: {}", names.join(", ")))
        })
}

/// Fetches the SSL status of one instance.
///
/// Every id the user typed was validated before any request (see
/// [`crate::selection`]): an id that fails validation here came from the
/// instance list, and is that instance's error, an API error (exit 5), not a
/// usage error.
pub fn fetch_ssl_status(api: &Api, instance_id: &str, request_id: &str) -> Result<SslStatus> {
    let result = read_ssl_status(api, instance_id, request_id);
    api.count(&result);
    result
}

fn read_ssl_status(api: &Api, instance_id: &str, request_id: &str) -> Result<SslStatus> {
    validate_instance_id(instance_id).map_err(|e| {
        Error::api(
            format!(
                "the instance list named an id obssl cannot query: {}",
                e.message
            ),
            ApiFailure::without_envelope(200, request_id).because("invalid id listed"),
        )
        .with_hint("the API listed it; report it to OceanBase Cloud support")
    })?;
    let subject = format!("instance {instance_id}");
    let answer = api.get(&ssl_path(instance_id, request_id), &subject)?;
    interpret_envelope(answer, &subject, request_id)
}

/// The most instances `--all` reads: the listing's own limit (1,000 pages
/// of 100). An account that says it has more is an error, not a 2 GB run.
pub const MAX_LISTED_INSTANCES: u64 = (MAX_LIST_PAGES * LIST_PAGE_SIZE) as u64;

/// What page 1 of the instance list (`GET /api/v2/instances`) says of the
/// rest: the last page its `data.total` announces (the others are then read
/// concurrently, see [`crate::fleet`]), or an API error when `total` is
/// above [`MAX_LISTED_INSTANCES`]. Reading stops at an empty page or once
/// `total` ids were read; fewer ids than `total` said (the account changed
/// while it was read) and reading goes on one page at a time, at most
/// [`MAX_LIST_PAGES`] pages ([`listing_did_not_end`]).
pub fn announced_pages(total: u64, request_id: &str) -> Result<usize> {
    if total > MAX_LISTED_INSTANCES {
        return Err(Error::api(
            format!(
                "the instance list says the account has {total} instances; --all reads at most {MAX_LISTED_INSTANCES} ({MAX_LIST_PAGES} pages of {LIST_PAGE_SIZE})"
            ),
            ApiFailure::without_envelope(200, request_id),
        )
        .with_hint("name the instances with arguments or --file instead of --all"));
    }
    Ok(usize::try_from(total.div_ceil(LIST_PAGE_SIZE as u64))
        .unwrap_or(MAX_LIST_PAGES)
        .min(MAX_LIST_PAGES))
}

/// The error of an instance list still not ended after [`MAX_LIST_PAGES`].
pub fn listing_did_not_end(request_id: &str) -> Error {
    Error::api(
        format!(
            "the instance list did not end after {MAX_LIST_PAGES} pages of {LIST_PAGE_SIZE}; giving up"
        ),
        ApiFailure::without_envelope(200, request_id),
    )
    .with_hint("name the instances with arguments or --file instead of --all")
}

/// Page `number` of the instance list, no longer than the `pageSize` asked.
pub fn list_page(api: &Api, request_id: &str, number: usize) -> Result<InstancePage> {
    let result = read_list_page(api, request_id, number);
    api.count(&result);
    result
}

fn read_list_page(api: &Api, request_id: &str, number: usize) -> Result<InstancePage> {
    let subject = format!("the instance list (page {number})");
    let answer = api.get(&list_path(request_id, number, LIST_PAGE_SIZE), &subject)?;
    let page = parse_instance_page(answer, &subject, request_id)?;
    if page.ids.len() > LIST_PAGE_SIZE {
        return Err(Error::api(
            format!(
                "the API answer for {subject} lists {} instances, more than the {LIST_PAGE_SIZE} asked for (pageSize)",
                page.ids.len()
            ),
            ApiFailure::without_envelope(200, request_id),
        )
        .with_hint("check that --endpoint points at the OceanBase Cloud API"));
    }
    Ok(page)
}

/// One page of the instance list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstancePage {
    /// `data.total`: how many instances the account has in all.
    pub total: u64,
    /// The `instanceId` of every entry of `data.dataList`, in order.
    pub ids: Vec<String>,
    /// The `instanceName` of each entry (as `ids`, in order): `None` when it
    /// is missing, empty, not a string or the id itself (a name only
    /// decorates an id).
    pub names: Vec<Option<String>>,
}

/// Reads one page of the instance list about `subject` ("the instance list
/// (page 2)"): the envelope as [`interpret_envelope`] does, then `data.total`
/// (a whole number, or a string holding one) and `data.dataList` (an array of
/// objects, each with a string `instanceId`, and maybe an `instanceName`).
/// Anything else is an API error.
pub fn parse_instance_page(
    answer: HttpAnswer,
    subject: &str,
    request_id: &str,
) -> Result<InstancePage> {
    let status = answer.status;
    let data = interpret_envelope(answer, subject, request_id)?;
    let malformed = |what: &str| {
        Error::api(
            format!("the API answer for {subject} {what}"),
            ApiFailure::without_envelope(status, request_id).because("malformed answer"),
        )
        .with_hint("check that --endpoint points at the OceanBase Cloud API")
    };
    let total =
        whole_number(data.get("total")).ok_or_else(|| malformed("has no whole-number `total`"))?;
    let Some(Value::Array(list)) = data.get("dataList") else {
        return Err(malformed("has no `dataList` array"));
    };
    let ids = list
        .iter()
        .map(|item| match item.get("instanceId") {
            Some(Value::String(id)) => Ok(id.clone()),
            _ => Err(malformed("lists an instance without an `instanceId`")),
        })
        .collect::<Result<Vec<String>>>()?;
    let names = list
        .iter()
        .zip(&ids)
        .map(|(item, id)| match item.get("instanceName") {
            Some(Value::String(name)) if !name.is_empty() && name != id => Some(name.clone()),
            _ => None,
        })
        .collect();
    Ok(InstancePage { total, ids, names })
}

/// A whole number as the API writes one: a JSON number, or a string holding one.
fn whole_number(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_name_is_kept_unless_missing_empty_odd_or_the_id_itself() {
        let body = serde_json::json!({"success": true, "requestId": "r", "data": {"total": 5,
        "dataList": [
            {"instanceId": "ob-a", "instanceName": "orders"},
            {"instanceId": "ob-b"},
            {"instanceId": "ob-c", "instanceName": ""},
            {"instanceId": "ob-d", "instanceName": 7},
            {"instanceId": "ob-e", "instanceName": "ob-e"},
        ]}});
        let answer = HttpAnswer::new(200, body.to_string().into_bytes(), None);
        let page = parse_instance_page(answer, "the instance list (page 1)", "r").unwrap();
        assert_eq!(page.ids, ["ob-a", "ob-b", "ob-c", "ob-d", "ob-e"]);
        assert_eq!(
            page.names,
            [Some("orders".to_string()), None, None, None, None]
        );
    }

    /// The answer about instance `id`, as `fetch_ssl_status` reads it.
    fn interpret_answer(answer: HttpAnswer, id: &str, request_id: &str) -> Result<SslStatus> {
        interpret_envelope(answer, &format!("instance {id}"), request_id)
    }
    use crate::error::ErrorKind;

    fn answer(status: u16, body: &str) -> HttpAnswer {
        HttpAnswer::new(status, body.as_bytes().to_vec(), None)
    }

    #[test]
    fn instance_ids_that_would_change_the_url_are_refused() {
        for bad in [
            "", "a/b", "a?b", "a#b", "a%2f", "a b", "a\tb", "a\u{7f}", "obé", "../x", ".", "..",
        ] {
            let e = validate_instance_id(bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Usage, "{bad:?}");
        }
        for ok in [
            "obcluster-xxxx",
            "obxxx",
            "t4louaeei****",
            "ob_1.2~x",
            "...",
            ".a",
        ] {
            validate_instance_id(ok).unwrap();
        }
    }

    #[test]
    fn request_ids_are_url_safe() {
        validate_request_id("dc302d76-66b5-48d8-ab53-a035").unwrap();
        for bad in ["", "a b", "a&b=c", "é", &"x".repeat(129)] {
            assert!(validate_request_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn field_names_are_case_insensitive_and_unknown_ones_list_the_valid() {
        assert_eq!(resolve_field_name("ENABLESSL").unwrap(), "enableSSL");
        assert_eq!(resolve_field_name("validperiod").unwrap(), "validPeriod");
        let e = resolve_field_name("expiry").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Usage);
        assert!(e.hint.unwrap().contains("validPeriod"));
    }

    #[test]
    fn success_requires_200_success_true_and_data() {
        let ok = interpret_answer(
            answer(
                200,
                r#"{"data":{"b":1,"a":2},"success":true,"requestId":"r"}"#,
            ),
            "i",
            "r",
        )
        .unwrap();
        assert_eq!(
            ok.keys().collect::<Vec<_>>(),
            ["b", "a"],
            "API order is kept"
        );
        for (status, body) in [
            (
                200,
                r#"{"success":false,"errorCode":"E1","errorMessage":"m"}"#,
            ),
            (200, r#"{"success":"true","data":{}}"#),
            (200, r#"{"success":true}"#),
            (200, r#"{"success":true,"data":[1]}"#),
            (
                404,
                r#"{"success":false,"errorCode":"NotFound","message":"gone","requestId":"srv"}"#,
            ),
            (500, "<html>oops</html>"),
            (200, ""),
            (302, ""),
        ] {
            let e = interpret_answer(answer(status, body), "i", "r").unwrap_err();
            assert_eq!(e.kind, ErrorKind::Api, "{status} {body}");
            assert_eq!(e.api.as_ref().unwrap().status, status);
        }
        let e = interpret_answer(
            answer(
                404,
                r#"{"success":false,"errorCode":"NotFound","message":"gone","requestId":"srv"}"#,
            ),
            "i",
            "r",
        )
        .unwrap_err();
        let api = e.api.unwrap();
        assert_eq!(api.message.as_deref(), Some("gone"));
        assert_eq!(api.request_id.as_deref(), Some("srv"));
    }

    #[test]
    fn only_a_json_object_with_success_or_error_code_is_the_api_envelope() {
        assert!(is_api_envelope(br#"{"success":false,"errorCode":"X"}"#));
        assert!(is_api_envelope(br#"{"errorCode":"NotFound"}"#));
        assert!(!is_api_envelope(b"<html>404 Not Found</html>"));
        assert!(!is_api_envelope(br#"{"error":"not found"}"#));
        assert!(!is_api_envelope(b""));
        assert_eq!(
            request_id_in("/api/v2/instances/x/security/ssl?requestId=r1"),
            "r1"
        );
        assert_eq!(
            request_id_in("/api/v2/instances?requestId=r2&pageNumber=1"),
            "r2"
        );
    }

    #[test]
    fn redirects_name_the_target_host() {
        let mut a = answer(301, "");
        a.location = Some("https://elsewhere.example/x".into());
        let e = interpret_answer(a, "i", "r").unwrap_err();
        assert!(e.message.contains("elsewhere.example"), "{}", e.message);
        assert!(e.message.contains("301"));
    }
}
