//! `Api::tenant_addresses` against the mock, in process: digest auth, paging, both forms of
//! the answer, errors.

use super::handshake::{client_for, start_mock, SECRET};
use crate::api::tenants::{Network, TenantAddress};
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
    let addresses = api
        .tenant_addresses("obcluster-demo", Some("rid-t"))
        .unwrap();
    // Each tenant: its intranet address (given) and its closed internet one.
    assert_eq!(addresses.len(), 90);
    let intranet: Vec<&TenantAddress> = addresses
        .iter()
        .filter(|a| a.network == Network::Intranet)
        .collect();
    assert_eq!(
        intranet.iter().map(|a| a.port).collect::<Vec<_>>(),
        (40_001..=40_045).collect::<Vec<u16>>(),
        "in API order"
    );
    assert_eq!(intranet[44].tenant_name, "app45");
    assert!(intranet
        .iter()
        .all(|a| a.is_online() && a.use_ssl == Some(true)));
    assert!(addresses
        .iter()
        .filter(|a| a.network == Network::Internet)
        .all(|a| !a.is_online()));
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
    let addresses = api.tenant_addresses("obxxx", None).unwrap();
    assert_eq!(
        (addresses[0].host.as_str(), addresses[0].port),
        obssl_mock::CLOSED_ADDRESS
    );
}

#[test]
fn a_fixtures_file_in_the_flat_form_is_read_and_a_hostile_one_refused() {
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
    let addresses = api.tenant_addresses("obcluster-demo", None).unwrap();
    assert_eq!(
        addresses,
        [TenantAddress {
            tenant_id: "tflat".into(),
            tenant_name: "flat".into(),
            tenant_mode: Some("Oracle".into()),
            address_type: Some("READONLY".into()),
            network: Network::Intranet,
            host: "db.internal.example".into(),
            port: 2883,
            status: Some("ONLINE".into()),
            use_ssl: Some(false),
        }]
    );
    let e = api.tenant_addresses("obxxx", None).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Api);
    assert!(
        e.message
            .starts_with("the API answer for the tenant addresses of instance obxxx (page 1) lists tenant tbad with `intranetAddress`"),
        "{}",
        e.message
    );
    assert!(!e.message.contains('\u{1b}'), "{}", e.message);
}

#[test]
fn unknown_and_failing_instances_are_api_errors() {
    let mock = start_mock(MockConfig::default());
    let api = client_for(&mock, SECRET);
    let e = api.tenant_addresses("obnope", None).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Api);
    assert_eq!(e.api.as_ref().unwrap().status, 404);
    assert!(
        e.message.contains("tenant addresses of instance obnope"),
        "{}",
        e.message
    );
    let e = api.tenant_addresses("mock-server-error", None).unwrap_err();
    assert_eq!(e.api.as_ref().unwrap().status, 500);
    let e = api.tenant_addresses("a/b", None).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Usage);
}
