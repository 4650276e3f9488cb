//! The tenants of an instance and their connection addresses
//! (`GET /api/v2/instances/{id}/address/info`), for probing the wire.
//!
//! The nesting of addresses inside an `address/info` tenant entry is not published (see the API
//! notes, "Tenant addresses"). Read here: each tenant entry's `tenantConnections[]` (any key
//! case, as the sibling Alibaba API spells it `TenantConnections`), or, when it has none, the
//! same fields flat on the tenant entry. A connection gives up to two addresses, intranet then
//! internet; one without a host (missing, `null` or `""`, as the API leaves an internet address
//! never opened) is not an address. Unknown fields are ignored. A value no server should send
//! (a port outside 1..=65535, a host name too long or holding anything but letters, digits and
//! `-._:`, a tenant without an id) makes the whole answer an API error naming the tenant and
//! the field: probing a host the API did not mean is worse than probing nothing.

use super::{interpret_envelope, new_request_id, Api};
use crate::client::HttpAnswer;
use crate::error::{ApiFailure, Error, Result};
use crate::sanitize::shown;
use serde_json::{Map, Value};

/// Which address of a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    Intranet,
    Internet,
}

impl Network {
    /// `intranet` or `internet`, as in JSON and the Prometheus `network` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Intranet => "intranet",
            Network::Internet => "internet",
        }
    }

    /// The API's prefix of this network's fields: `intranet` (`intranetAddress`, ...).
    fn field_prefix(self) -> &'static str {
        self.as_str()
    }
}

/// One connection address of one tenant, as the API lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TenantAddress {
    pub tenant_id: String,
    pub tenant_name: String,
    /// `MySQL` / `Oracle` (`tenantCompatibilityMode`, or `tenantMode`).
    pub tenant_mode: Option<String>,
    /// `MASTER` / `READONLY` / ...
    pub address_type: Option<String>,
    pub network: Network,
    pub host: String,
    pub port: u16,
    /// `ONLINE` / `CLOSED` / ... (`intranetAddressStatus`, or `addressStatus`).
    pub status: Option<String>,
    /// `useSSL`.
    pub use_ssl: Option<bool>,
}

impl TenantAddress {
    /// Whether the API says the address is online (`ONLINE`, any case; no status at all counts
    /// as online: nothing says otherwise).
    pub fn is_online(&self) -> bool {
        self.status
            .as_deref()
            .is_none_or(|status| status.eq_ignore_ascii_case("ONLINE"))
    }
}

/// Tenants asked for per page of `address/info` (the API's documented default).
pub const ADDRESS_PAGE_SIZE: usize = 20;

/// The most tenants one instance may list: more is an API error, not a long run.
pub const MAX_TENANTS: u64 = 2_000;

/// Pages of `address/info` read at most (a server that never ends must not keep obssl busy).
pub const MAX_ADDRESS_PAGES: usize = MAX_TENANTS as usize / ADDRESS_PAGE_SIZE;

/// The longest host name accepted (RFC 1035's 253 characters of a name in text).
pub const MAX_HOST_LEN: usize = 253;

/// The API path and query of one page (from 1) of the tenant addresses of `instance_id`.
pub fn address_info_path(
    instance_id: &str,
    request_id: &str,
    page_number: usize,
    page_size: usize,
) -> String {
    format!(
        "/api/v2/instances/{instance_id}/address/info?requestId={request_id}&pageNumber={page_number}&pageSize={page_size}"
    )
}

impl Api {
    /// Every address of every tenant of the instance (all pages), in API order.
    ///
    /// One request id for every page (`request_id`, or a fresh one). Reading stops at an
    /// empty page or once `data.total` tenants were read, and gives up after
    /// [`MAX_ADDRESS_PAGES`]; a `total` above [`MAX_TENANTS`] or a page longer than asked
    /// for is an API error.
    pub fn tenant_addresses(
        &self,
        instance_id: &str,
        request_id: Option<&str>,
    ) -> Result<Vec<TenantAddress>> {
        super::validate_instance_id(instance_id)?;
        let request_id = request_id.map_or_else(new_request_id, str::to_owned);
        let mut addresses = Vec::new();
        let mut tenants_read: u64 = 0;
        for number in 1..=MAX_ADDRESS_PAGES {
            let subject = format!("the tenant addresses of instance {instance_id} (page {number})");
            let path = address_info_path(instance_id, &request_id, number, ADDRESS_PAGE_SIZE);
            let answer = self.get(&path, &subject)?;
            let page = parse_address_page(answer, &subject, &request_id)?;
            tenants_read += page.tenants as u64;
            addresses.extend(page.addresses);
            if page.tenants == 0 || tenants_read >= page.total {
                return Ok(addresses);
            }
        }
        Err(Error::api(
            format!(
                "the tenant addresses of instance {instance_id} did not end after {MAX_ADDRESS_PAGES} pages of {ADDRESS_PAGE_SIZE}; giving up"
            ),
            ApiFailure::without_envelope(200, &request_id),
        )
        .with_hint("name the addresses with --address instead"))
    }
}

/// One page of `address/info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressPage {
    /// `data.total`: how many tenants the instance has in all.
    pub total: u64,
    /// How many tenant entries this page held.
    pub tenants: usize,
    /// Their addresses, in order.
    pub addresses: Vec<TenantAddress>,
}

/// Reads one page of `address/info` about `subject`: the envelope as [`interpret_envelope`]
/// does, then `data.total` (a whole number or a string holding one; missing: the page's own
/// count) and `data.dataList[]`, each entry as the module documentation says.
pub fn parse_address_page(
    answer: HttpAnswer,
    subject: &str,
    request_id: &str,
) -> Result<AddressPage> {
    let status = answer.status;
    let data = interpret_envelope(answer, subject, request_id)?;
    let malformed = |what: String| {
        Error::api(
            format!("the API answer for {subject} {what}"),
            ApiFailure::without_envelope(status, request_id),
        )
        .with_hint("check that --endpoint points at the OceanBase Cloud API; name the addresses with --address meanwhile")
    };
    let Some(Value::Array(list)) = data.get("dataList") else {
        return Err(malformed("has no `dataList` array".into()));
    };
    if list.len() > ADDRESS_PAGE_SIZE {
        return Err(malformed(format!(
            "lists {} tenants, more than the {ADDRESS_PAGE_SIZE} asked for (pageSize)",
            list.len()
        )));
    }
    let total = match data.get("total") {
        None | Some(Value::Null) => Some(list.len() as u64),
        total => super::whole_number(total),
    }
    .ok_or_else(|| malformed("has no whole-number `total`".into()))?;
    if total > MAX_TENANTS {
        return Err(malformed(format!(
            "says the instance has {total} tenants; obssl reads at most {MAX_TENANTS}"
        )));
    }
    let mut addresses = Vec::new();
    for (index, entry) in list.iter().enumerate() {
        let Value::Object(entry) = entry else {
            return Err(malformed(format!(
                "lists a tenant (entry {}) that is not an object",
                index + 1
            )));
        };
        tenant_entry_addresses(entry, &mut addresses).map_err(&malformed)?;
    }
    Ok(AddressPage {
        total,
        tenants: list.len(),
        addresses,
    })
}

/// The value of `key` in `object`: the exact spelling, else any case (`TenantConnections`).
fn field<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, value)| value)
    })
}

/// A text field: a string (trimmed; empty is absent), or a number or bool written out.
fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    match field(object, key)? {
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `useSSL`: a bool, or the strings `true`/`false` (any case).
fn flag(object: &Map<String, Value>, key: &str) -> Option<bool> {
    match field(object, key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// Adds the addresses of one tenant entry; the error says what is wrong, for "the API answer
/// for ... " to lead.
fn tenant_entry_addresses(
    entry: &Map<String, Value>,
    addresses: &mut Vec<TenantAddress>,
) -> std::result::Result<(), String> {
    let tenant_id = match field(entry, "tenantId") {
        Some(Value::String(id)) if !id.trim().is_empty() => id.trim().to_owned(),
        _ => return Err("lists a tenant without a `tenantId`".into()),
    };
    let tenant_name = text(entry, "tenantName").unwrap_or_else(|| tenant_id.clone());
    for (what, value) in [("tenantId", &tenant_id), ("tenantName", &tenant_name)] {
        if value.len() > 512 || value.chars().any(char::is_control) {
            return Err(format!(
                "lists a tenant whose `{what}` {} is over 512 bytes long or holds control characters",
                shown(&value.chars().take(64).collect::<String>())
            ));
        }
    }
    let tenant_mode = text(entry, "tenantCompatibilityMode").or_else(|| text(entry, "tenantMode"));
    let flat = [entry];
    let nested: Vec<&Map<String, Value>>;
    let connections: &[&Map<String, Value>] = match field(entry, "tenantConnections") {
        Some(Value::Array(list)) => {
            nested = list
                .iter()
                .map(|c| match c {
                    Value::Object(c) => Ok(c),
                    _ => Err(format!(
                        "lists tenant {} with a connection that is not an object",
                        shown(&tenant_id)
                    )),
                })
                .collect::<std::result::Result<_, _>>()?;
            &nested
        }
        None | Some(Value::Null) => &flat,
        Some(_) => {
            return Err(format!(
                "lists tenant {} whose `tenantConnections` is not an array",
                shown(&tenant_id)
            ))
        }
    };
    for connection in connections {
        for network in [Network::Intranet, Network::Internet] {
            let Some((host, port)) = host_and_port(connection, network)
                .map_err(|why| format!("lists tenant {} {why}", shown(&tenant_id)))?
            else {
                continue;
            };
            let prefix = network.field_prefix();
            addresses.push(TenantAddress {
                tenant_id: tenant_id.clone(),
                tenant_name: tenant_name.clone(),
                tenant_mode: tenant_mode.clone(),
                address_type: text(connection, "addressType"),
                network,
                host,
                port,
                status: text(connection, &format!("{prefix}AddressStatus"))
                    .or_else(|| text(connection, "addressStatus")),
                use_ssl: flag(connection, "useSSL"),
            });
        }
    }
    Ok(())
}

/// The host and port of `network` in a connection: `None` without a host; an error for a host
/// or port no server should send.
fn host_and_port(
    connection: &Map<String, Value>,
    network: Network,
) -> std::result::Result<Option<(String, u16)>, String> {
    let prefix = network.field_prefix();
    let host_key = format!("{prefix}Address");
    let port_key = format!("{prefix}Port");
    let host = match field(connection, &host_key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(host)) if host.trim().is_empty() => return Ok(None),
        Some(Value::String(host)) => host.trim(),
        Some(other) => return Err(format!("with a `{host_key}` that is not text: {other}")),
    };
    check_host(host).map_err(|why| format!("with `{host_key}` {}: {why}", shown(host)))?;
    let port = match field(connection, &port_key) {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        None | Some(Value::Null) => {
            return Err(format!("with `{host_key}` {host} but no `{port_key}`"))
        }
        _ => None,
    };
    match port.and_then(|p| u16::try_from(p).ok()).filter(|p| *p != 0) {
        Some(port) => Ok(Some((host.to_owned(), port))),
        None => Err(format!(
            "with `{port_key}` {}, not a port (1 to 65535)",
            field(connection, &port_key).map_or_else(String::new, |v| shown(&v.to_string()))
        )),
    }
}

/// A host name or IP address as the probe may connect to it: at most [`MAX_HOST_LEN`]
/// characters of letters, digits and `-._:` (an IPv6 address may stand in brackets).
fn check_host(host: &str) -> std::result::Result<(), String> {
    if host.len() > MAX_HOST_LEN {
        return Err(format!(
            "it is {} characters long, more than a host name's {MAX_HOST_LEN}",
            host.len()
        ));
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    match bare
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-._:".contains(*c)))
    {
        None if !bare.is_empty() => Ok(()),
        None => Err("it is empty".into()),
        Some(c) if c.is_control() => Err("it holds a control character".into()),
        Some(c) if c.is_whitespace() => Err("it holds white space".into()),
        Some(c) => Err(format!(
            "it holds {c:?}, which no host name or IP address holds"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn page(body: &str) -> Result<AddressPage> {
        let answer = HttpAnswer::new(200, body.as_bytes().to_vec(), None);
        parse_address_page(answer, "the tenant addresses of instance i (page 1)", "r")
    }

    fn envelope(data_list: &str, total: &str) -> String {
        format!(
            r#"{{"data":{{"total":{total},"dataList":{data_list}}},"requestId":"r","success":true}}"#
        )
    }

    /// The contract's example, from the API notes.
    const NESTED: &str = r#"[{
      "tenantId": "t4xxxx", "tenantName": "app", "tenantCompatibilityMode": "MySQL", "status": "ONLINE",
      "cpu": 2, "unknownObject": {"a": [1]},
      "tenantConnections": [{
        "tenantEndpointId": "obe-xxxx", "addressId": "rs-1", "addressType": "MASTER", "useSSL": true,
        "intranetAddress": "t4xxxx.intra.example", "intranetPort": 3306, "intranetAddressStatus": "ONLINE",
        "internetAddress": "t4xxxx-mi.example", "internetPort": "3307", "internetAddressStatus": "CLOSED",
        "somethingNew": true}]}]"#;

    #[test]
    fn the_nested_form_gives_intranet_then_internet() {
        let page = page(&envelope(NESTED, "1")).unwrap();
        assert_eq!((page.total, page.tenants), (1, 1));
        let expected = |network, host: &str, port, status: &str| TenantAddress {
            tenant_id: "t4xxxx".into(),
            tenant_name: "app".into(),
            tenant_mode: Some("MySQL".into()),
            address_type: Some("MASTER".into()),
            network,
            host: host.into(),
            port,
            status: Some(status.into()),
            use_ssl: Some(true),
        };
        assert_eq!(
            page.addresses,
            [
                expected(Network::Intranet, "t4xxxx.intra.example", 3306, "ONLINE"),
                expected(Network::Internet, "t4xxxx-mi.example", 3307, "CLOSED"),
            ]
        );
        assert!(page.addresses[0].is_online());
        assert!(!page.addresses[1].is_online());
        assert_eq!(
            serde_json::to_value(&page.addresses[1]).unwrap()["network"],
            "internet"
        );
    }

    #[test]
    fn the_flat_form_and_alibaba_spelling_are_read_too() {
        let flat = r#"[{"tenantId":"t1","tenantName":"flat","tenantMode":"Oracle","addressType":"READONLY",
            "addressStatus":"ONLINE","useSSL":"false","intranetAddress":"10.0.0.5","intranetPort":2881,
            "internetAddress":"","internetPort":null},
           {"tenantId":"t2","TenantConnections":[{"AddressType":"MASTER","IntranetAddress":"h2.example",
            "IntranetPort":3306,"IntranetAddressStatus":"online","InternetAddress":null}]}]"#;
        let page = page(&envelope(flat, r#""2""#)).unwrap();
        assert_eq!(page.total, 2);
        let a = &page.addresses;
        assert_eq!(a.len(), 2, "{a:?}");
        assert_eq!(
            (a[0].tenant_name.as_str(), a[0].host.as_str(), a[0].port),
            ("flat", "10.0.0.5", 2881)
        );
        assert_eq!(a[0].tenant_mode.as_deref(), Some("Oracle"));
        assert_eq!(a[0].use_ssl, Some(false));
        assert_eq!(a[0].status.as_deref(), Some("ONLINE"));
        // No name: the id stands in; status any case.
        assert_eq!(a[1].tenant_name, "t2");
        assert_eq!(a[1].address_type.as_deref(), Some("MASTER"));
        assert!(a[1].is_online());
    }

    #[test]
    fn a_tenant_without_addresses_gives_none_and_an_empty_list_is_fine() {
        let page = page(&envelope(
            r#"[{"tenantId":"t1","tenantConnections":[]}]"#,
            "1",
        ))
        .unwrap();
        assert!(page.addresses.is_empty());
        assert_eq!(page.tenants, 1);
        let empty = super::tests::page(&envelope("[]", "0")).unwrap();
        assert_eq!((empty.total, empty.tenants), (0, 0));
    }

    #[test]
    fn absurd_values_are_api_errors_naming_the_tenant_and_field() {
        let entry = |fields: &str| {
            envelope(
                &format!(r#"[{{"tenantId":"t9","tenantConnections":[{{{fields}}}]}}]"#),
                "1",
            )
        };
        let long = "a".repeat(254);
        for (fields, expect) in [
            (
                r#""intranetAddress":"h","intranetPort":0"#,
                "intranetPort` 0",
            ),
            (r#""intranetAddress":"h","intranetPort":65536"#, "65536"),
            (r#""intranetAddress":"h","intranetPort":-1"#, "-1"),
            (r#""intranetAddress":"h","intranetPort":"x""#, "not a port"),
            (r#""intranetAddress":"h""#, "no `intranetPort`"),
            (
                r#""internetAddress":"h\u001b[2J","internetPort":1"#,
                "control character",
            ),
            (r#""intranetAddress":"a b","intranetPort":1"#, "white space"),
            (r#""intranetAddress":"h/x","intranetPort":1"#, "'/'"),
            (r#""intranetAddress":"é.example","intranetPort":1"#, "'é'"),
            (r#""intranetAddress":"[]","intranetPort":1"#, "empty"),
            (r#""intranetAddress":7,"intranetPort":1"#, "not text"),
            (
                &format!(r#""intranetAddress":"{long}","intranetPort":1"#),
                "254 characters",
            ),
        ] {
            let e = page(&entry(fields)).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Api, "{fields}");
            assert!(e.message.contains("tenant t9"), "{fields}: {}", e.message);
            assert!(e.message.contains(expect), "{fields}: {}", e.message);
            assert!(!e.message.contains('\u{1b}'), "escaped: {}", e.message);
        }
        for (body, expect) in [
            (
                envelope(r#"[{"tenantName":"x"}]"#, "1"),
                "without a `tenantId`",
            ),
            (envelope("[1]", "1"), "not an object"),
            (
                envelope(r#"[{"tenantId":"t","tenantConnections":{}}]"#, "1"),
                "not an array",
            ),
            (
                envelope(r#"[{"tenantId":"t","tenantConnections":[2]}]"#, "1"),
                "connection that is not",
            ),
            (envelope("[]", "3000"), "3000 tenants"),
            (envelope("[]", r#""many""#), "whole-number"),
            (
                r#"{"data":{"total":1},"success":true}"#.into(),
                "no `dataList`",
            ),
            (
                envelope(
                    &format!("[{}]", vec![r#"{"tenantId":"t"}"#; 21].join(",")),
                    "21",
                ),
                "more than the 20",
            ),
        ] {
            let e = page(&body).unwrap_err();
            assert!(e.message.contains(expect), "{body}: {}", e.message);
        }
    }

    #[test]
    fn the_page_path_carries_request_id_and_paging() {
        assert_eq!(
            address_info_path("obx", "r1", 2, 20),
            "/api/v2/instances/obx/address/info?requestId=r1&pageNumber=2&pageSize=20"
        );
        assert_eq!(
            super::super::request_id_in(&address_info_path("o", "r2", 1, 20)),
            "r2"
        );
    }
}
