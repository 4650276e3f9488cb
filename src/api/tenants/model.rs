//! What an instance's tenants are to obssl: the sides of a connection, an address to probe,
//! a side skipped and why, and the limits of reading them.

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
    pub(super) fn field_prefix(self) -> &'static str {
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
pub(super) fn is_online(status: Option<&str>) -> bool {
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
