//! What the mock answers to a request: routing, the success and error envelopes, the 401.

use jiff::{SignedDuration, Timestamp, Unit};
use serde_json::{json, Map, Value};

use super::fixtures::{healthy_instance, Fixture, FixtureSet};
use super::rejection::Rejection;
use super::tenants;

const LIST_PATH: &str = "/api/v2/instances";
const SSL_PATH_PREFIX: &str = "/api/v2/instances/";
/// The largest `pageSize` the instance list honours; larger ones are cut to it.
pub(crate) const MAX_PAGE_SIZE: usize = 100;
const DEFAULT_PAGE_SIZE: usize = 10;
const SSL_PATH_SUFFIX: &str = "/security/ssl";
const TENANTS_SUFFIX: &str = "/tenants";
const ADDRESS_INFO_SUFFIX: &str = "/address/info";
/// The page size of `address/info` when none is asked for (as the API documents).
const DEFAULT_ADDRESS_PAGE_SIZE: usize = 20;
const JSON: &str = "application/json; charset=utf-8";

/// A complete HTTP answer, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
    /// Extra headers (`WWW-Authenticate`, `Allow`).
    pub(crate) headers: Vec<(&'static str, String)>,
}

/// 401 with a Digest challenge; the plain-text body says why, for whoever debugs a client.
pub(crate) fn unauthorized(challenge: String, rejection: Rejection) -> Answer {
    Answer {
        status: 401,
        content_type: "text/plain; charset=utf-8",
        body: format!("401 Unauthorized: {}\n", rejection.explanation()),
        headers: vec![("WWW-Authenticate", challenge)],
    }
}

/// The answer to an authenticated request for `target` (path and query as received).
pub(crate) fn authenticated(method: &str, target: &str, fixtures: &FixtureSet) -> Answer {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let request_id = query_parameter(query, "requestId");
    let request_id_value = request_id.clone().map_or(Value::Null, Value::String);

    if path == LIST_PATH {
        return match (method, request_id) {
            ("GET", Some(request_id)) => instance_list(query, fixtures, request_id),
            ("GET", None) => missing_request_id(),
            _ => method_not_allowed(method, request_id_value),
        };
    }
    if let Some((instance_id, endpoint)) = tenant_endpoint(path) {
        return match (method, request_id) {
            ("GET", Some(request_id)) => {
                tenant_answer(&instance_id, endpoint, query, fixtures, request_id)
            }
            ("GET", None) => missing_request_id(),
            _ => method_not_allowed(method, request_id_value),
        };
    }
    let Some(instance_id) = ssl_instance_id(path) else {
        return error_envelope(
            404,
            "NotFound",
            "errorMessage",
            &format!("No API at {path}"),
            request_id_value,
        );
    };
    if method != "GET" {
        return method_not_allowed(method, request_id_value);
    }
    let Some(request_id) = request_id else {
        return missing_request_id();
    };
    match fixtures.get(&instance_id) {
        Some(fixture) => fixture_answer(&fixture, request_id),
        None => instance_not_found(&instance_id, request_id),
    }
}

fn method_not_allowed(method: &str, request_id: Value) -> Answer {
    let mut answer = error_envelope(
        405,
        "MethodNotAllowed",
        "errorMessage",
        &format!("Method {method} is not allowed here; use GET"),
        request_id,
    );
    answer.headers.push(("Allow", "GET".to_owned()));
    answer
}

/// One page of `GET /api/v2/instances`: `pageNumber` from 1 (default 1), `pageSize` default 10,
/// cut to [`MAX_PAGE_SIZE`]. Lists every fixture but the error ones (`mock-*`).
fn instance_list(query: &str, fixtures: &FixtureSet, request_id: String) -> Answer {
    let (page_number, page_size) = match paging(query, DEFAULT_PAGE_SIZE, &request_id) {
        Ok(paging) => paging,
        Err(answer) => return answer,
    };
    let (total, ids) = match query_parameter(query, "instanceId").filter(|id| !id.is_empty()) {
        // The `instanceId` filter (the provider's own reads depend on it): that instance
        // alone, when the mock answers for it.
        Some(id) => {
            let known = matches!(
                fixtures.get(&id),
                Some(Fixture::Data(_) | Fixture::Relative { .. })
            );
            let found: Vec<String> = if known { vec![id] } else { Vec::new() };
            let page = if page_number == 1 {
                found.clone()
            } else {
                Vec::new()
            };
            (found.len(), page)
        }
        None => fixtures.listed_page((page_number - 1).saturating_mul(page_size), page_size),
    };
    let page: Vec<Value> = ids
        .iter()
        .map(|id| {
            json!({
                "instanceId": id,
                "instanceName": fixtures.name_of(id),
                "cloudProvider": "ALIYUN",
                "state": "ONLINE"
            })
        })
        .collect();
    success(json!({ "total": total, "dataList": page }), request_id)
}

/// `pageNumber` (from 1, default 1) and `pageSize` (default `default_size`, cut to
/// [`MAX_PAGE_SIZE`]) of `query`, or the 400 answer to a value that is not a whole number of
/// at least 1.
fn paging(query: &str, default_size: usize, request_id: &str) -> Result<(usize, usize), Answer> {
    let number = |name: &str, default: usize| -> Result<usize, Answer> {
        match query_parameter(query, name) {
            None => Ok(default),
            Some(text) => match text.parse::<usize>() {
                Ok(n) if n >= 1 => Ok(n),
                _ => Err(error_envelope(
                    400,
                    "InvalidParameter",
                    "errorMessage",
                    &format!("{name} must be a whole number of at least 1, not {text:?}"),
                    Value::String(request_id.to_owned()),
                )),
            },
        }
    };
    Ok((
        number("pageNumber", 1)?,
        number("pageSize", default_size)?.min(MAX_PAGE_SIZE),
    ))
}

/// Which tenant endpoint of an instance a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TenantEndpoint {
    /// `/api/v2/instances/{id}/tenants`
    Tenants,
    /// `/api/v2/instances/{id}/address/info`
    AddressInfo,
}

/// The instance id (percent-decoded) and endpoint of a tenant endpoint's path.
pub(crate) fn tenant_endpoint(path: &str) -> Option<(String, TenantEndpoint)> {
    let rest = path.strip_prefix(SSL_PATH_PREFIX)?;
    let (encoded, endpoint) = if let Some(id) = rest.strip_suffix(TENANTS_SUFFIX) {
        (id, TenantEndpoint::Tenants)
    } else {
        (
            rest.strip_suffix(ADDRESS_INFO_SUFFIX)?,
            TenantEndpoint::AddressInfo,
        )
    };
    if encoded.is_empty() || encoded.contains('/') {
        return None;
    }
    Some((percent_decode(encoded, false), endpoint))
}

/// One page of an instance's tenants (`tenants`, page size default 10) or of their addresses
/// (`address/info`, page size default 20, `tenantIds` filtering); an instance whose SSL answer
/// is an error gets that error, an unknown one 404.
fn tenant_answer(
    instance_id: &str,
    endpoint: TenantEndpoint,
    query: &str,
    fixtures: &FixtureSet,
    request_id: String,
) -> Answer {
    if endpoint == TenantEndpoint::AddressInfo && instance_id == tenants::NO_ADDRESS_INFO {
        return error_envelope(
            404,
            "NotFound",
            "errorMessage",
            "No API at address/info for this account",
            Value::String(request_id),
        );
    }
    let entries = match fixtures.tenant_entries(instance_id) {
        Some(Ok(entries)) => entries,
        Some(Err(fixture)) => return fixture_answer(&fixture, request_id),
        None => return instance_not_found(instance_id, request_id),
    };
    let default_size = match endpoint {
        TenantEndpoint::Tenants => DEFAULT_PAGE_SIZE,
        TenantEndpoint::AddressInfo => DEFAULT_ADDRESS_PAGE_SIZE,
    };
    let (page_number, page_size) = match paging(query, default_size, &request_id) {
        Ok(paging) => paging,
        Err(answer) => return answer,
    };
    let entries = match endpoint {
        TenantEndpoint::Tenants => entries.iter().map(tenants::tenant_summary).collect(),
        TenantEndpoint::AddressInfo => {
            tenants::filter_by_ids(entries, query_parameter(query, "tenantIds").as_deref())
        }
    };
    let total = entries.len();
    let page: Vec<Value> = entries
        .into_iter()
        .skip((page_number - 1).saturating_mul(page_size))
        .take(page_size)
        .collect();
    // The account without address/info also leaves `total` out of its tenant list (no field
    // of the vendor's schema is required): a client pages on until a short page.
    if instance_id == tenants::NO_ADDRESS_INFO {
        return success(json!({ "dataList": page }), request_id);
    }
    success(json!({ "total": total, "dataList": page }), request_id)
}

fn instance_not_found(instance_id: &str, request_id: String) -> Answer {
    error_envelope(
        404,
        "InstanceNotFound",
        "errorMessage",
        &format!("Instance {instance_id} not found"),
        Value::String(request_id),
    )
}

fn missing_request_id() -> Answer {
    error_envelope(
        400,
        "InvalidParameter",
        "errorMessage",
        "Missing required query parameter requestId",
        Value::Null,
    )
}

fn fixture_answer(fixture: &Fixture, request_id: String) -> Answer {
    match fixture {
        Fixture::Data(data) => success(data.clone(), request_id),
        Fixture::Relative {
            instance_id,
            days,
            overrides,
        } => {
            let mut data = healthy_instance(instance_id, &rfc3339_days_from_now(*days));
            for (name, value) in overrides {
                data[*name] = value.clone();
            }
            success(data, request_id)
        }
        Fixture::ErrorEnvelope {
            status,
            error_code,
            message_field,
            message,
        } => error_envelope(
            *status,
            error_code,
            message_field,
            message,
            Value::String(request_id),
        ),
        Fixture::Raw {
            status,
            body,
            headers,
        } => Answer {
            headers: headers.clone(),
            ..json_answer(*status, body)
        },
        Fixture::HtmlPage => Answer {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\
                   <body><h1>Please sign in to continue</h1></body></html>\n"
                .to_owned(),
            headers: Vec::new(),
        },
    }
}

fn success(data: Value, request_id: String) -> Answer {
    let body = json!({ "data": data, "requestId": request_id, "success": true });
    json_answer(200, &body)
}

fn error_envelope(
    status: u16,
    error_code: &str,
    message_field: &str,
    message: &str,
    request_id: Value,
) -> Answer {
    let mut envelope = Map::new();
    envelope.insert("success".to_owned(), Value::Bool(false));
    envelope.insert("errorCode".to_owned(), Value::String(error_code.to_owned()));
    envelope.insert(message_field.to_owned(), Value::String(message.to_owned()));
    envelope.insert("requestId".to_owned(), request_id);
    json_answer(status, &Value::Object(envelope))
}

fn json_answer(status: u16, body: &Value) -> Answer {
    Answer {
        status,
        content_type: JSON,
        body: body.to_string(),
        headers: Vec::new(),
    }
}

/// `now + days`, to the second, as `2026-12-10T04:11:13Z`, plus a minute away from now (minus
/// one for a past date), so that a client reading it at once still sees whole days
/// ("in 3 days", "expired 2 days ago").
fn rfc3339_days_from_now(days: i64) -> String {
    let later = Timestamp::now()
        .checked_add(SignedDuration::from_secs(
            days * 86_400 + days.signum() * 60,
        ))
        .and_then(|t| t.round(Unit::Second))
        .unwrap_or(Timestamp::MAX);
    later.to_string()
}

/// The instance id of `/api/v2/instances/{id}/security/ssl`, percent-decoded.
pub(crate) fn ssl_instance_id(path: &str) -> Option<String> {
    let encoded = path
        .strip_prefix(SSL_PATH_PREFIX)?
        .strip_suffix(SSL_PATH_SUFFIX)?;
    if encoded.is_empty() || encoded.contains('/') {
        return None;
    }
    Some(percent_decode(encoded, false))
}

/// The first value of `name` in a query string, percent-decoded (`+` is a space).
pub(crate) fn query_parameter(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(key, _)| percent_decode(key, true) == name)
        .map(|(_, value)| percent_decode(value, true))
}

fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', high, low]) => hex_pair(*high, *low),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some(byte), _) => {
                decoded.push(byte);
                i += 3;
                continue;
            }
            (None, b'+') if plus_is_space => decoded.push(b' '),
            (None, other) => decoded.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

fn hex_pair(high: u8, low: u8) -> Option<u8> {
    let digit = |c: u8| (c as char).to_digit(16);
    Some((digit(high)? * 16 + digit(low)?) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(target: &str) -> Answer {
        authenticated("GET", target, &FixtureSet::builtin())
    }

    fn body(answer: &Answer) -> Value {
        serde_json::from_str(&answer.body).unwrap()
    }

    #[test]
    fn hostile_fixtures_are_served_but_never_listed() {
        use crate::fixtures::HOSTILE_TEXT;
        let fields = get("/api/v2/instances/hostile-fields/security/ssl?requestId=r");
        assert_eq!(body(&fields)["data"]["enableSSL"], HOSTILE_TEXT);
        let error = get("/api/v2/instances/hostile-error/security/ssl?requestId=r");
        assert_eq!(error.status, 400);
        assert_eq!(body(&error)["requestId"], HOSTILE_TEXT);
        let headers = get("/api/v2/instances/hostile-header-escape/security/ssl?requestId=r");
        assert!(headers.headers[0].1.contains('\u{1b}'));
        let list = get("/api/v2/instances?requestId=r&pageSize=100");
        assert!(!body(&list).to_string().contains("hostile-"));
        assert!(!FixtureSet::builtin()
            .ids()
            .iter()
            .any(|id| id.starts_with("hostile-")));
    }

    #[test]
    fn success_envelope_echoes_the_request_id() {
        let answer = get("/api/v2/instances/obxxx/security/ssl?requestId=abc-1");
        assert_eq!(answer.status, 200);
        assert!(
            answer.body.starts_with(r#"{"data":{"autoUpdate":"OPEN","#),
            "{}",
            answer.body
        );
        assert!(
            answer
                .body
                .ends_with(r#""requestId":"abc-1","success":true}"#),
            "{}",
            answer.body
        );
    }

    #[test]
    fn demo_certificate_expires_about_200_days_from_now() {
        let answer = get("/api/v2/instances/obcluster-demo/security/ssl?requestId=x");
        let valid_period = body(&answer)["data"]["validPeriod"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            valid_period.ends_with('Z') && !valid_period.contains('.'),
            "{valid_period}"
        );
        let expiry: Timestamp = valid_period.parse().unwrap();
        let days = expiry.duration_since(Timestamp::now()).as_hours() / 24;
        assert!((199..=200).contains(&days), "{days}");
    }

    #[test]
    fn unknown_ids_paths_and_methods() {
        let answer = get("/api/v2/instances/nope/security/ssl?requestId=r");
        assert_eq!(answer.status, 404);
        assert_eq!(
            answer.body,
            r#"{"success":false,"errorCode":"InstanceNotFound","errorMessage":"Instance nope not found","requestId":"r"}"#
        );
        assert_eq!(get("/api/v2/instances/x?requestId=r").status, 404);
        assert_eq!(get("/api/v2/instances/x/security?requestId=r").status, 404);
        assert_eq!(
            get("/api/v2/instances//security/ssl?requestId=r").status,
            404
        );
        let post = authenticated(
            "POST",
            "/api/v2/instances/obxxx/security/ssl?requestId=r",
            &FixtureSet::builtin(),
        );
        assert_eq!(post.status, 405);
        assert_eq!(post.headers, vec![("Allow", "GET".to_owned())]);
        assert_eq!(get("/api/v2/instances/obxxx/security/ssl").status, 400);
    }

    #[test]
    fn the_instance_list_pages_and_leaves_out_error_fixtures() {
        let fixtures = FixtureSet::builtin().with_generated(25);
        let page = |query: &str| {
            let answer = authenticated("GET", &format!("/api/v2/instances?{query}"), &fixtures);
            (answer.status, body(&answer))
        };
        let expected = fixtures.listed_ids();
        let mut seen = Vec::new();
        for n in 1.. {
            let (status, body) = page(&format!("requestId=r&pageNumber={n}&pageSize=7"));
            assert_eq!(status, 200);
            assert_eq!(body["data"]["total"], expected.len());
            let list = body["data"]["dataList"].as_array().unwrap().clone();
            if list.is_empty() {
                break;
            }
            assert!(list.len() <= 7);
            seen.extend(
                list.iter()
                    .map(|i| i["instanceId"].as_str().unwrap().to_owned()),
            );
        }
        assert_eq!(seen, expected);
        assert!(!seen.iter().any(|id| id.starts_with("mock-")));
        let (_, default_page) = page("requestId=r");
        assert_eq!(
            default_page["data"]["dataList"].as_array().unwrap().len(),
            10
        );
        let (_, big) = page("requestId=r&pageSize=1000");
        assert_eq!(
            big["data"]["dataList"].as_array().unwrap().len(),
            MAX_PAGE_SIZE.min(expected.len())
        );
        assert_eq!(page("requestId=r&pageNumber=0").0, 400);
        assert_eq!(page("requestId=r&pageSize=x").0, 400);
        assert_eq!(page("pageNumber=1").0, 400);
        assert_eq!(
            authenticated("POST", "/api/v2/instances?requestId=r", &fixtures).status,
            405
        );
    }

    #[test]
    fn tenants_and_their_addresses_page_and_follow_the_instance() {
        let given = (1..=25)
            .map(|n| format!("obxxx=127.0.0.1:{}", 5000 + n).parse().unwrap())
            .collect();
        let fixtures = FixtureSet::builtin().with_tenants(tenants::TenantSet::new(given));
        let get = |target: &str| {
            let answer = authenticated("GET", target, &fixtures);
            (answer.status, body(&answer))
        };
        let (status, page) = get("/api/v2/instances/obxxx/address/info?requestId=r");
        assert_eq!(status, 200);
        assert_eq!(page["data"]["total"], 25);
        assert_eq!(page["data"]["dataList"].as_array().unwrap().len(), 20);
        let (_, last) =
            get("/api/v2/instances/obxxx/address/info?requestId=r&pageNumber=2&pageSize=20");
        let last = last["data"]["dataList"].as_array().unwrap().clone();
        assert_eq!(last.len(), 5);
        assert_eq!(last[4]["tenantConnections"][0]["intranetPort"], 5025);
        let (_, one) = get("/api/v2/instances/obxxx/address/info?requestId=r&tenantIds=t3");
        assert_eq!(one["data"]["dataList"][0]["tenantName"], "app3");
        let (_, tenants) = get("/api/v2/instances/obxxx/tenants?requestId=r");
        assert_eq!(tenants["data"]["total"], 25);
        assert_eq!(tenants["data"]["dataList"].as_array().unwrap().len(), 10);
        assert_eq!(tenants["data"]["dataList"][0]["tenantMode"], "MySQL");
        // The tenant list carries the connections too (TenantDTO.tenantConnections).
        assert_eq!(
            tenants["data"]["dataList"][0]["tenantConnections"][0]["intranetPort"],
            5001
        );
        // The instance list's instanceId filter: that instance alone, or none.
        let (_, one) = get("/api/v2/instances?requestId=r&instanceId=obcluster-demo");
        assert_eq!(one["data"]["total"], 1);
        assert_eq!(one["data"]["dataList"][0]["instanceId"], "obcluster-demo");
        let (_, none) = get("/api/v2/instances?requestId=r&instanceId=obnope");
        assert_eq!(none["data"]["total"], 0);
        // The account without address/info: 404 with the error envelope, the list serves.
        let id = super::tenants::NO_ADDRESS_INFO;
        let (status, body) = get(&format!("/api/v2/instances/{id}/address/info?requestId=r"));
        assert_eq!(status, 404);
        assert_eq!(body["errorCode"], "NotFound");
        assert!(body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("address/info"));
        assert_eq!(
            get(&format!("/api/v2/instances/{id}/tenants?requestId=r")).0,
            200
        );
        // The instance's own answer decides: unknown 404, an error fixture its error.
        assert_eq!(get("/api/v2/instances/nope/tenants?requestId=r").0, 404);
        assert_eq!(
            get("/api/v2/instances/mock-server-error/address/info?requestId=r").0,
            500
        );
        assert_eq!(get("/api/v2/instances/obxxx/tenants").0, 400);
        assert_eq!(
            get("/api/v2/instances/obxxx/tenants?requestId=r&pageSize=0").0,
            400
        );
        assert_eq!(
            authenticated(
                "POST",
                "/api/v2/instances/obxxx/tenants?requestId=r",
                &fixtures
            )
            .status,
            405
        );
        assert_eq!(
            tenant_endpoint("/api/v2/instances/ob%2Dx/address/info"),
            Some(("ob-x".to_owned(), TenantEndpoint::AddressInfo))
        );
        assert_eq!(tenant_endpoint("/api/v2/instances/a/b/tenants"), None);
    }

    #[test]
    fn check_fixtures_are_dated_relative_to_now() {
        let days_left = |id: &str| {
            let answer = get(&format!("/api/v2/instances/{id}/security/ssl?requestId=x"));
            let expiry: Timestamp = body(&answer)["data"]["validPeriod"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            expiry.duration_since(Timestamp::now()).as_secs_f64() / 86_400.0
        };
        assert!((2.99..=3.01).contains(&days_left("obcluster-expiring-soon")));
        assert!((19.99..=20.01).contains(&days_left("obcluster-expiring-warn")));
        assert!((-2.01..=-1.99).contains(&days_left("obcluster-expired")));
        let data = |id: &str| {
            body(&get(&format!(
                "/api/v2/instances/{id}/security/ssl?requestId=x"
            )))["data"]
                .clone()
        };
        assert_eq!(data("obcluster-ssl-off")["enableSSL"], "CLOSE");
        assert_eq!(data("obcluster-not-forced")["forceSSL"], "CLOSE");
        assert_eq!(data("obcluster-no-auto-update")["autoUpdate"], "CLOSE");
        assert_eq!(data("obcluster-bad-date")["validPeriod"], "not a date");
        assert_eq!(data("obcluster-cert-invalid")["certValid"], false);
        assert_eq!(
            data("obcluster-cert-invalid")["instanceId"],
            "obcluster-cert-invalid"
        );
    }

    #[test]
    fn query_and_path_are_percent_decoded() {
        assert_eq!(
            query_parameter("a=1&requestId=x%2Fy+z", "requestId").as_deref(),
            Some("x/y z")
        );
        assert_eq!(
            query_parameter("requestId", "requestId").as_deref(),
            Some("")
        );
        assert_eq!(query_parameter("other=1", "requestId"), None);
        assert_eq!(
            ssl_instance_id("/api/v2/instances/ob%2Dx/security/ssl").as_deref(),
            Some("ob-x")
        );
        assert_eq!(percent_decode("100%", false), "100%");
        assert_eq!(percent_decode("%zz%4", false), "%zz%4");
    }
}
