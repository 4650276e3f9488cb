//! One page of `address/info` or of the tenant list read as the vendor's published schema
//! describes it (see the module documentation of `api::tenants`): every side of every
//! connection accounted for, a malformed connection never discarding the others.

use super::model::*;
use crate::api::answer::interpret_envelope;
use crate::client::HttpAnswer;
use crate::error::{ApiFailure, Error, Result};
use crate::sanitize::shown;
use serde_json::{Map, Value};

/// One page of `address/info` or of the tenant list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressPage {
    /// `data.total`: how many tenants the instance has in all, when the page says.
    pub total: Option<u64>,
    /// `data.hasMore`, when the page says.
    pub has_more: Option<bool>,
    /// How many tenant entries this page held.
    pub tenants: usize,
    /// Their addresses to probe, in order.
    pub addresses: Vec<TenantAddress>,
    /// The sides not to probe, in order.
    pub skipped: Vec<Skipped>,
}

/// Reads one page about `subject`: the envelope as [`interpret_envelope`] does, then
/// `data.total` (a whole number or a string holding one), `data.hasMore` and
/// `data.dataList[]` (absent: an empty page), each entry as the module documentation says.
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
        .with_hint(
            "the answer is not what the vendor's schema describes (quote its requestId to \
             support); name the addresses with --address meanwhile",
        )
    };
    let empty = Vec::new();
    let list = match data.get("dataList") {
        None | Some(Value::Null) => &empty,
        Some(Value::Array(list)) => list,
        Some(_) => return Err(malformed("has a `dataList` that is not an array".into())),
    };
    if list.len() > ADDRESS_PAGE_SIZE {
        return Err(malformed(format!(
            "lists {} tenants, more than the {ADDRESS_PAGE_SIZE} asked for (pageSize)",
            list.len()
        )));
    }
    let total = match data.get("total") {
        None | Some(Value::Null) => None,
        total => Some(
            crate::api::whole_number(total)
                .ok_or_else(|| malformed("has a `total` that is not a whole number".into()))?,
        ),
    };
    if let Some(total) = total.filter(|t| *t > MAX_TENANTS) {
        return Err(malformed(format!(
            "says the instance has {total} tenants; obssl reads at most {MAX_TENANTS}"
        )));
    }
    let has_more = match data.get("hasMore") {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Some(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    };
    let mut page = AddressPage {
        total,
        has_more,
        tenants: list.len(),
        addresses: Vec::new(),
        skipped: Vec::new(),
    };
    for (index, entry) in list.iter().enumerate() {
        tenant_entry(entry, index + 1, &mut page);
    }
    Ok(page)
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

/// A tenant's id or name as a label: at most 512 bytes without control characters, else
/// `None` (the entry's number stands in).
fn label(object: &Map<String, Value>, key: &str) -> Option<String> {
    text(object, key).filter(|v| v.len() <= 512 && !v.chars().any(char::is_control))
}

/// What names a tenant in the addresses and skipped sides of one entry.
struct Tenant {
    id: String,
    name: String,
    mode: Option<String>,
}

impl Tenant {
    fn skipped(
        &self,
        network: Option<Network>,
        address: Option<String>,
        reason: SkipReason,
        detail: String,
    ) -> Skipped {
        Skipped {
            tenant_id: self.id.clone(),
            tenant_name: self.name.clone(),
            network,
            address,
            reason,
            detail,
        }
    }
}

/// Adds what one tenant entry (number `number` of its page, from 1) lists to `page`.
fn tenant_entry(entry: &Value, number: usize, page: &mut AddressPage) {
    let Value::Object(entry) = entry else {
        let tenant = Tenant {
            id: format!("(entry {number})"),
            name: format!("(entry {number})"),
            mode: None,
        };
        page.skipped.push(tenant.skipped(
            None,
            None,
            SkipReason::Incomplete,
            "the tenant entry is not an object".into(),
        ));
        return;
    };
    let id = label(entry, "tenantId").unwrap_or_else(|| format!("(entry {number})"));
    let tenant = Tenant {
        name: label(entry, "tenantName").unwrap_or_else(|| id.clone()),
        id,
        mode: text(entry, "tenantCompatibilityMode").or_else(|| text(entry, "tenantMode")),
    };
    let flat = [entry];
    let nested: Vec<&Map<String, Value>>;
    let connections: &[&Map<String, Value>] = match field(entry, "tenantConnections") {
        Some(Value::Array(list)) => {
            nested = list
                .iter()
                .enumerate()
                .filter_map(|(i, c)| match c {
                    Value::Object(c) => Some(c),
                    _ => {
                        page.skipped.push(tenant.skipped(
                            None,
                            None,
                            SkipReason::Incomplete,
                            format!("its connection {} is not an object", i + 1),
                        ));
                        None
                    }
                })
                .collect();
            &nested
        }
        None | Some(Value::Null) => &flat,
        Some(_) => {
            page.skipped.push(tenant.skipped(
                None,
                None,
                SkipReason::Incomplete,
                "its `tenantConnections` is not an array".into(),
            ));
            return;
        }
    };
    let is_flat = connections.len() == 1 && std::ptr::eq(connections[0], entry);
    for (i, connection) in connections.iter().enumerate() {
        let before = page.addresses.len() + page.skipped.len();
        for network in [Network::Intranet, Network::Internet, Network::Peering] {
            side(&tenant, connection, connection, network, page);
        }
        match field(connection, "privateLinkList") {
            Some(Value::Array(links)) => {
                for (j, link) in links.iter().enumerate() {
                    match link {
                        Value::Object(link) => {
                            side(&tenant, connection, link, Network::PrivateLink, page)
                        }
                        _ => page.skipped.push(tenant.skipped(
                            Some(Network::PrivateLink),
                            None,
                            SkipReason::Incomplete,
                            format!("its `privateLinkList` entry {} is not an object", j + 1),
                        )),
                    }
                }
            }
            None | Some(Value::Null) => {}
            Some(_) => page.skipped.push(tenant.skipped(
                Some(Network::PrivateLink),
                None,
                SkipReason::Incomplete,
                "its `privateLinkList` is not an array".into(),
            )),
        }
        if !is_flat && page.addresses.len() + page.skipped.len() == before {
            page.skipped.push(tenant.skipped(
                None,
                None,
                SkipReason::Incomplete,
                format!(
                    "its connection {}{} names no address on any side",
                    i + 1,
                    text(connection, "addressId")
                        .map(|id| format!(" ({})", shown(&id)))
                        .unwrap_or_default()
                ),
            ));
        }
    }
}

/// One side of `connection` (`fields`: the connection itself, or one of its
/// `privateLinkList` entries): an address, a skipped side, or nothing when it says nothing.
fn side(
    tenant: &Tenant,
    connection: &Map<String, Value>,
    fields: &Map<String, Value>,
    network: Network,
    page: &mut AddressPage,
) {
    let prefix = network.field_prefix();
    let address_key = format!("{prefix}Address");
    let domain_key = format!("{prefix}Domain");
    let mut port_key = format!("{prefix}Port");
    let status_key = format!("{prefix}AddressStatus");
    let incomplete = |address: Option<String>, detail: String| {
        tenant.skipped(Some(network), address, SkipReason::Incomplete, detail)
    };
    let host_field = |key: &str| -> std::result::Result<Option<String>, String> {
        match field(fields, key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => {
                let host = s.trim();
                check_host(host)
                    .map(|bare| Some(bare.to_owned()))
                    .map_err(|why| format!("`{key}` {}: {why}", shown(host)))
            }
            Some(other) => Err(format!(
                "`{key}` is not text: {}",
                shown(&other.to_string())
            )),
        }
    };
    let (address, domain) = match (host_field(&address_key), host_field(&domain_key)) {
        (Ok(a), Ok(d)) => (a, d),
        (Err(why), _) | (_, Err(why)) => {
            page.skipped.push(incomplete(None, why));
            return;
        }
    };
    let mut port_value = field(fields, &port_key).filter(|v| !v.is_null());
    if port_value.is_none() && network == Network::PrivateLink {
        if let Some(v) = field(fields, "port").filter(|v| !v.is_null()) {
            port_value = Some(v);
            port_key = "port".into();
        }
    }
    let side_status = text(fields, &status_key).or_else(|| match network {
        Network::PrivateLink => text(fields, "status"),
        _ => None,
    });
    if address.is_none() && domain.is_none() && port_value.is_none() && side_status.is_none() {
        return;
    }
    let status = side_status.or_else(|| text(connection, "addressStatus"));
    let host = domain.clone().or_else(|| address.clone());
    let port = port_value.map(|v| match v {
        Value::Number(n) => n
            .as_u64()
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p != 0),
        Value::String(s) => s.trim().parse::<u16>().ok().filter(|p| *p != 0),
        _ => None,
    });
    let shown_address = host.as_ref().map(|h| match port.flatten() {
        Some(p) => host_port(h, p),
        None => h.clone(),
    });
    if !is_online(status.as_deref()) {
        page.skipped.push(tenant.skipped(
            Some(network),
            shown_address,
            SkipReason::NotOnline,
            format!("its status is {}", shown(status.as_deref().unwrap_or(""))),
        ));
        return;
    }
    let Some(host) = host else {
        page.skipped.push(incomplete(
            None,
            format!("no `{address_key}` nor `{domain_key}`"),
        ));
        return;
    };
    let port = match port {
        None => {
            page.skipped
                .push(incomplete(shown_address, format!("no `{port_key}`")));
            return;
        }
        Some(None) => {
            page.skipped.push(incomplete(
                shown_address,
                format!(
                    "`{port_key}` {} is not a port (1 to 65535)",
                    shown(&port_value.map(Value::to_string).unwrap_or_default())
                ),
            ));
            return;
        }
        Some(Some(port)) => port,
    };
    page.addresses.push(TenantAddress {
        tenant_id: tenant.id.clone(),
        tenant_name: tenant.name.clone(),
        tenant_mode: tenant.mode.clone(),
        address_type: text(connection, "addressType"),
        network,
        ip: domain.and(address),
        host,
        port,
        status,
        use_ssl: flag(connection, "useSSL"),
    });
}

/// A host name or IP address as the probe may connect to it: at most [`MAX_HOST_LEN`]
/// characters of letters, digits and `-._:` (an IPv6 address may stand in brackets, which
/// are taken off).
fn check_host(host: &str) -> std::result::Result<&str, String> {
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
        None if !bare.is_empty() => Ok(bare),
        None => Err("it is empty".into()),
        Some(c) if c.is_control() => Err("it holds a control character".into()),
        Some(c) if c.is_whitespace() => Err("it holds white space".into()),
        Some(c) => Err(format!(
            "it holds {c:?}, which no host name or IP address holds"
        )),
    }
}
