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

use super::{new_request_id, Api};
use crate::error::{ApiFailure, Error, Result};

mod model;
mod page;

pub use model::*;
pub use page::parse_address_page;

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

#[cfg(test)]
mod tests {
    use super::page::AddressPage;
    use super::*;
    use crate::client::HttpAnswer;
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
