//! The tenants of the mock's instances and their connection addresses:
//! `GET /api/v2/instances/{id}/tenants` and `GET /api/v2/instances/{id}/address/info`.
//!
//! Each instance with a successful answer has tenants. Their addresses are, first found:
//! the `dataList` entries of `DIR/tenants/{id}.json` in the fixtures directory (served as they
//! are: nested `tenantConnections[]`, the flat form, anything), else one tenant per
//! [`MockTenantAddress`] given for the instance (`--tenant-address ID=HOST:PORT`), else one
//! tenant whose intranet address is [`CLOSED_ADDRESS`], a loopback port nothing listens on,
//! so that a probe reports it unreachable at once. The mock does not pretend to be a
//! database: the addresses point at whatever the caller started there.

use std::fmt;
use std::io;
use std::path::Path;
use std::str::FromStr;

use serde_json::{json, Value};

/// Where the addresses of instances without a `--tenant-address` point: 127.0.0.1 port 1
/// (TCP port service multiplexer, not listened on by any ordinary host).
pub const CLOSED_ADDRESS: (&str, u16) = ("127.0.0.1", 1);

/// One tenant address of one instance: `--tenant-address ID=HOST:PORT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockTenantAddress {
    /// The instance whose tenant this address is.
    pub instance_id: String,
    /// The host of the intranet address (a name or an IP address; `[...]` for IPv6).
    pub host: String,
    pub port: u16,
}

/// A `--tenant-address` value that is not `ID=HOST:PORT`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid tenant address {0:?}: {1} (expected INSTANCE_ID=HOST:PORT, e.g. obcluster-demo=127.0.0.1:3306)")]
pub struct BadTenantAddress(pub String, pub &'static str);

impl FromStr for MockTenantAddress {
    type Err = BadTenantAddress;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |why| BadTenantAddress(text.to_owned(), why);
        let (instance_id, address) = text.split_once('=').ok_or_else(|| bad("no `=`"))?;
        let (host, port) = address.rsplit_once(':').ok_or_else(|| bad("no `:PORT`"))?;
        let port: u16 = port
            .parse()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| bad("the port is not 1 to 65535"))?;
        if instance_id.is_empty() || host.is_empty() {
            return Err(bad("the instance id or the host is empty"));
        }
        if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("the host holds white space or control characters"));
        }
        Ok(MockTenantAddress {
            instance_id: instance_id.to_owned(),
            host: host.to_owned(),
            port,
        })
    }
}

impl fmt::Display for MockTenantAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}:{}", self.instance_id, self.host, self.port)
    }
}

/// The instance whose tenants show every shape of the vendor's schema at once: a
/// domain-only intranet side, a VPC peering side on an IPv6 address in brackets, a private
/// link (a name and its address), a closed internet side, a connection without its port
/// beside a complete one, and a tenant in the flat form. Served on request only (never
/// listed). Its addresses point at the first `--tenant-address` given for it (host and port),
/// else at [`CLOSED_ADDRESS`]; the names are `localhost`.
pub const WIRE_SHAPES: &str = "obcluster-wire-shapes";

/// The instance of an account whose API does not serve `address/info` (HTTP 404): its
/// tenants' addresses are only in the tenant list's `tenantConnections`. Served on request
/// only (never listed).
pub const NO_ADDRESS_INFO: &str = "obcluster-wire-no-address-info";

/// Whether `instance_id` is one of the wire fixtures ([`WIRE_SHAPES`], [`NO_ADDRESS_INFO`]).
pub(crate) fn is_wire_fixture(instance_id: &str) -> bool {
    instance_id == WIRE_SHAPES || instance_id == NO_ADDRESS_INFO
}

/// The tenants of [`WIRE_SHAPES`], their addresses at `host:port`.
fn shapes_entries(host: &str, port: u16) -> Vec<Value> {
    vec![
        json!({
            "tenantId": "t1",
            "tenantName": "shapes",
            "tenantCompatibilityMode": "MySQL",
            "status": "ONLINE",
            "tenantConnections": [
                {
                    "addressId": "rs-shapes-1",
                    "addressType": "MASTER",
                    "addressStatus": "ONLINE",
                    "useSSL": true,
                    "intranetDomain": "localhost",
                    "intranetPort": port,
                    "intranetAddressStatus": "ONLINE",
                    "internetAddress": "t1-shapes-mi.example.invalid",
                    "internetPort": 3306,
                    "internetAddressStatus": "CLOSED",
                    "intranetPeeringAddress": "[::1]",
                    "intranetPeeringPort": port,
                    "intranetPeeringAddressStatus": "ONLINE",
                    "privateLinkList": [
                        {"intranetDomain": "localhost", "intranetAddress": host, "intranetPort": port}
                    ]
                },
                {
                    "addressId": "rs-shapes-2",
                    "addressType": "READONLY",
                    "addressStatus": "ONLINE",
                    "useSSL": true,
                    "intranetAddress": host
                }
            ]
        }),
        json!({
            "tenantId": "t2",
            "tenantName": "flat",
            "tenantMode": "MySQL",
            "status": "ONLINE",
            "addressType": "MASTER",
            "addressStatus": "ONLINE",
            "intranetAddress": host,
            "intranetPort": port
        }),
    ]
}

/// The tenants of every instance: the files, and the addresses given.
#[derive(Debug, Clone, Default)]
pub(crate) struct TenantSet {
    /// `DIR/tenants/{id}.json`: the `dataList` of the instance, as written.
    files: Vec<(String, Vec<Value>)>,
    addresses: Vec<MockTenantAddress>,
}

impl TenantSet {
    pub(crate) fn new(addresses: Vec<MockTenantAddress>) -> TenantSet {
        TenantSet {
            files: Vec::new(),
            addresses,
        }
    }

    /// Reads `dir/tenants/*.json` when that directory exists: each an array of tenant entries.
    pub(crate) fn read_dir(mut self, dir: &Path) -> io::Result<TenantSet> {
        let dir = dir.join("tenants");
        if !dir.is_dir() {
            return Ok(self);
        }
        for (instance_id, value) in super::fixture_files::read_fixture_dir(&dir)? {
            let Value::Array(entries) = value else {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "fixture {}: not a JSON array of tenant entries",
                        dir.join(format!("{instance_id}.json")).display()
                    ),
                ));
            };
            self.files.push((instance_id, entries));
        }
        Ok(self)
    }

    /// The `address/info` entries of `instance_id` (an instance the mock answers for).
    pub(crate) fn entries(&self, instance_id: &str) -> Vec<Value> {
        if let Some((_, entries)) = self.files.iter().find(|(id, _)| id == instance_id) {
            return entries.clone();
        }
        let given: Vec<(&str, u16)> = self
            .addresses
            .iter()
            .filter(|a| a.instance_id == instance_id)
            .map(|a| (a.host.as_str(), a.port))
            .collect();
        if instance_id == WIRE_SHAPES {
            let (host, port) = given.first().copied().unwrap_or(CLOSED_ADDRESS);
            return shapes_entries(host, port);
        }
        let addresses = if given.is_empty() {
            vec![CLOSED_ADDRESS]
        } else {
            given
        };
        addresses
            .into_iter()
            .enumerate()
            .map(|(i, (host, port))| tenant_entry(instance_id, i + 1, host, port))
            .collect()
    }
}

/// Tenant `n` (from 1) of `instance_id`, its intranet address at `host:port`, online; its
/// internet address closed (a `.invalid` name: never resolved).
fn tenant_entry(instance_id: &str, n: usize, host: &str, port: u16) -> Value {
    let tenant_id = format!("t{n}");
    json!({
        "tenantId": tenant_id,
        "tenantName": format!("app{n}"),
        "tenantCompatibilityMode": "MySQL",
        "status": "ONLINE",
        "tenantConnections": [{
            "tenantEndpointId": format!("obe-{instance_id}-{n}"),
            "addressId": format!("rs-{instance_id}-{n}"),
            "addressType": "MASTER",
            "useSSL": true,
            "intranetAddress": host,
            "intranetPort": port,
            "intranetAddressStatus": "ONLINE",
            "internetAddress": format!("{tenant_id}-{instance_id}-mi.example.invalid"),
            "internetPort": 3306,
            "internetAddressStatus": "CLOSED"
        }]
    })
}

/// The `GET .../tenants` entry (a TenantDTO) of an `address/info` entry: the entry as it is
/// (its `tenantConnections` included, as the vendor's schema has them), with `tenantMode`
/// and the resources of a small tenant.
pub(crate) fn tenant_summary(entry: &Value) -> Value {
    let mut summary = match entry {
        Value::Object(fields) => fields.clone(),
        _ => return entry.clone(),
    };
    let mode = entry
        .get("tenantCompatibilityMode")
        .or_else(|| entry.get("tenantMode"))
        .cloned()
        .unwrap_or(Value::Null);
    for (key, value) in [
        ("tenantMode", mode),
        ("cpu", json!(2)),
        ("mem", json!(8)),
        ("unitNum", json!(1)),
        ("primaryZone", json!("cn-hangzhou-h")),
        ("gmtCreate", json!("2026-01-05T08:00:00Z")),
    ] {
        summary.entry(key).or_insert(value);
    }
    Value::Object(summary)
}

/// Keeps the entries whose `tenantId` is in the comma-separated `tenant_ids` (the
/// `tenantIds` query parameter), all when it is absent or empty.
pub(crate) fn filter_by_ids(entries: Vec<Value>, tenant_ids: Option<&str>) -> Vec<Value> {
    let Some(wanted) = tenant_ids.filter(|ids| !ids.trim().is_empty()) else {
        return entries;
    };
    let wanted: Vec<&str> = wanted.split(',').map(str::trim).collect();
    entries
        .into_iter()
        .filter(|e| {
            e.get("tenantId")
                .and_then(Value::as_str)
                .is_some_and(|id| wanted.contains(&id))
        })
        .collect()
}

/// Writes `dir/tenants/{instance_id}.json` (for tests).
#[cfg(test)]
pub(crate) fn write_tenant_file(dir: &Path, instance_id: &str, body: &str) {
    std::fs::create_dir_all(dir.join("tenants")).unwrap();
    std::fs::write(
        dir.join("tenants").join(format!("{instance_id}.json")),
        body,
    )
    .unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_address_flags_parse_and_refuse_clearly() {
        let a: MockTenantAddress = "obcluster-demo=127.0.0.1:3306".parse().unwrap();
        assert_eq!(
            (a.instance_id.as_str(), a.host.as_str(), a.port),
            ("obcluster-demo", "127.0.0.1", 3306)
        );
        assert_eq!(a.to_string(), "obcluster-demo=127.0.0.1:3306");
        let v6: MockTenantAddress = "x=[::1]:33".parse().unwrap();
        assert_eq!(v6.host, "[::1]");
        for (bad, why) in [
            ("127.0.0.1:3306", "no `=`"),
            ("x=host", "no `:PORT`"),
            ("x=host:0", "1 to 65535"),
            ("x=host:70000", "1 to 65535"),
            ("=host:1", "empty"),
            ("x=:1", "empty"),
            ("x=a b:1", "white space"),
        ] {
            let e = bad.parse::<MockTenantAddress>().unwrap_err();
            assert!(e.to_string().contains(why), "{bad}: {e}");
            assert!(e.to_string().contains("INSTANCE_ID=HOST:PORT"), "{e}");
        }
    }

    #[test]
    fn addresses_come_from_the_file_then_the_flags_then_the_closed_port() {
        let dir = tempfile::tempdir().unwrap();
        write_tenant_file(
            dir.path(),
            "obfile",
            r#"[{"tenantId":"flat","intranetAddress":"h","intranetPort":1}]"#,
        );
        let set = TenantSet::new(vec![
            "obflag=127.0.0.1:4000".parse().unwrap(),
            "obflag=localhost:4001".parse().unwrap(),
            "obfile=127.0.0.1:9".parse().unwrap(),
        ])
        .read_dir(dir.path())
        .unwrap();
        assert_eq!(
            set.entries("obfile"),
            vec![json!({"tenantId":"flat","intranetAddress":"h","intranetPort":1})]
        );
        let flag = set.entries("obflag");
        assert_eq!(flag.len(), 2);
        assert_eq!(flag[1]["tenantId"], "t2");
        assert_eq!(
            flag[1]["tenantConnections"][0]["intranetAddress"],
            "localhost"
        );
        assert_eq!(flag[1]["tenantConnections"][0]["intranetPort"], 4001);
        let other = set.entries("obother");
        assert_eq!(
            other[0]["tenantConnections"][0]["intranetAddress"],
            "127.0.0.1"
        );
        assert_eq!(other[0]["tenantConnections"][0]["intranetPort"], 1);
        assert_eq!(tenant_summary(&other[0])["tenantMode"], "MySQL");
        assert_eq!(filter_by_ids(flag.clone(), Some("t2, t9")).len(), 1);
        assert_eq!(filter_by_ids(flag, Some("")).len(), 2);
    }

    #[test]
    fn a_tenant_file_that_is_not_an_array_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        write_tenant_file(dir.path(), "obx", r#"{"tenantId":"t"}"#);
        let e = TenantSet::default().read_dir(dir.path()).unwrap_err();
        assert!(e.to_string().contains("obx.json"), "{e}");
    }
}
