//! `check --wire` in the reports: each address's object in `check -o json`, and the
//! per-address Prometheus families of `check -o prometheus`, labelled by `instance_id`,
//! `tenant_id`, `tenant_name`, `address` (`HOST:PORT`) and `network`.

use super::error::error_object;
use super::exposition::FamilyHead;
use crate::check::addresses::{AddressChecked, WireChecked};
use crate::probe::{Plaintext, Trust, WireFacts};
use serde_json::{json, Value};

/// `"wire"` of an instance in `check -o json`: `{"addresses": [...]}`, each with the tenant,
/// the address, its state, findings and the facts read (as `obssl probe -o json` tells them);
/// or `{"addresses": [], "error": ...}` when the addresses could not be read.
pub fn wire_object(wire: &WireChecked) -> Value {
    let mut object = match &wire.result {
        Err(e) => json!({ "addresses": [], "error": error_object(e) }),
        Ok(addresses) => json!({
            "addresses": addresses.iter().map(address_object).collect::<Vec<Value>>(),
        }),
    };
    object["addressSource"] = json!(wire.source);
    object["skipped"] = wire
        .skipped
        .iter()
        .map(|s| {
            let mut o = json!(s);
            if s.reason == crate::api::tenants::SkipReason::Incomplete {
                let finding = WireChecked::incomplete_finding(s);
                o["state"] = json!(finding.state.as_str());
                o["finding"] = json!(finding);
            }
            o
        })
        .collect();
    if let Some(problem) = &wire.ca_problem {
        object["caProblem"] = json!(problem);
    }
    object
}

fn address_object(checked: &AddressChecked) -> Value {
    let a = checked.tenant.as_ref();
    json!({
        "tenantId": a.map(|a| &a.tenant_id),
        "tenantName": a.map(|a| &a.tenant_name),
        "tenantMode": a.and_then(|a| a.tenant_mode.as_ref()),
        "addressType": a.and_then(|a| a.address_type.as_ref()),
        "network": checked.network(),
        "address": checked.host_port(),
        "host": checked.target.host,
        "ip": a.and_then(|a| a.ip.as_ref()),
        "port": checked.target.port,
        "status": a.and_then(|a| a.status.as_ref()),
        "useSSL": a.and_then(|a| a.use_ssl),
        "state": checked.state().as_str(),
        "findings": checked.findings,
        "facts": checked.facts,
    })
}

/// The value of a wire series of one address; `None` leaves the series out.
type WireValue = fn(&WireFacts) -> Option<f64>;

fn flag(yes: bool) -> f64 {
    if yes {
        1.0
    } else {
        0.0
    }
}

/// The per-address families (`check --wire`), each written after the instance's CA
/// families and left out when no address has a series in it. A series is left out where
/// the probe did not learn its value (an address not reached has only
/// `obssl_wire_reachable`; one not probed, none).
pub const WIRE_FAMILIES: [(FamilyHead, WireValue); 5] = [
    (
        FamilyHead::gauge(
            "obssl_wire_reachable",
            "Whether the probe reached the tenant address and read its MySQL handshake (and TLS, when offered): 1 yes, 0 no.",
        ),
        |f| Some(flag(f.unreached.is_none())),
    ),
    (
        FamilyHead::gauge(
            "obssl_wire_tls",
            "Whether the tenant address negotiated TLS after the MySQL SSLRequest: 1 yes, 0 no (not offered or failed).",
        ),
        |f| {
            if f.tls.is_some() {
                Some(1.0)
            } else if f.tls_offered == Some(false) || f.tls_failure.is_some() {
                Some(0.0)
            } else {
                None
            }
        },
    ),
    (
        FamilyHead::gauge(
            "obssl_wire_cert_not_after_timestamp_seconds",
            "When the certificate the tenant address serves expires, as a Unix timestamp in seconds.",
        ),
        |f| {
            let leaf = f.leaf()?;
            (leaf.not_after != jiff::Timestamp::MIN).then(|| leaf.not_after.as_second() as f64)
        },
    ),
    (
        FamilyHead::gauge(
            "obssl_wire_chain_trusted",
            "Whether the served chain verifies against the instance's CA (caUrl): 1 yes, 0 no.",
        ),
        |f| match f.trust {
            Trust::Trusted => Some(1.0),
            Trust::Untrusted(_) => Some(0.0),
            Trust::NotChecked(_) => None,
        },
    ),
    (
        FamilyHead::gauge(
            "obssl_wire_plaintext_refused",
            "Whether the tenant address refused a login without TLS that it accepted over TLS (check --wire --db-user): 1 yes, 0 no.",
        ),
        |f| match f.plaintext {
            Plaintext::Refused { .. } => Some(1.0),
            Plaintext::Accepted => Some(0.0),
            _ => None,
        },
    ),
];

/// One probed tenant address: its labels and the value of each family of
/// [`WIRE_FAMILIES`] (`None`: the probe did not learn it, the series is left out).
#[derive(Debug, Clone, PartialEq)]
pub struct WireSeries {
    pub tenant_id: Box<str>,
    pub tenant_name: Box<str>,
    pub address: Box<str>,
    pub network: &'static str,
    pub values: [Option<f64>; WIRE_FAMILIES.len()],
}

impl WireSeries {
    /// The labels that name the address, after the instance's.
    pub fn labels(&self) -> [(&'static str, &str); 4] {
        [
            ("tenant_id", &self.tenant_id),
            ("tenant_name", &self.tenant_name),
            ("address", &self.address),
            ("network", self.network),
        ]
    }
}

/// One instance's probed addresses (none without `--wire`; an address not
/// probed has none).
pub fn wire_series(wire: Option<&WireChecked>) -> Box<[WireSeries]> {
    let Some(Ok(addresses)) = wire.map(|w| &w.result) else {
        return Box::default();
    };
    addresses
        .iter()
        .filter_map(|checked| {
            let facts = checked.facts.as_ref()?;
            let (tenant_id, tenant_name) = checked
                .tenant
                .as_ref()
                .map_or(("", ""), |a| (a.tenant_id.as_str(), a.tenant_name.as_str()));
            Some(WireSeries {
                tenant_id: tenant_id.into(),
                tenant_name: tenant_name.into(),
                address: checked.host_port().into(),
                network: checked.network(),
                values: WIRE_FAMILIES.map(|(_, value)| value(facts)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::tenants::{Network, TenantAddress};
    use crate::check::State;
    use crate::probe::{Finding, ServedCert, TlsSession};

    fn address(name: &str, network: Network, port: u16) -> TenantAddress {
        TenantAddress {
            tenant_id: format!("t-{name}"),
            tenant_name: name.into(),
            tenant_mode: Some("MySQL".into()),
            address_type: Some("MASTER".into()),
            network,
            host: "db.example".into(),
            ip: None,
            port,
            status: Some("ONLINE".into()),
            use_ssl: Some(true),
        }
    }

    /// A probe that negotiated TLS 1.3 and read a chain, with this trust and plaintext.
    fn tls_facts(trust: Trust, plaintext: Plaintext) -> WireFacts {
        WireFacts {
            host: "db.example".into(),
            port: 3306,
            peer: Some("127.0.0.1:3306".into()),
            unreached: None,
            server_version: Some("10.11.6-MariaDB".into()),
            connection_id: Some(3),
            tls_offered: Some(true),
            tls: Some(TlsSession {
                version: "TLSv1.3".into(),
                cipher_suite: "TLS13_AES_256_GCM_SHA384".into(),
            }),
            tls_failure: None,
            chain: vec![ServedCert {
                subject: "CN=db.example".into(),
                sans: vec!["DNS:db.example".into()],
                issuer: "CN=CA".into(),
                serial: "01".into(),
                sha256: "ab".repeat(32),
                not_before: "2026-01-01T00:00:00Z".parse().unwrap(),
                not_after: "2027-01-01T00:00:00Z".parse().unwrap(),
            }],
            trust,
            name_matches: Some(true),
            plaintext,
            elapsed_ms: 4,
        }
    }

    fn unreached() -> WireFacts {
        WireFacts {
            unreached: Some(crate::probe::Unreached {
                stage: "connect",
                error: "refused".into(),
                elapsed_ms: 0,
            }),
            tls_offered: None,
            tls: None,
            chain: Vec::new(),
            trust: Trust::NotChecked("no TLS session".into()),
            name_matches: None,
            plaintext: Plaintext::NotTested { reason: "-".into() },
            ..tls_facts(Trust::Trusted, Plaintext::Accepted)
        }
    }

    fn wire() -> WireChecked {
        let checked = |name, network, port, facts: Option<WireFacts>, findings| AddressChecked {
            tenant: Some(address(name, network, port)),
            target: crate::probe::Target {
                host: "db.example".into(),
                port,
            },
            facts,
            findings,
        };
        WireChecked {
            source: None,
            skipped: Vec::new(),
            result: Ok(vec![
                checked(
                    "app\"1",
                    Network::Intranet,
                    3306,
                    Some(tls_facts(Trust::Trusted, Plaintext::Accepted)),
                    vec![],
                ),
                checked(
                    "app2",
                    Network::Internet,
                    3307,
                    Some(tls_facts(
                        Trust::Untrusted("UnknownIssuer".into()),
                        Plaintext::Refused {
                            error: crate::probe::mysql::ServerError {
                                code: 1045,
                                sql_state: Some("28000".into()),
                                message: "Access denied".into(),
                            },
                        },
                    )),
                    vec![Finding {
                        name: "untrusted",
                        state: State::Critical,
                        detail: "no".into(),
                    }],
                ),
                checked("app3", Network::Intranet, 1, Some(unreached()), vec![]),
                checked("app4", Network::Intranet, 2, None, vec![]),
            ]),
            ca_problem: None,
        }
    }

    #[test]
    fn each_address_gets_the_series_its_probe_learnt() {
        let addresses = wire_series(Some(&wire()));
        let mut text = String::new();
        for (i, (head, _)) in WIRE_FAMILIES.iter().enumerate() {
            for s in addresses.iter() {
                if let Some(v) = s.values[i] {
                    let mut labels = vec![("instance_id", "ob\\x")];
                    labels.extend(s.labels());
                    text.push_str(&head.sample(&labels, v));
                }
            }
        }
        let labels = |tenant: &str, name: &str, address: &str, network: &str| {
            format!(
                "{{instance_id=\"ob\\\\x\",tenant_id=\"t-{tenant}\",tenant_name=\"{name}\",address=\"{address}\",network=\"{network}\"}}"
            )
        };
        let one = labels("app\\\"1", "app\\\"1", "db.example:3306", "intranet");
        let two = labels("app2", "app2", "db.example:3307", "internet");
        let three = labels("app3", "app3", "db.example:1", "intranet");
        let expected = [
            format!("obssl_wire_reachable{one} 1"),
            format!("obssl_wire_reachable{two} 1"),
            format!("obssl_wire_reachable{three} 0"),
            format!("obssl_wire_tls{one} 1"),
            format!("obssl_wire_tls{two} 1"),
            format!("obssl_wire_cert_not_after_timestamp_seconds{one} 1798761600"),
            format!("obssl_wire_cert_not_after_timestamp_seconds{two} 1798761600"),
            format!("obssl_wire_chain_trusted{one} 1"),
            format!("obssl_wire_chain_trusted{two} 0"),
            format!("obssl_wire_plaintext_refused{one} 0"),
            format!("obssl_wire_plaintext_refused{two} 1"),
        ];
        let series: Vec<&str> = text.lines().collect();
        assert_eq!(series, expected, "{text}");
        assert_eq!(addresses.len(), 3);
        assert!(!text.contains("app4"), "not probed: no series");
        assert!(wire_series(None).is_empty());
    }

    #[test]
    fn the_json_object_names_tenant_address_state_and_facts() {
        let object = wire_object(&wire());
        let addresses = object["addresses"].as_array().unwrap();
        assert_eq!(addresses.len(), 4);
        assert_eq!(addresses[1]["address"], "db.example:3307");
        assert_eq!(addresses[1]["network"], "internet");
        assert_eq!(addresses[1]["state"], "CRITICAL");
        assert_eq!(addresses[1]["findings"][0]["name"], "untrusted");
        assert_eq!(addresses[1]["facts"]["tls"]["version"], "TLSv1.3");
        assert_eq!(addresses[0]["state"], "OK");
        assert_eq!(addresses[3]["facts"], Value::Null);
        let failed = wire_object(&WireChecked {
            source: None,
            skipped: Vec::new(),
            result: Err(crate::error::Error::network("down")),
            ca_problem: Some("no CA".into()),
        });
        assert_eq!(failed["addresses"], json!([]));
        assert_eq!(failed["error"]["message"], "down");
        assert_eq!(failed["caProblem"], "no CA");
    }
}
