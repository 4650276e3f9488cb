//! The instances the mock knows: built-in fixtures and those loaded from a fixtures directory.

use std::io;
use std::path::Path;

use serde_json::{json, Value};

use super::fixture_files::read_fixture_dir;
use super::tenants::TenantSet;

/// The CA download URL of the API reference's example.
pub(crate) const EXAMPLE_CA_URL: &str =
    "https://oceanbase-aliyun-docs.oss-cn-hangzhou.aliyuncs.com/mc_certification/OceanBase-CA.zip";

/// What the mock answers for one instance id.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fixture {
    /// HTTP 200, `success: true`, with this `data` object (key order kept).
    Data(Value),
    /// HTTP 200 with a healthy instance (SSL on and forced) whose certificate expires this many
    /// days after the moment of the answer (negative: expired that long ago), with the
    /// `overrides` fields then replaced.
    Relative {
        instance_id: String,
        days: i64,
        overrides: Vec<(&'static str, Value)>,
    },
    /// A JSON error envelope with this HTTP status.
    ErrorEnvelope {
        status: u16,
        error_code: &'static str,
        /// `errorMessage` (most endpoints) or `message` (a few).
        message_field: &'static str,
        message: String,
    },
    /// HTTP 200 with an HTML page instead of JSON (a captive portal or misrouted gateway).
    HtmlPage,
    /// This status and JSON body exactly (no `requestId` echo), with these extra headers:
    /// the `hostile-*` fixtures.
    Raw {
        status: u16,
        body: Value,
        headers: Vec<(&'static str, String)>,
    },
}

/// Instance ids and their fixtures, built-ins first, in a stable order, then the generated ones.
#[derive(Debug, Clone)]
pub(crate) struct FixtureSet {
    entries: Vec<(String, Fixture)>,
    /// How many healthy `obcluster-gen-0001`... instances exist besides `entries`.
    generated: usize,
    /// The tenants of the instances and their addresses.
    tenants: TenantSet,
    /// `instanceName`s the instance list gives instead of [`default_name`].
    names: Vec<(String, String)>,
}

/// The prefix of the ids of generated instances.
const GENERATED_PREFIX: &str = "obcluster-gen-";

/// The prefix of the ids whose answer is an error; they are left out of the instance list.
pub(crate) const ERROR_FIXTURE_PREFIX: &str = "mock-";

/// The API reference's example instance: answered on request with the reference's answer
/// exactly, `caUrl` on the real download host included, but never listed, so that no
/// `--all` run against the mock (`check --all --ca`, `ca --all`) reaches beyond loopback.
pub(crate) const REFERENCE_EXAMPLE_ID: &str = "obxxx";

/// The instance id the docs use for "your instance": a healthy instance, listed.
pub(crate) const DOCS_EXAMPLE_ID: &str = "obcluster-xxxx";

/// Whether the instance list leaves `instance_id` out: the error fixtures and the
/// reference's example.
fn unlisted(instance_id: &str) -> bool {
    instance_id.starts_with(ERROR_FIXTURE_PREFIX) || instance_id == REFERENCE_EXAMPLE_ID
}

/// The prefix of the hostile fixtures (terminal escapes everywhere): served when asked for,
/// never listed (like the `fault-*` ids).
pub(crate) const HOSTILE_FIXTURE_PREFIX: &str = "hostile-";

/// What a hostile server puts in every text: an OSC 52 clipboard write, a screen clear,
/// a title change, an OSC 8 link, a carriage return, a newline that forges a plugin line,
/// a TAB that forges a field, a C1 CSI (U+009B) and a bidi override (U+202E).
pub const HOSTILE_TEXT: &str = "\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J\u{1b}]0;pwned\u{7}\
     \u{1b}]8;;http://evil.example/\u{1b}\\link\u{1b}]8;;\u{1b}\\\r\nWARNING forged: line\
     \tforged-field\u{9b}31m\u{202e}txt.exe";

/// The hostile fixtures: `hostile-fields` (every value, and a field name, hold
/// [`HOSTILE_TEXT`]), `hostile-error` (an error envelope whose `errorCode`, `errorMessage` and
/// `requestId` hold it), `hostile-headers` (a normal answer with C1 and bidi characters in a
/// header value, bytes HTTP allows), `hostile-header-escape` (a raw ESC byte in a header
/// value, which HTTP does not allow), `hostile-ca` (healthy, but its `caUrl` is the hostile
/// CA's archive followed by a C1 control U+0085, which downloading trims as white space).
fn hostile_fixtures() -> Vec<(String, Fixture)> {
    let text = || json!(HOSTILE_TEXT);
    let mut fields = documented_example();
    for (_, value) in fields.as_object_mut().expect("an object").iter_mut() {
        *value = text();
    }
    fields[format!("x{HOSTILE_TEXT}")] = text();
    let ok = json!({"data": documented_example(), "requestId": "hostile", "success": true});
    vec![
        ("hostile-fields".to_owned(), Fixture::Data(fields)),
        relative(
            "hostile-ca",
            200,
            vec![(
                "caUrl",
                json!(format!("{}\u{85}", super::ca::HOSTILE_CA_ZIP_PATH)),
            )],
        ),
        (
            "hostile-error".to_owned(),
            Fixture::Raw {
                status: 400,
                body: json!({"success": false, "errorCode": text(), "errorMessage": text(),
                             "requestId": text()}),
                headers: Vec::new(),
            },
        ),
        (
            "hostile-headers".to_owned(),
            Fixture::Raw {
                status: 200,
                body: ok.clone(),
                headers: vec![("X-Hostile", "a\u{9b}31m\u{202e}b\u{85}c".to_owned())],
            },
        ),
        (
            "hostile-header-escape".to_owned(),
            Fixture::Raw {
                status: 200,
                body: ok,
                headers: vec![("X-Hostile", "a\u{1b}]0;pwned\u{7}b".to_owned())],
            },
        ),
    ]
}

/// The name the instance list gives an instance unless told otherwise: its id
/// without `obcluster-` (`obcluster-demo` is `demo`); any other id is its own name.
fn default_name(instance_id: &str) -> String {
    instance_id
        .strip_prefix("obcluster-")
        .unwrap_or(instance_id)
        .to_string()
}

/// The id of the `n`th generated instance (from 1): `obcluster-gen-0001`.
pub(crate) fn generated_id(n: usize) -> String {
    format!("{GENERATED_PREFIX}{n:04}")
}

fn relative(
    instance_id: &str,
    days: i64,
    overrides: Vec<(&'static str, Value)>,
) -> (String, Fixture) {
    (
        instance_id.to_owned(),
        Fixture::Relative {
            instance_id: instance_id.to_owned(),
            days,
            overrides,
        },
    )
}

impl FixtureSet {
    /// The built-in fixtures (see the module documentation for the table).
    pub(crate) fn builtin() -> Self {
        let entries = vec![
            (
                REFERENCE_EXAMPLE_ID.to_owned(),
                Fixture::Data(documented_example()),
            ),
            relative(DOCS_EXAMPLE_ID, 200, vec![]),
            relative("obcluster-demo", 200, vec![]),
            ("obcluster-nulls".to_owned(), Fixture::Data(with_nulls())),
            (
                "obcluster-extra".to_owned(),
                Fixture::Data(with_unknown_fields()),
            ),
            (
                "obcluster-legacy-date".to_owned(),
                Fixture::Data(with_legacy_date()),
            ),
            // One per `obssl check` state, dated relative to the moment of the answer.
            relative("obcluster-expiring-soon", 3, vec![]),
            relative("obcluster-expiring-warn", 20, vec![]),
            relative("obcluster-expired", -2, vec![]),
            relative(
                "obcluster-ssl-off",
                200,
                vec![
                    ("enableSSL", json!("CLOSE")),
                    ("forceSSL", json!("CLOSE")),
                    ("status", json!("CLOSE")),
                ],
            ),
            relative(
                "obcluster-not-forced",
                200,
                vec![("forceSSL", json!("CLOSE"))],
            ),
            relative(
                "obcluster-no-auto-update",
                200,
                vec![("autoUpdate", json!("CLOSE"))],
            ),
            relative(
                "obcluster-bad-date",
                200,
                vec![("validPeriod", json!("not a date"))],
            ),
            relative(
                "obcluster-cert-invalid",
                200,
                vec![("certValid", json!(false))],
            ),
            // For `obssl ca` and `check --ca`: a CA that expires soon, and a broken archive.
            relative(
                "obcluster-ca-expiring",
                200,
                vec![("caUrl", json!(super::ca::EXPIRING_CA_ZIP_PATH))],
            ),
            relative(
                "obcluster-ca-broken",
                200,
                vec![("caUrl", json!(super::ca::BROKEN_CA_ZIP_PATH))],
            ),
            (
                "mock-not-found".to_owned(),
                Fixture::ErrorEnvelope {
                    status: 404,
                    error_code: "InstanceNotFound",
                    message_field: "errorMessage",
                    message: "Instance mock-not-found not found".to_owned(),
                },
            ),
            (
                "mock-success-false".to_owned(),
                Fixture::ErrorEnvelope {
                    status: 200,
                    error_code: "E001R000",
                    message_field: "errorMessage",
                    message: "Unknown Error".to_owned(),
                },
            ),
            (
                "mock-server-error".to_owned(),
                Fixture::ErrorEnvelope {
                    status: 500,
                    error_code: "InternalError",
                    message_field: "errorMessage",
                    message: "The request processing has failed due to some unknown error"
                        .to_owned(),
                },
            ),
            ("mock-not-json".to_owned(), Fixture::HtmlPage),
            (
                "mock-message-field".to_owned(),
                Fixture::ErrorEnvelope {
                    status: 400,
                    error_code: "InvalidParameter",
                    message_field: "message",
                    message: "The specified parameter is invalid".to_owned(),
                },
            ),
        ];
        FixtureSet {
            entries,
            generated: 0,
            tenants: TenantSet::default(),
            names: Vec::new(),
        }
    }

    /// The same set with `count` generated healthy instances `obcluster-gen-0001`... added.
    pub(crate) fn with_generated(mut self, count: usize) -> Self {
        self.generated = count;
        self
    }

    /// The same set with these tenants (see the `tenants` module).
    pub(crate) fn with_tenants(mut self, tenants: TenantSet) -> Self {
        self.tenants = tenants;
        self
    }

    /// The `address/info` entries of the tenants of `instance_id`, or, for an instance whose
    /// SSL answer is not a success (or an unknown one: `None`), that answer's fixture.
    pub(crate) fn tenant_entries(&self, instance_id: &str) -> Option<Result<Vec<Value>, Fixture>> {
        Some(match self.get(instance_id)? {
            Fixture::Data(_) | Fixture::Relative { .. } => Ok(self.tenants.entries(instance_id)),
            other => Err(other),
        })
    }

    /// The same set with these `(instance id, name)` pairs as the names the list gives.
    pub(crate) fn with_names(mut self, names: &[(String, String)]) -> Self {
        self.names = names.to_vec();
        self
    }

    /// The `instanceName` the instance list gives `instance_id`.
    pub(crate) fn name_of(&self, instance_id: &str) -> String {
        match self.names.iter().find(|(id, _)| id == instance_id) {
            Some((_, name)) => name.clone(),
            None => default_name(instance_id),
        }
    }

    /// Built-ins overridden or extended by every `*.json` file of `dir`
    /// (file stem = instance id, content = the `data` value).
    pub(crate) fn builtin_and_dir(dir: &Path) -> io::Result<Self> {
        let mut set = FixtureSet::builtin();
        for (instance_id, data) in read_fixture_dir(dir)? {
            set.insert(instance_id, Fixture::Data(data));
        }
        Ok(set)
    }

    pub(crate) fn get(&self, instance_id: &str) -> Option<Fixture> {
        if let Some((_, fixture)) = self.entries.iter().find(|(id, _)| id == instance_id) {
            return Some(fixture.clone());
        }
        // Served on request only: never listed, nor among `ids` (like the `fault-*` ids).
        if super::tenants::is_wire_fixture(instance_id) {
            return Some(relative(instance_id, 200, vec![]).1);
        }
        if instance_id.starts_with(HOSTILE_FIXTURE_PREFIX) {
            return hostile_fixtures()
                .into_iter()
                .find(|(id, _)| id == instance_id)
                .map(|(_, fixture)| fixture);
        }
        let n: usize = instance_id.strip_prefix(GENERATED_PREFIX)?.parse().ok()?;
        (n >= 1 && n <= self.generated && generated_id(n) == instance_id)
            .then(|| relative(instance_id, 200, vec![]).1)
    }

    /// Every instance id with a fixture: built-ins and directory fixtures, then generated ones.
    pub(crate) fn ids(&self) -> Vec<String> {
        self.entries
            .iter()
            .map(|(id, _)| id.clone())
            .chain((1..=self.generated).map(generated_id))
            .collect()
    }

    /// The ids `GET /api/v2/instances` lists: all but the error fixtures (`mock-*`), so that
    /// `obssl get --all` against the mock succeeds, and the reference's example `obxxx`,
    /// whose `caUrl` is on the real download host.
    pub(crate) fn listed_ids(&self) -> Vec<String> {
        self.ids().into_iter().filter(|id| !unlisted(id)).collect()
    }

    /// How many ids [`listed_ids`](Self::listed_ids) gives, and `take` of
    /// them after the first `skip`: one page of the list without making
    /// every id (a page of 100,000 generated instances costs a page).
    pub(crate) fn listed_page(&self, skip: usize, take: usize) -> (usize, Vec<String>) {
        // Generated ids are never error fixtures: only the entries are filtered.
        let entries: Vec<&String> = self
            .entries
            .iter()
            .map(|(id, _)| id)
            .filter(|id| !unlisted(id))
            .collect();
        let total = entries.len() + self.generated;
        let mut page: Vec<String> = entries
            .iter()
            .skip(skip)
            .take(take)
            .map(|id| id.to_string())
            .collect();
        let first_generated = skip.saturating_sub(entries.len()) + 1;
        let wanted = take - page.len();
        page.extend(
            (first_generated..=self.generated)
                .take(wanted)
                .map(generated_id),
        );
        (total, page)
    }

    fn insert(&mut self, instance_id: String, fixture: Fixture) {
        match self.entries.iter_mut().find(|(id, _)| *id == instance_id) {
            Some(entry) => entry.1 = fixture,
            None => self.entries.push((instance_id, fixture)),
        }
    }
}

/// The `data` object of the API reference's example answer, exactly.
pub(crate) fn documented_example() -> Value {
    json!({
        "autoUpdate": "OPEN",
        "caUrl": EXAMPLE_CA_URL,
        "certValid": true,
        "certificationType": "SSL",
        "enableSSL": "OPEN",
        "forceSSL": "CLOSE",
        "forceSSLSupport": true,
        "instanceId": "obxxx",
        "status": "OPEN",
        "validPeriod": "2026-12-10T04:11:13Z"
    })
}

/// A healthy instance: SSL on and forced, certificate valid until `valid_period`.
pub(crate) fn healthy_instance(instance_id: &str, valid_period: &str) -> Value {
    json!({
        "autoUpdate": "OPEN",
        // Made absolute against the mock's own address when answered.
        "caUrl": super::ca::CA_ZIP_PATH,
        "certValid": true,
        "certificationType": "SSL",
        "enableSSL": "OPEN",
        "forceSSL": "OPEN",
        "forceSSLSupport": true,
        "instanceId": instance_id,
        "status": "OPEN",
        "validPeriod": valid_period
    })
}

fn with_nulls() -> Value {
    // autoUpdate is missing on purpose.
    json!({
        "caUrl": null,
        "certValid": null,
        "certificationType": "SSL",
        "enableSSL": "OPEN",
        "forceSSL": "CLOSE",
        "forceSSLSupport": null,
        "instanceId": "obcluster-nulls",
        "status": "OPEN",
        "validPeriod": null
    })
}

fn with_unknown_fields() -> Value {
    json!({
        "autoUpdate": "CLOSE",
        "caUrl": super::ca::CA_ZIP_PATH,
        "certValid": true,
        "certificationType": "SSL",
        "cipherSuites": ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"],
        "enableSSL": "OPEN",
        "forceSSL": "OPEN",
        "forceSSLSupport": true,
        "instanceId": "obcluster-extra",
        "status": "OPEN",
        "tlsVersion": "TLSv1.3",
        "certificate": {
            "issuer": "CN=OceanBase Cloud CA",
            "serialNumber": "0a:1b:2c:3d",
            "keyUsage": ["digitalSignature", "keyEncipherment"]
        },
        "validPeriod": "2030-06-30T12:00:00Z"
    })
}

fn with_legacy_date() -> Value {
    json!({
        "autoUpdate": "OPEN",
        "caUrl": super::ca::CA_ZIP_PATH,
        "certValid": true,
        "certificationType": "SSL",
        "enableSSL": "OPEN",
        "forceSSL": "CLOSE",
        "forceSSLSupport": true,
        "instanceId": "obcluster-legacy-date",
        "status": "OPEN",
        "validPeriod": "2027-09-20 07:55:03.0"
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn documented_example_keeps_the_reference_key_order() {
        let text = serde_json::to_string(&documented_example()).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"autoUpdate":"OPEN","caUrl":"https://oceanbase-aliyun-docs.oss-cn-hangzhou.aliyuncs.com/mc_certification/OceanBase-CA.zip","#,
                r#""certValid":true,"certificationType":"SSL","enableSSL":"OPEN","forceSSL":"CLOSE","forceSSLSupport":true,"#,
                r#""instanceId":"obxxx","status":"OPEN","validPeriod":"2026-12-10T04:11:13Z"}"#
            )
        );
    }

    /// Only the reference's example points beyond the mock, and it is not listed: an `--all`
    /// run against the mock downloads every CA from the mock itself.
    #[test]
    fn every_listed_ca_url_is_on_the_mock() {
        let set = FixtureSet::builtin().with_generated(2);
        for id in set.listed_ids() {
            let data = match set.get(&id).unwrap() {
                Fixture::Data(data) => data,
                Fixture::Relative { .. } => continue, // the healthy instance's `/ca/` path
                other => panic!("{id}: {other:?}"),
            };
            let url = &data["caUrl"];
            assert!(
                url.is_null() || url.as_str().is_some_and(|u| u.starts_with("/ca/")),
                "{id}: {url}"
            );
        }
        let Some(Fixture::Data(example)) = set.get(REFERENCE_EXAMPLE_ID) else {
            panic!("obxxx is answered");
        };
        assert_eq!(example["caUrl"], EXAMPLE_CA_URL);
    }

    #[test]
    fn nulls_fixture_lacks_auto_update() {
        let data = with_nulls();
        assert!(data.get("autoUpdate").is_none());
        assert_eq!(data["validPeriod"], Value::Null);
    }

    #[test]
    fn dir_files_override_and_extend_builtins() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("obxxx.json"), r#"{"status":"CLOSE"}"#).unwrap();
        fs::write(dir.path().join("obmine.json"), r#"{"instanceId":"obmine"}"#).unwrap();
        fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
        let set = FixtureSet::builtin_and_dir(dir.path()).unwrap();
        assert_eq!(
            set.get("obxxx"),
            Some(Fixture::Data(json!({"status":"CLOSE"})))
        );
        assert_eq!(
            set.get("obmine"),
            Some(Fixture::Data(json!({"instanceId":"obmine"})))
        );
        assert!(set.get("notes").is_none());
        assert_eq!(set.ids().last().map(String::as_str), Some("obmine"));
    }

    #[test]
    fn a_listed_page_is_that_slice_of_the_listed_ids() {
        let set = FixtureSet::builtin().with_generated(250);
        let all = set.listed_ids();
        for skip in [
            0,
            5,
            all.len() - 260,
            100,
            200,
            all.len() - 3,
            all.len(),
            all.len() + 50,
        ] {
            for take in [0, 1, 7, 100] {
                let expected: Vec<String> = all.iter().skip(skip).take(take).cloned().collect();
                assert_eq!(
                    set.listed_page(skip, take),
                    (all.len(), expected),
                    "{skip} {take}"
                );
            }
        }
    }

    #[test]
    fn generated_instances_exist_and_are_listed_but_error_fixtures_are_not() {
        let set = FixtureSet::builtin().with_generated(12);
        assert!(set.get("obcluster-gen-0001").is_some());
        assert!(set.get("obcluster-gen-0012").is_some());
        for absent in [
            "obcluster-gen-0013",
            "obcluster-gen-0000",
            "obcluster-gen-1",
            "obcluster-gen-",
        ] {
            assert!(set.get(absent).is_none(), "{absent}");
        }
        let listed = set.listed_ids();
        assert_eq!(listed.first().map(String::as_str), Some(DOCS_EXAMPLE_ID));
        assert!(!listed.iter().any(|id| id == REFERENCE_EXAMPLE_ID));
        assert!(set.get(REFERENCE_EXAMPLE_ID).is_some());
        assert_eq!(
            listed.last().map(String::as_str),
            Some("obcluster-gen-0012")
        );
        assert!(listed.iter().all(|id| !id.starts_with("mock-")));
        assert!(set.ids().iter().any(|id| id == "mock-not-found"));
    }

    #[test]
    fn malformed_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("broken.json"), "{not json").unwrap();
        let error = FixtureSet::builtin_and_dir(dir.path()).unwrap_err();
        assert!(error.to_string().contains("broken.json"), "{error}");
    }

    #[test]
    fn missing_dir_is_an_error_naming_it() {
        let error = FixtureSet::builtin_and_dir(Path::new("/nonexistent/fixtures")).unwrap_err();
        assert!(
            error.to_string().contains("/nonexistent/fixtures"),
            "{error}"
        );
    }
}
