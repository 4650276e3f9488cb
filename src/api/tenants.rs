//! The tenants of an instance and their connection addresses, for probing the wire: read from
//! `GET /api/v2/instances/{id}/address/info`, or, when an account's API does not serve it
//! (HTTP 404, or no tenant entry where the tenant list has some), from the tenant list
//! `GET /api/v2/instances/{id}/tenants`, whose `tenantConnections` carry the same addresses.
//!
//! Read as the vendor's published schema describes them (see the API notes, "The vendor's
//! published schema"), where **no field is required**:
//!
//! - a page: an absent `dataList` is an empty page; without `total`, pages are read until a
//!   short or empty page, or `hasMore: false`;
//! - a tenant entry: its `tenantConnections[]` (any key case: the sibling Alibaba API spells
//!   it `TenantConnections`), or, when it has none, the same fields flat on the entry;
//! - a connection: three sides, intranet (`intranet*`), internet (`internet*`) and VPC peering
//!   (`intranetPeering*`), each a host (`…Address`), a DNS name (`…Domain`), a port (`…Port`)
//!   and a status (`…AddressStatus`, else the connection's `addressStatus`); and each entry of
//!   `privateLinkList` (its own `intranetDomain`/`intranetAddress`/`intranetPort`, the port
//!   else `port`). When a side has a DNS name, the name is what is probed (what clients connect
//!   to, and what a certificate names) and the address is kept beside it.
//!
//! Every side that says anything (a host, a name, a port or a status) is accounted for: an
//! [`TenantAddress`] to probe, or a [`Skipped`] with its reason (not online, or incomplete:
//! no host, no port, a value no server should send). A malformed connection never discards
//! the others. Only a malformed page (not an object, a list longer than asked for, a `total`
//! above [`MAX_TENANTS`]) is an error of the whole answer.

use super::{interpret_envelope, new_request_id, Api};
use crate::client::HttpAnswer;
use crate::error::{ApiFailure, Error, Result};
use crate::sanitize::shown;
use serde_json::{Map, Value};

/// Which side of a tenant connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Network {
    Intranet,
    Internet,
    /// The VPC peering side (`intranetPeering*`).
    Peering,
    /// An entry of `privateLinkList`.
    PrivateLink,
}

impl Network {
    /// `intranet`, `internet`, `peering` or `private-link`, as in JSON and the Prometheus
    /// `network` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Intranet => "intranet",
            Network::Internet => "internet",
            Network::Peering => "peering",
            Network::PrivateLink => "private-link",
        }
    }

    /// The API's prefix of this side's fields (`intranetPeeringAddress`, ...).
    fn field_prefix(self) -> &'static str {
        match self {
            Network::Intranet | Network::PrivateLink => "intranet",
            Network::Internet => "internet",
            Network::Peering => "intranetPeering",
        }
    }
}

/// Where the addresses of an instance were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum AddressSource {
    /// `GET .../address/info`.
    #[serde(rename = "address/info")]
    AddressInfo,
    /// `GET .../tenants` (`tenantConnections`), when `address/info` is not served.
    #[serde(rename = "tenants")]
    TenantList,
}

impl AddressSource {
    pub fn as_str(self) -> &'static str {
        match self {
            AddressSource::AddressInfo => "address/info",
            AddressSource::TenantList => "tenants",
        }
    }
}

/// One connection address of one tenant, as the API lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantAddress {
    pub tenant_id: String,
    pub tenant_name: String,
    /// `MySQL` / `Oracle` (`tenantCompatibilityMode`, or `tenantMode`).
    pub tenant_mode: Option<String>,
    /// `MASTER` / `READONLY` / ...
    pub address_type: Option<String>,
    pub network: Network,
    /// What is probed: the side's DNS name when it has one, else its address (an IPv6
    /// address without brackets).
    pub host: String,
    /// The side's address, when a DNS name stands in `host`.
    pub ip: Option<String>,
    pub port: u16,
    /// `ONLINE` / `CLOSED` / ... (`intranetAddressStatus`, or `addressStatus`).
    pub status: Option<String>,
    /// `useSSL`.
    pub use_ssl: Option<bool>,
}

/// Whether the API says a side is online (`ONLINE`, any case; no status at all counts as
/// online: nothing says otherwise).
fn is_online(status: Option<&str>) -> bool {
    status.is_none_or(|status| status.eq_ignore_ascii_case("ONLINE"))
}

/// Why a connection side the API listed is not probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// Its status is not `ONLINE`.
    NotOnline,
    /// `--network` left it out.
    Network,
    /// A field needed to probe it is missing or unusable (the finding `api-incomplete`).
    Incomplete,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::NotOnline => "not-online",
            SkipReason::Network => "network",
            SkipReason::Incomplete => "incomplete",
        }
    }
}

/// A connection side the API listed that is not probed, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    pub tenant_id: String,
    pub tenant_name: String,
    /// The side; `None` when the connection itself is unusable.
    pub network: Option<Network>,
    /// `HOST:PORT`, `HOST` or nothing: what the API gave of the address.
    pub address: Option<String>,
    pub reason: SkipReason,
    /// In words: the status, the missing field.
    pub detail: String,
}

impl Skipped {
    /// A side not probed because `--network` left it out.
    pub fn filtered(address: &TenantAddress) -> Skipped {
        Skipped {
            tenant_id: address.tenant_id.clone(),
            tenant_name: address.tenant_name.clone(),
            network: Some(address.network),
            address: Some(host_port(&address.host, address.port)),
            reason: SkipReason::Network,
            detail: format!(
                "--network leaves out {} addresses",
                address.network.as_str()
            ),
        }
    }
}

/// `HOST:PORT`, with brackets around an IPv6 address.
pub fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// What the API listed of an instance's tenants: the addresses to probe (online, complete)
/// and the sides that are not, each with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub source: AddressSource,
    pub addresses: Vec<TenantAddress>,
    pub skipped: Vec<Skipped>,
    /// How many tenant entries were read.
    pub tenants: u64,
}

/// Tenants asked for per page (`address/info`'s documented default).
pub const ADDRESS_PAGE_SIZE: usize = 20;

/// The most tenants one instance may list: more is an API error, not a long run.
pub const MAX_TENANTS: u64 = 2_000;

/// Pages read at most (a server that never ends must not keep obssl busy).
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

/// The API path and query of one page (from 1) of the tenant list of `instance_id`.
pub fn tenant_list_path(
    instance_id: &str,
    request_id: &str,
    page_number: usize,
    page_size: usize,
) -> String {
    format!(
        "/api/v2/instances/{instance_id}/tenants?requestId={request_id}&pageNumber={page_number}&pageSize={page_size}"
    )
}

impl Api {
    /// Every connection of every tenant of the instance (all pages), in API order: from
    /// `address/info`, else (HTTP 404, or no tenant there) from the tenant list.
    ///
    /// One request id for every page (`request_id`, or a fresh one).
    pub fn discover_addresses(
        &self,
        instance_id: &str,
        request_id: Option<&str>,
    ) -> Result<Discovered> {
        super::validate_instance_id(instance_id)?;
        let request_id = request_id.map_or_else(new_request_id, str::to_owned);
        let from_info = self.read_pages(instance_id, &request_id, AddressSource::AddressInfo);
        match from_info {
            Ok(found) if found.tenants > 0 => Ok(found),
            Ok(empty) => match self.read_pages(instance_id, &request_id, AddressSource::TenantList)
            {
                Ok(listed) if listed.tenants > 0 => Ok(listed),
                _ => Ok(empty),
            },
            Err(e) if e.api.as_ref().is_some_and(|a| a.status == 404) => {
                match self.read_pages(instance_id, &request_id, AddressSource::TenantList) {
                    // Both not found: the instance is not there; tell the first answer.
                    Err(second) if second.api.as_ref().is_some_and(|a| a.status == 404) => Err(e),
                    other => other,
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Every page of `source`, until an empty or short page, `hasMore: false`, or `total`
    /// tenants read; [`MAX_ADDRESS_PAGES`] at most.
    fn read_pages(
        &self,
        instance_id: &str,
        request_id: &str,
        source: AddressSource,
    ) -> Result<Discovered> {
        let mut found = Discovered {
            source,
            addresses: Vec::new(),
            skipped: Vec::new(),
            tenants: 0,
        };
        let what = match source {
            AddressSource::AddressInfo => "the tenant addresses",
            AddressSource::TenantList => "the tenant list",
        };
        for number in 1..=MAX_ADDRESS_PAGES {
            let subject = format!("{what} of instance {instance_id} (page {number})");
            let path = match source {
                AddressSource::AddressInfo => {
                    address_info_path(instance_id, request_id, number, ADDRESS_PAGE_SIZE)
                }
                AddressSource::TenantList => {
                    tenant_list_path(instance_id, request_id, number, ADDRESS_PAGE_SIZE)
                }
            };
            let answer = self.get(&path, &subject)?;
            let page = parse_address_page(answer, &subject, request_id)?;
            found.tenants += page.tenants as u64;
            found.addresses.extend(page.addresses);
            found.skipped.extend(page.skipped);
            let more = match (page.has_more, page.total) {
                (Some(more), _) => more,
                (None, Some(total)) => found.tenants < total,
                (None, None) => page.tenants >= ADDRESS_PAGE_SIZE,
            };
            if page.tenants == 0 || !more {
                return Ok(found);
            }
        }
        Err(Error::api(
            format!(
                "{what} of instance {instance_id} did not end after {MAX_ADDRESS_PAGES} pages of {ADDRESS_PAGE_SIZE}; giving up"
            ),
            ApiFailure::without_envelope(200, request_id),
        )
        .with_hint("name the addresses with --address instead"))
    }
}

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
            super::whole_number(total)
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
    fn the_nested_form_gives_intranet_and_skips_the_closed_internet_side() {
        let page = page(&envelope(NESTED, "1")).unwrap();
        assert_eq!((page.total, page.tenants), (Some(1), 1));
        assert_eq!(
            page.addresses,
            [TenantAddress {
                tenant_id: "t4xxxx".into(),
                tenant_name: "app".into(),
                tenant_mode: Some("MySQL".into()),
                address_type: Some("MASTER".into()),
                network: Network::Intranet,
                host: "t4xxxx.intra.example".into(),
                ip: None,
                port: 3306,
                status: Some("ONLINE".into()),
                use_ssl: Some(true),
            }]
        );
        assert_eq!(page.skipped.len(), 1);
        let closed = &page.skipped[0];
        assert_eq!(closed.reason, SkipReason::NotOnline);
        assert_eq!(closed.network, Some(Network::Internet));
        assert_eq!(closed.address.as_deref(), Some("t4xxxx-mi.example:3307"));
        assert_eq!(closed.detail, "its status is CLOSED");
    }

    #[test]
    fn every_side_of_the_schema_is_read_and_a_name_is_probed_before_an_address() {
        let list = r#"[{"tenantId":"t1","tenantName":"shapes","tenantConnections":[
            {"addressId":"a1","addressStatus":"ONLINE","intranetDomain":"t1.intra.example","intranetPort":2881,
             "internetAddress":"203.0.113.5","internetDomain":"t1.example","internetPort":3306,
             "intranetPeeringAddress":"[fd00::5]","intranetPeeringPort":3306,
             "privateLinkList":[{"intranetDomain":"t1.pl.example","intranetPort":3307},
                                {"intranetAddress":"10.1.1.1","port":3308},
                                {"intranetAddress":"10.1.1.2"}, 5]},
            {"addressId":"a2","internetAddress":"h2.example"},
            {"addressId":"a3","useSSL":true}]}]"#;
        let page = page(&envelope(list, "1")).unwrap();
        let got: Vec<(Network, &str, Option<&str>, u16)> = page
            .addresses
            .iter()
            .map(|a| (a.network, a.host.as_str(), a.ip.as_deref(), a.port))
            .collect();
        assert_eq!(
            got,
            [
                (Network::Intranet, "t1.intra.example", None, 2881),
                (Network::Internet, "t1.example", Some("203.0.113.5"), 3306),
                (Network::Peering, "fd00::5", None, 3306),
                (Network::PrivateLink, "t1.pl.example", None, 3307),
                (Network::PrivateLink, "10.1.1.1", None, 3308),
            ]
        );
        let skipped: Vec<(Option<Network>, SkipReason, &str)> = page
            .skipped
            .iter()
            .map(|s| (s.network, s.reason, s.detail.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                (
                    Some(Network::PrivateLink),
                    SkipReason::Incomplete,
                    "no `intranetPort`"
                ),
                (
                    Some(Network::PrivateLink),
                    SkipReason::Incomplete,
                    "its `privateLinkList` entry 4 is not an object"
                ),
                (
                    Some(Network::Internet),
                    SkipReason::Incomplete,
                    "no `internetPort`"
                ),
                (
                    None,
                    SkipReason::Incomplete,
                    "its connection 3 (a3) names no address on any side"
                ),
            ]
        );
        assert_eq!(page.skipped[2].address.as_deref(), Some("h2.example"));
        assert_eq!(page.skipped[2].tenant_name, "shapes");
    }

    #[test]
    fn the_flat_form_and_alibaba_spelling_are_read_too() {
        let flat = r#"[{"tenantId":"t1","tenantName":"flat","tenantMode":"Oracle","addressType":"READONLY",
            "addressStatus":"ONLINE","useSSL":"false","intranetAddress":"10.0.0.5","intranetPort":2881,
            "internetAddress":"","internetPort":null},
           {"tenantId":"t2","TenantConnections":[{"AddressType":"MASTER","IntranetAddress":"h2.example",
            "IntranetPort":3306,"IntranetAddressStatus":"online","InternetAddress":null}]}]"#;
        let page = page(&envelope(flat, r#""2""#)).unwrap();
        assert_eq!(page.total, Some(2));
        let a = &page.addresses;
        assert_eq!(a.len(), 2, "{a:?}");
        assert_eq!(
            (a[0].tenant_name.as_str(), a[0].host.as_str(), a[0].port),
            ("flat", "10.0.0.5", 2881)
        );
        assert_eq!(a[0].tenant_mode.as_deref(), Some("Oracle"));
        assert_eq!(a[0].use_ssl, Some(false));
        assert_eq!(a[0].status.as_deref(), Some("ONLINE"));
        assert_eq!(a[1].tenant_name, "t2");
        assert_eq!(a[1].address_type.as_deref(), Some("MASTER"));
        assert_eq!(a[1].status.as_deref(), Some("online"));
        assert!(page.skipped.is_empty(), "{:?}", page.skipped);
    }

    #[test]
    fn absent_data_list_total_and_has_more_are_normal() {
        let none = page(r#"{"data":{},"success":true}"#).unwrap();
        assert_eq!((none.total, none.has_more, none.tenants), (None, None, 0));
        let more = page(r#"{"data":{"hasMore":false,"dataList":[]},"success":true}"#).unwrap();
        assert_eq!(more.has_more, Some(false));
    }

    #[test]
    fn a_bad_connection_is_skipped_as_incomplete_naming_the_tenant_side_and_field() {
        let entry = |fields: &str| {
            envelope(
                &format!(
                    r#"[{{"tenantId":"t9","tenantConnections":[{{{fields}}},
                      {{"intranetAddress":"good.example","intranetPort":3306}}]}}]"#
                ),
                "1",
            )
        };
        let long = "a".repeat(254);
        for (fields, expect) in [
            (
                r#""intranetAddress":"h","intranetPort":0"#,
                "`intranetPort` 0",
            ),
            (r#""intranetAddress":"h","intranetPort":65536"#, "65536"),
            (r#""intranetAddress":"h","intranetPort":-1"#, "-1"),
            (r#""intranetAddress":"h","intranetPort":"x""#, "not a port"),
            (r#""intranetAddress":"h""#, "no `intranetPort`"),
            (
                r#""intranetPort":3306"#,
                "no `intranetAddress` nor `intranetDomain`",
            ),
            (
                r#""internetAddress":"h\u001b[2J","internetPort":1"#,
                "control character",
            ),
            (r#""intranetAddress":"a b","intranetPort":1"#, "white space"),
            (r#""intranetAddress":"h/x","intranetPort":1"#, "'/'"),
            (r#""intranetDomain":"é.example","intranetPort":1"#, "'é'"),
            (r#""intranetAddress":"[]","intranetPort":1"#, "empty"),
            (r#""intranetAddress":7,"intranetPort":1"#, "not text"),
            (
                &format!(r#""intranetAddress":"{long}","intranetPort":1"#),
                "254 characters",
            ),
        ] {
            let page = page(&entry(fields)).unwrap();
            assert_eq!(page.addresses.len(), 1, "{fields}: the sibling is kept");
            assert_eq!(page.addresses[0].host, "good.example");
            assert_eq!(page.skipped.len(), 1, "{fields}: {:?}", page.skipped);
            let s = &page.skipped[0];
            assert_eq!(
                (s.reason, s.tenant_id.as_str()),
                (SkipReason::Incomplete, "t9")
            );
            assert!(s.detail.contains(expect), "{fields}: {}", s.detail);
            assert!(!s.detail.contains('\u{1b}'), "escaped: {}", s.detail);
        }
        let odd = page(&envelope(
            r#"[{"tenantName":"x","intranetAddress":"h","intranetPort":1}, 1,
                {"tenantId":"t","tenantConnections":{}}, {"tenantId":"u","tenantConnections":[2]}]"#,
            "4",
        ))
        .unwrap();
        assert_eq!(odd.addresses[0].tenant_id, "(entry 1)");
        assert_eq!(odd.addresses[0].tenant_name, "x");
        let details: Vec<&str> = odd.skipped.iter().map(|s| s.detail.as_str()).collect();
        assert_eq!(
            details,
            [
                "the tenant entry is not an object",
                "its `tenantConnections` is not an array",
                "its connection 1 is not an object"
            ]
        );
    }

    #[test]
    fn a_malformed_page_is_an_error_naming_the_answer() {
        for (body, expect) in [
            (envelope("[]", "3000"), "3000 tenants"),
            (envelope("[]", r#""many""#), "not a whole number"),
            (
                r#"{"data":{"dataList":{}},"success":true}"#.into(),
                "`dataList` that is not an array",
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
            assert_eq!(e.kind, ErrorKind::Api);
            assert!(e.message.contains(expect), "{body}: {}", e.message);
            let hint = e.hint.as_deref().unwrap_or_default();
            assert!(hint.contains("vendor's schema"), "{hint}");
            assert!(!hint.contains("--endpoint"), "{hint}");
        }
    }

    #[test]
    fn the_page_paths_carry_request_id_and_paging() {
        assert_eq!(
            address_info_path("obx", "r1", 2, 20),
            "/api/v2/instances/obx/address/info?requestId=r1&pageNumber=2&pageSize=20"
        );
        assert_eq!(
            tenant_list_path("obx", "r1", 1, 20),
            "/api/v2/instances/obx/tenants?requestId=r1&pageNumber=1&pageSize=20"
        );
        assert_eq!(
            super::super::request_id_in(&address_info_path("o", "r2", 1, 20)),
            "r2"
        );
        assert_eq!(host_port("::1", 9), "[::1]:9");
        assert_eq!(host_port("h", 9), "h:9");
    }
}
