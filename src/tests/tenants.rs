//! `Api::discover_addresses` against the mock, in process: digest auth, paging, both forms of
//! the answer, the tenant-list fallback, every shape of the vendor's schema, errors.

use super::handshake::{client_for, start_mock, SECRET};
use crate::api::tenants::{AddressSource, Network, SkipReason, TenantAddress};
use crate::error::ErrorKind;
use obssl_mock::{MockConfig, MockTenantAddress};

fn given(instance: &str, port: u16) -> MockTenantAddress {
    format!("{instance}=127.0.0.1:{port}").parse().unwrap()
}

#[test]
fn every_page_is_read_with_one_request_id_and_signed() {
    // 45 tenants: three pages of 20.
    let mock = start_mock(MockConfig {
        tenant_addresses: (1..=45)
            .map(|n| given("obcluster-demo", 40_000 + n))
            .collect(),
        ..MockConfig::default()
    });
    let api = client_for(&mock, SECRET);
    let found = api
        .discover_addresses("obcluster-demo", Some("rid-t"))
        .unwrap();
    assert_eq!(found.source, AddressSource::AddressInfo);
    assert_eq!(found.tenants, 45);
    // Each tenant: its intranet address (given) and its closed internet one, skipped.
    let addresses = &found.addresses;
    assert_eq!(addresses.len(), 45);
    assert!(addresses.iter().all(|a| a.network == Network::Intranet));
    assert_eq!(
        addresses.iter().map(|a| a.port).collect::<Vec<_>>(),
        (40_001..=40_045).collect::<Vec<u16>>(),
        "in API order"
    );
    assert_eq!(addresses[44].tenant_name, "app45");
    assert!(addresses.iter().all(|a| a.use_ssl == Some(true)));
    assert_eq!(found.skipped.len(), 45);
    assert!(found
        .skipped
        .iter()
        .all(|s| s.reason == SkipReason::NotOnline && s.network == Some(Network::Internet)));
    let pages: Vec<String> = mock
        .requests()
        .into_iter()
        .filter(|r| r.status == 200)
        .map(|r| r.url)
        .collect();
    assert_eq!(
        pages,
        (1..=3)
            .map(|n| format!(
                "/api/v2/instances/obcluster-demo/address/info?requestId=rid-t&pageNumber={n}&pageSize=20"
            ))
            .collect::<Vec<_>>()
    );
}

#[test]
fn an_instance_without_given_addresses_points_at_the_closed_port() {
    let mock = start_mock(MockConfig::default());
    let api = client_for(&mock, SECRET);
    let found = api.discover_addresses("obxxx", None).unwrap();
    assert_eq!(
        (found.addresses[0].host.as_str(), found.addresses[0].port),
        obssl_mock::CLOSED_ADDRESS
    );
}

#[test]
fn a_tenant_list_without_total_is_read_until_a_short_page() {
    let id = obssl_mock::NO_ADDRESS_INFO;
    let mock = start_mock(MockConfig {
        tenant_addresses: (1..=25).map(|n| given(id, 41_000 + n)).collect(),
        ..MockConfig::default()
    });
    let api = client_for(&mock, SECRET);
    let found = api.discover_addresses(id, Some("rid-p")).unwrap();
    assert_eq!(found.source, AddressSource::TenantList);
    assert_eq!(found.tenants, 25);
    assert_eq!(found.addresses.len(), 25);
    let pages: Vec<String> = mock
        .requests()
        .into_iter()
        .filter(|r| r.status == 200)
        .map(|r| r.url)
        .collect();
    assert_eq!(
        pages,
        (1..=2)
            .map(|n| format!(
                "/api/v2/instances/{id}/tenants?requestId=rid-p&pageNumber={n}&pageSize=20"
            ))
            .collect::<Vec<_>>()
    );
}

#[test]
fn without_address_info_the_tenant_list_gives_the_same_connections() {
    let mock = start_mock(MockConfig {
        tenant_addresses: vec![given(obssl_mock::NO_ADDRESS_INFO, 4000)],
        ..MockConfig::default()
    });
    let api = client_for(&mock, SECRET);
    let found = api
        .discover_addresses(obssl_mock::NO_ADDRESS_INFO, Some("rid-f"))
        .unwrap();
    assert_eq!(found.source, AddressSource::TenantList);
    assert_eq!(found.addresses.len(), 1);
    assert_eq!(
        (found.addresses[0].host.as_str(), found.addresses[0].port),
        ("127.0.0.1", 4000)
    );
    let urls: Vec<(u16, String)> = mock
        .requests()
        .into_iter()
        .filter(|r| r.status != 401)
        .map(|r| (r.status, r.url))
        .collect();
    let id = obssl_mock::NO_ADDRESS_INFO;
    assert_eq!(
        urls,
        [
            (
                404,
                format!(
                    "/api/v2/instances/{id}/address/info?requestId=rid-f&pageNumber=1&pageSize=20"
                )
            ),
            (
                200,
                format!("/api/v2/instances/{id}/tenants?requestId=rid-f&pageNumber=1&pageSize=20")
            ),
        ]
    );
}

#[test]
fn the_shapes_instance_mixes_every_side_and_accounts_for_each_connection() {
    let mock = start_mock(MockConfig::default());
    let api = client_for(&mock, SECRET);
    let found = api
        .discover_addresses(obssl_mock::WIRE_SHAPES, None)
        .unwrap();
    let got: Vec<(&str, Network, &str, Option<&str>, u16)> = found
        .addresses
        .iter()
        .map(|a| {
            (
                a.tenant_name.as_str(),
                a.network,
                a.host.as_str(),
                a.ip.as_deref(),
                a.port,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("shapes", Network::Intranet, "localhost", None, 1),
            ("shapes", Network::Peering, "::1", None, 1),
            (
                "shapes",
                Network::PrivateLink,
                "localhost",
                Some("127.0.0.1"),
                1
            ),
            ("flat", Network::Intranet, "127.0.0.1", None, 1),
        ]
    );
    let skipped: Vec<(SkipReason, Option<Network>, &str)> = found
        .skipped
        .iter()
        .map(|s| (s.reason, s.network, s.detail.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (
                SkipReason::NotOnline,
                Some(Network::Internet),
                "its status is CLOSED"
            ),
            (
                SkipReason::Incomplete,
                Some(Network::Intranet),
                "no `intranetPort`"
            ),
        ]
    );
}

#[test]
fn a_fixtures_file_in_the_flat_form_is_read_and_a_hostile_host_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("tenants")).unwrap();
    std::fs::write(
        dir.path().join("tenants/obcluster-demo.json"),
        r#"[{"tenantId":"tflat","tenantName":"flat","tenantCompatibilityMode":"Oracle",
             "addressType":"READONLY","addressStatus":"ONLINE","useSSL":false,
             "intranetAddress":"db.internal.example","intranetPort":2883,"newField":[1]}]"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tenants/obxxx.json"),
        r#"[{"tenantId":"tbad","intranetAddress":"db\u001b]0;pwned\u0007","intranetPort":3306}]"#,
    )
    .unwrap();
    let mock = start_mock(MockConfig {
        fixtures_dir: Some(dir.path().to_owned()),
        ..MockConfig::default()
    });
    let api = client_for(&mock, SECRET);
    let found = api.discover_addresses("obcluster-demo", None).unwrap();
    assert_eq!(
        found.addresses,
        [TenantAddress {
            tenant_id: "tflat".into(),
            tenant_name: "flat".into(),
            tenant_mode: Some("Oracle".into()),
            address_type: Some("READONLY".into()),
            network: Network::Intranet,
            host: "db.internal.example".into(),
            ip: None,
            port: 2883,
            status: Some("ONLINE".into()),
            use_ssl: Some(false),
        }]
    );
    let found = api.discover_addresses("obxxx", None).unwrap();
    assert!(found.addresses.is_empty());
    let s = &found.skipped[0];
    assert_eq!(
        (s.reason, s.tenant_id.as_str()),
        (SkipReason::Incomplete, "tbad")
    );
    assert!(
        s.detail
            .starts_with("`intranetAddress` db\\u{1b}]0;pwned\\u{7}:"),
        "{}",
        s.detail
    );
}

#[test]
fn unknown_and_failing_instances_are_api_errors() {
    let mock = start_mock(MockConfig::default());
    let api = client_for(&mock, SECRET);
    let e = api.discover_addresses("obnope", None).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Api);
    assert_eq!(e.api.as_ref().unwrap().status, 404);
    assert!(
        e.message.contains("tenant addresses of instance obnope"),
        "{}",
        e.message
    );
    let e = api
        .discover_addresses("mock-server-error", None)
        .unwrap_err();
    assert_eq!(e.api.as_ref().unwrap().status, 500);
    let e = api.discover_addresses("a/b", None).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Usage);
}
