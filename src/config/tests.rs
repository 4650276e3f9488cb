//! The resolution of every setting, source by source.

use super::file::ConfigFile;
use super::*;
use crate::error::{ErrorKind, Result};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

struct FakeEnv(HashMap<&'static str, &'static str>);
impl Environment for FakeEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.0.get(name).map(|v| v.to_string())
    }
}

fn env(pairs: &[(&'static str, &'static str)]) -> FakeEnv {
    FakeEnv(pairs.iter().copied().collect())
}

const PATH: &str = "/cfg/config.toml";

fn config(text: &str) -> ConfigSource {
    ConfigSource::from_file(ConfigFile::parse(Path::new(PATH), text).unwrap())
}

fn no_file() -> ConfigSource {
    config("")
}

const PROFILES: &str = r#"
[default]
access_key_id = "ak-profile"
access_key_secret = "sk-profile-secret"
endpoint = "http://127.0.0.1:7"
site = "cn"
project_id = "p-profile"
output = "json"

[work]
access_key_id = "ak-work"
access_key_secret = "sk-work-secret"
site = "global"

[half]
access_key_id = "ak-half"
"#;

fn resolve(
    flags: &FlagSettings,
    pairs: &[(&'static str, &'static str)],
    text: &str,
) -> Result<Resolution> {
    Resolution::resolve(flags, &env(pairs), &config(text))
}

#[test]
fn flag_beats_environment_beats_default() {
    let e = env(&[
        (ENV_ACCESS_KEY_ID, "ak"),
        (ENV_ACCESS_KEY_SECRET, "sk"),
        (ENV_ENDPOINT, "http://127.0.0.1:1"),
    ]);
    let from_env = Settings::resolve(&FlagSettings::default(), &e, &no_file()).unwrap();
    assert_eq!(from_env.endpoint.to_string(), "http://127.0.0.1:1");
    let flags = FlagSettings {
        endpoint: Some("http://127.0.0.1:2".into()),
        timeout_seconds: Some(2.0),
        ..Default::default()
    };
    let from_flag = Settings::resolve(&flags, &e, &no_file()).unwrap();
    assert_eq!(from_flag.endpoint.to_string(), "http://127.0.0.1:2");
    assert_eq!(from_flag.timeout, Duration::from_secs(2));
    let no_env = env(&[(ENV_ACCESS_KEY_ID, "ak"), (ENV_ACCESS_KEY_SECRET, "sk")]);
    let default = Settings::resolve(&FlagSettings::default(), &no_env, &no_file()).unwrap();
    assert_eq!(default.endpoint.to_string(), DEFAULT_ENDPOINT);
    assert_eq!(default.output, OutputFormat::Table);
    assert_eq!(default.project_id, None);
}

#[test]
fn half_a_pair_is_a_configuration_error() {
    for pairs in [
        &[(ENV_ACCESS_KEY_ID, "ak")][..],
        &[(ENV_ACCESS_KEY_SECRET, "sk")][..],
        &[(ENV_OB_ACCESS_KEY_ID, "ak")][..],
        &[][..],
    ] {
        let e = Settings::resolve(&FlagSettings::default(), &env(pairs), &no_file()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
    }
}

#[test]
fn refused_endpoint_wins_over_missing_credentials() {
    let flags = FlagSettings {
        endpoint: Some("http://example.com".into()),
        ..Default::default()
    };
    let e = Settings::resolve(&flags, &env(&[]), &no_file()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Usage);
}

#[test]
fn credentials_obssl_env_beats_oceanbase_env_beats_profile() {
    let all = [
        (ENV_ACCESS_KEY_ID, "ak-obssl"),
        (ENV_ACCESS_KEY_SECRET, "sk-obssl"),
        (ENV_OB_ACCESS_KEY_ID, "ak-ob"),
        (ENV_OB_ACCESS_KEY_SECRET, "sk-ob"),
    ];
    let f = FlagSettings::default();
    let r = resolve(&f, &all, PROFILES).unwrap();
    assert_eq!(r.access_key_id.unwrap().value, "ak-obssl");
    assert_eq!(
        r.credentials_source.unwrap(),
        "environment (OBSSL_ACCESS_KEY_ID/OBSSL_ACCESS_KEY_SECRET)"
    );
    let r = resolve(&f, &all[2..], PROFILES).unwrap();
    assert_eq!(r.access_key_id.unwrap().value, "ak-ob");
    assert_eq!(r.access_key_secret.unwrap().value.expose(), "sk-ob");
    let r = resolve(&f, &[], PROFILES).unwrap();
    let id = r.access_key_id.unwrap();
    assert_eq!(id.value, "ak-profile");
    assert_eq!(
        id.source,
        Source::Profile {
            path: PATH.into(),
            profile: "default".into()
        }
    );
    assert_eq!(
        r.credentials_source.unwrap(),
        format!("profile `default` in {PATH}")
    );
}

#[test]
fn a_lone_env_id_never_pairs_with_a_profile_secret() {
    let conflict = |flags: &FlagSettings, pairs, text| {
        resolve(flags, pairs, text).unwrap().pair_conflict.unwrap()
    };
    let lone_id = [(ENV_ACCESS_KEY_ID, "ak-env")];
    // `config list` sees each half with its own source...
    let r = resolve(&FlagSettings::default(), &lone_id, PROFILES).unwrap();
    let id = r.access_key_id.unwrap();
    assert_eq!(id.value, "ak-env");
    assert_eq!(id.source, Source::Env(ENV_ACCESS_KEY_ID.into()));
    let secret = r.access_key_secret.unwrap();
    assert_eq!(secret.value.expose(), "sk-profile-secret");
    assert!(matches!(secret.source, Source::Profile { .. }));
    assert!(r.credentials_source.is_none());
    // ...and Settings (what `get` uses) refuse them.
    let e =
        Settings::resolve(&FlagSettings::default(), &env(&lone_id), &config(PROFILES)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Config);
    assert!(
        e.message
            .contains("OBSSL_ACCESS_KEY_ID is set in the environment")
            && e.message.contains(&format!("profile `default` in {PATH}")),
        "{}",
        e.message
    );
    // OBSSL_* and OCEANBASE_* are different sources too.
    let e = conflict(
        &FlagSettings::default(),
        &[
            (ENV_OB_ACCESS_KEY_ID, "ak-ob"),
            (ENV_ACCESS_KEY_SECRET, "sk-obssl"),
        ],
        "",
    );
    assert!(
        e.message.contains("OBSSL_ACCESS_KEY_SECRET is set")
            && e.message.contains("OCEANBASE_ACCESS_KEY_ID"),
        "{}",
        e.message
    );
    // A profile with only the id.
    let flags = FlagSettings {
        profile: Some("half".into()),
        ..Default::default()
    };
    let e = conflict(&flags, &[], PROFILES);
    assert!(
        e.message.contains("access_key_id is set in profile `half`")
            && e.message.contains("access_key_secret is not"),
        "{}",
        e.message
    );
}

#[test]
fn endpoint_flag_beats_site_flag_beats_env_beats_profile() {
    let none = FlagSettings::default();
    let endpoint = |f: &FlagSettings, e: &[(&'static str, &'static str)], t: &str| {
        resolve(f, e, t).unwrap().endpoint
    };
    // Profile: endpoint beats site.
    assert_eq!(
        endpoint(&none, &[], PROFILES).value.to_string(),
        "http://127.0.0.1:7"
    );
    let work = FlagSettings {
        profile: Some("work".into()),
        ..Default::default()
    };
    assert_eq!(
        endpoint(&work, &[], PROFILES).value.to_string(),
        "https://g-api-cloud.oceanbase.com"
    );
    // OBSSL_SITE beats the profile, OBSSL_ENDPOINT beats OBSSL_SITE.
    let site_env = [(ENV_SITE, "cn")];
    let e = endpoint(&none, &site_env, PROFILES);
    assert_eq!(e.value.to_string(), "https://api-cloud-cn.oceanbase.com");
    assert_eq!(e.source, Source::Env(ENV_SITE.into()));
    let both_env = [(ENV_SITE, "cn"), (ENV_ENDPOINT, "http://127.0.0.1:8")];
    assert_eq!(
        endpoint(&none, &both_env, PROFILES).value.to_string(),
        "http://127.0.0.1:8"
    );
    // --site beats the environment; --endpoint beats --site.
    let site_flag = FlagSettings {
        site: Some(Site::Global),
        ..Default::default()
    };
    let e = endpoint(&site_flag, &both_env, PROFILES);
    assert_eq!(e.value.to_string(), "https://g-api-cloud.oceanbase.com");
    assert_eq!(e.source, Source::Flag("--site"));
    let both_flags = FlagSettings {
        site: Some(Site::Global),
        endpoint: Some("http://127.0.0.1:9".into()),
        ..Default::default()
    };
    assert_eq!(
        endpoint(&both_flags, &both_env, PROFILES).value.to_string(),
        "http://127.0.0.1:9"
    );
}

#[test]
fn project_id_and_output_flag_beats_env_beats_profile_beats_default() {
    let flags = FlagSettings {
        project_id: Some("p-flag".into()),
        output: Some(OutputFormat::Table),
        ..Default::default()
    };
    let e = [(ENV_PROJECT_ID, "p-env"), (ENV_OUTPUT, "table")];
    let r = resolve(&flags, &e, PROFILES).unwrap();
    assert_eq!(r.project_id.unwrap().value, "p-flag");
    assert_eq!(r.output.source, Source::Flag("--output"));
    let r = resolve(&FlagSettings::default(), &e, PROFILES).unwrap();
    assert_eq!(r.project_id.unwrap().value, "p-env");
    assert_eq!(r.output.value, OutputFormat::Table);
    let r = resolve(&FlagSettings::default(), &[], PROFILES).unwrap();
    assert_eq!(r.project_id.unwrap().value, "p-profile");
    assert_eq!(r.output.value, OutputFormat::Json);
    let r = resolve(&FlagSettings::default(), &[], "").unwrap();
    assert_eq!(r.project_id, None);
    assert_eq!(r.output.source, Source::Default);
}

#[test]
fn profile_flag_beats_env_beats_default_and_must_exist_when_named() {
    let flags = FlagSettings {
        profile: Some("work".into()),
        ..Default::default()
    };
    let r = resolve(&flags, &[(ENV_PROFILE, "nope")], PROFILES).unwrap();
    assert_eq!(r.access_key_id.unwrap().value, "ak-work");
    let e = resolve(&FlagSettings::default(), &[(ENV_PROFILE, "nope")], PROFILES).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Config);
    assert!(e.message.contains("`nope`"), "{}", e.message);
    let hint = e.hint.unwrap();
    assert!(hint.contains("default, work, half"), "{hint}");
    // The implicit default profile may be missing.
    let r = resolve(&FlagSettings::default(), &[], "[work]\n").unwrap();
    assert!(r.access_key_id.is_none());
}

#[test]
fn bad_values_name_their_source() {
    let e = resolve(&FlagSettings::default(), &[(ENV_SITE, "mars")], "").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Usage);
    assert!(e.message.contains("OBSSL_SITE"), "{}", e.message);
    let e = resolve(
        &FlagSettings::default(),
        &[],
        "[default]\noutput = \"xml\"\n",
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Config);
    assert!(e.message.contains("profile `default`"), "{}", e.message);
    let e = resolve(
        &FlagSettings::default(),
        &[],
        "[default]\nendpoint = \"http://10.0.0.1\"\n",
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Config);
}

/// A `'static` copy of `text`, for the fake environment.
fn leaked(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

#[test]
fn the_secret_file_variable_is_the_secret_half_of_the_obssl_pair() {
    let pairs = [
        (ENV_ACCESS_KEY_ID, "ak-env"),
        (ENV_ACCESS_KEY_SECRET_FILE, "/run/secrets/ak"),
    ];
    let r = resolve(&FlagSettings::default(), &pairs, PROFILES).unwrap();
    let secret = r.access_key_secret.unwrap();
    assert_eq!(secret.value, SecretRef::File("/run/secrets/ak".into()));
    assert_eq!(
        secret.source,
        Source::Env(ENV_ACCESS_KEY_SECRET_FILE.into())
    );
    assert_eq!(
        r.credentials_source.unwrap(),
        "environment (OBSSL_ACCESS_KEY_ID/OBSSL_ACCESS_KEY_SECRET_FILE)"
    );
    // Alone, it is half a pair; with the value, one too many.
    let lone = resolve(&FlagSettings::default(), &pairs[1..], PROFILES).unwrap();
    assert!(lone.pair_conflict.is_some());
    let both = [pairs[0], pairs[1], (ENV_ACCESS_KEY_SECRET, "sk")];
    let e = resolve(&FlagSettings::default(), &both, PROFILES).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Usage);
}

#[test]
fn a_profile_names_one_place_for_its_secret() {
    let flags = FlagSettings {
        profile: Some("p".into()),
        ..FlagSettings::default()
    };
    let store = "[p]\naccess_key_id = \"ak-p\"\naccess_key_secret_store = \"keyring\"\n";
    let r = resolve(&flags, &[], store).unwrap();
    assert_eq!(
        r.access_key_secret.unwrap().value,
        SecretRef::Store {
            service: "obssl",
            username: "ak-p".into()
        }
    );
    let command =
        "[p]\naccess_key_id = \"ak-p\"\naccess_key_secret_command = [\"pass\", \"show\", \"ak\"]\n";
    let r = resolve(&flags, &[], command).unwrap();
    assert_eq!(
        r.access_key_secret.unwrap().value,
        SecretRef::Command(vec!["pass".into(), "show".into(), "ak".into()])
    );
    for (text, says) in [
        (
            "[p]\naccess_key_id = \"a\"\naccess_key_secret = \"s\"\naccess_key_secret_store = \"keyring\"\n",
            "sets access_key_secret and access_key_secret_store",
        ),
        (
            "[p]\naccess_key_id = \"a\"\naccess_key_secret_store = \"vault\"\n",
            "the only store is \"keyring\"",
        ),
        (
            "[p]\naccess_key_secret_store = \"keyring\"\n",
            "needs access_key_id",
        ),
        (
            "[p]\naccess_key_id = \"a\"\naccess_key_secret_command = []\n",
            "must be a non-empty list of strings",
        ),
    ] {
        let e = resolve(&flags, &[], text).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config, "{text}");
        assert!(e.message.contains(says), "{text}: {}", e.message);
    }
}

#[test]
fn the_systemd_credential_completes_an_id_without_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("obssl-access-key-secret"), "sk\n").unwrap();
    let credentials = leaked(dir.path().display().to_string());
    let flags = FlagSettings {
        profile: Some("half".into()),
        ..FlagSettings::default()
    };
    let pairs = [("CREDENTIALS_DIRECTORY", credentials)];
    let r = resolve(&flags, &pairs, PROFILES).unwrap();
    let secret = r.access_key_secret.unwrap();
    assert_eq!(
        secret.value,
        SecretRef::File(dir.path().join("obssl-access-key-secret"))
    );
    assert_eq!(secret.source, Source::Env("CREDENTIALS_DIRECTORY".into()));
    assert!(r.pair_conflict.is_none());
    // A profile with its own secret keeps it.
    let r = resolve(&FlagSettings::default(), &pairs, PROFILES).unwrap();
    assert_eq!(
        r.access_key_secret.unwrap().value.expose(),
        "sk-profile-secret"
    );
}

#[test]
fn the_db_password_env_beats_its_file_beats_the_credential_beats_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("obssl-db-password"), "pw-cred").unwrap();
    let credentials = leaked(dir.path().display().to_string());
    let text = "[default]\ndb_user = \"probe\"\ndb_password_store = \"keyring\"\n";
    let found = |pairs: &[(&'static str, &'static str)]| {
        db_password_source(None, &env(pairs), &config(text), None)
            .unwrap()
            .unwrap()
    };
    let all = [
        (ENV_DB_PASSWORD, "pw-env"),
        (ENV_DB_PASSWORD_FILE, "/run/db"),
        ("CREDENTIALS_DIRECTORY", credentials),
    ];
    assert!(db_password_source(None, &env(&all), &config(text), None).is_err());
    assert_eq!(found(&[all[0], all[2]]).value.expose(), "pw-env");
    assert_eq!(found(&all[1..]).value, SecretRef::File("/run/db".into()));
    assert_eq!(
        found(&all[2..]).value,
        SecretRef::File(dir.path().join("obssl-db-password"))
    );
    let profile = found(&[]);
    assert_eq!(
        profile.value,
        SecretRef::Store {
            service: "obssl-db",
            username: "probe".into()
        }
    );
    assert!(matches!(profile.source, Source::Profile { .. }));
    let user = db_user(None, &env(&[]), &config(text), None)
        .unwrap()
        .unwrap();
    assert_eq!(user.value, "probe");
    let flag = db_user(Some("other"), &env(&[]), &config(text), None)
        .unwrap()
        .unwrap();
    assert_eq!(flag.source, Source::Flag("--db-user"));
}
