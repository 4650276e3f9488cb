//! Profiles, precedence, `configure` and `config list/path` end to end: the
//! real binary with an isolated HOME/XDG_CONFIG_HOME and a cleared environment.

use crate::support::*;
use assert_cmd::Command;
use obssl_mock::{MockConfig, MockServer};
use std::path::{Path, PathBuf};

const WRONG: &str = "sk-WRONG-0000-9999";

/// Runs `cmd`, asserting that the secret appears nowhere in its output.
fn run(cmd: &mut Command, mock: Option<&MockServer>) -> Run {
    let r = Run::of(cmd);
    assert_no_secret(&r.stdout, mock);
    assert_no_secret(&r.stderr, mock);
    r
}

fn config_path(home: &Path) -> PathBuf {
    home.join(".config").join("obssl").join("config.toml")
}

/// Writes the config file with mode 0600.
fn write_config(home: &Path, text: &str) -> PathBuf {
    let path = config_path(home);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    set_mode(&path, 0o600);
    path
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) {}

fn profile(name: &str, secret: &str, endpoint: &str) -> String {
    format!(
        "[{name}]\naccess_key_id = \"{ACCESS_KEY_ID}\"\naccess_key_secret = \"{secret}\"\nendpoint = \"{endpoint}\"\n"
    )
}

fn obssl(home: &Path) -> Command {
    isolated("obssl", home)
}

fn get(home: &Path) -> Command {
    let mut cmd = obssl(home);
    cmd.args(["get", "obxxx", "--field", "status"]);
    cmd
}

/// `config list -o json ARGS` as (name → (value, source)).
fn list(cmd: &mut Command, args: &[&str]) -> serde_json::Map<String, serde_json::Value> {
    cmd.args(["config", "list", "-o", "json"]).args(args);
    let r = run(cmd, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let items: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    items
        .into_iter()
        .map(|i| {
            let name = i["name"].as_str().unwrap().to_string();
            (name, serde_json::json!([i["value"], i["source"]]))
        })
        .collect()
}

#[test]
fn a_profile_alone_is_enough_for_get() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    write_config(h.path(), &profile("default", SECRET, &mock.base_url()));
    let r = run(&mut get(h.path()), Some(&mock));
    assert_eq!((r.code, r.stdout.as_str()), (0, "OPEN\n"), "{}", r.stderr);
    assert_eq!(r.stderr, "");
}

#[test]
fn obssl_env_beats_oceanbase_env_beats_profile() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    write_config(h.path(), &profile("default", WRONG, &mock.base_url()));
    // The profile's (wrong) secret loses to the ecosystem variables...
    let r = run(
        get(h.path())
            .env("OCEANBASE_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("OCEANBASE_ACCESS_KEY_SECRET", SECRET),
        Some(&mock),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // ...which lose to OBSSL_*.
    let r = run(
        get(h.path())
            .env("OCEANBASE_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("OCEANBASE_ACCESS_KEY_SECRET", WRONG)
            .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("OBSSL_ACCESS_KEY_SECRET", SECRET),
        Some(&mock),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // And the profile is used when nothing else is set: its wrong secret fails,
    // and the hint names the profile as the source.
    let r = run(&mut get(h.path()), Some(&mock));
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("profile `default` in "), "{}", r.stderr);
}

#[test]
fn a_lone_env_id_with_a_profile_secret_is_exit_3_naming_both() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    let path = write_config(h.path(), &profile("default", SECRET, &mock.base_url()));
    let r = run(
        get(h.path()).env("OBSSL_ACCESS_KEY_ID", "ak-other"),
        Some(&mock),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("OBSSL_ACCESS_KEY_ID is set in the environment but the secret would come from profile `default`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&path.display().to_string()),
        "{}",
        r.stderr
    );
    // A lone OCEANBASE_ secret with the OBSSL_ ID: different sources too.
    let r = run(
        get(h.path())
            .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("OCEANBASE_ACCESS_KEY_SECRET", SECRET),
        Some(&mock),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("OCEANBASE_ACCESS_KEY_ID"), "{}", r.stderr);
    assert_eq!(mock.request_count(), 0);
}

/// As in the aws CLI: `--profile NAME` means that profile's pair, and the pair variables
/// are ignored for the run (said by `-v` and `config list`); `OBSSL_PROFILE` does not
/// override them.
#[test]
fn an_explicit_profile_flag_means_its_credentials_and_the_environment_pair_is_ignored() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    write_config(
        h.path(),
        &format!(
            "{}{}",
            profile("work", SECRET, &mock.base_url()),
            profile("default", WRONG, &mock.base_url())
        ),
    );
    let wrong_env = |cmd: &mut Command| {
        cmd.env("OBSSL_ACCESS_KEY_ID", "ak-env")
            .env("OBSSL_ACCESS_KEY_SECRET", WRONG)
            .env("OBSSL_ENDPOINT", mock.base_url());
    };
    let mut cmd = get(h.path());
    wrong_env(&mut cmd);
    let r = run(cmd.args(["--profile", "work", "-v"]), Some(&mock));
    assert_eq!((r.code, r.stdout.as_str()), (0, "OPEN\n"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "* credentials: AccessKey {ACCESS_KEY_ID} from profile `work` in "
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "OBSSL_ACCESS_KEY_ID, OBSSL_ACCESS_KEY_SECRET in the environment ignored: \
             --profile work names the credentials"
        ),
        "{}",
        r.stderr
    );
    let signed_by: Vec<String> = mock
        .requests()
        .iter()
        .filter_map(|r| digest_param(r.authorization.as_deref()?, "username"))
        .collect();
    assert_eq!(signed_by, [ACCESS_KEY_ID], "the profile's ID signed");

    // config list: the profile is the source, and a note says what was ignored.
    let mut cmd = obssl(h.path());
    wrong_env(&mut cmd);
    let r = run(
        cmd.args(["config", "list", "-o", "json", "--profile", "work"]),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let items: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    let id = items.iter().find(|i| i["name"] == "access_key_id").unwrap();
    assert_eq!(id["value"], ACCESS_KEY_ID);
    assert!(
        id["source"]
            .as_str()
            .unwrap()
            .starts_with("profile `work` in "),
        "{id}"
    );
    assert!(
        r.stderr.contains(
            "note: OBSSL_ACCESS_KEY_ID, OBSSL_ACCESS_KEY_SECRET in the environment ignored"
        ),
        "{}",
        r.stderr
    );

    // OBSSL_PROFILE is not explicit: the environment's pair still wins (and fails here).
    let mut cmd = get(h.path());
    wrong_env(&mut cmd);
    let r = run(cmd.env("OBSSL_PROFILE", "work"), Some(&mock));
    assert_eq!(r.code, 4, "{}", r.stderr);

    // A named profile with half a pair is that half: the pair rule's error, never the
    // environment's secret.
    write_config(
        h.path(),
        &format!("[half]\naccess_key_id = \"{ACCESS_KEY_ID}\"\n"),
    );
    let mut cmd = get(h.path());
    wrong_env(&mut cmd);
    let r = run(cmd.args(["--profile", "half"]), Some(&mock));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("incomplete credentials"), "{}", r.stderr);
    // A named profile without any AccessKey (one for db_password alone) names no
    // credentials: the environment's pair applies.
    write_config(h.path(), "[bare]\nproject_id = \"p\"\n");
    let r = run(
        get(h.path())
            .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("OBSSL_ACCESS_KEY_SECRET", SECRET)
            .env("OBSSL_ENDPOINT", mock.base_url())
            .args(["--profile", "bare"]),
        Some(&mock),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn profile_flag_beats_obssl_profile_beats_default() {
    let h = tempfile::tempdir().unwrap();
    write_config(
        h.path(),
        "[default]\nproject_id = \"p-default\"\n[work]\nproject_id = \"p-work\"\n[ci]\nproject_id = \"p-ci\"\n",
    );
    let m = list(&mut obssl(h.path()), &[]);
    assert_eq!(m["profile"], serde_json::json!(["default", "default"]));
    assert_eq!(m["project_id"][0], "p-default");
    let m = list(obssl(h.path()).env("OBSSL_PROFILE", "work"), &[]);
    assert_eq!(
        m["profile"],
        serde_json::json!(["work", "environment variable OBSSL_PROFILE"])
    );
    assert_eq!(m["project_id"][0], "p-work");
    let m = list(
        obssl(h.path()).env("OBSSL_PROFILE", "work"),
        &["--profile", "ci"],
    );
    assert_eq!(m["profile"], serde_json::json!(["ci", "flag --profile"]));
    assert_eq!(m["project_id"][0], "p-ci");
}

#[test]
fn endpoint_flag_beats_env_beats_profile_and_endpoint_beats_site() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    let dead = "http://127.0.0.1:9";
    write_config(h.path(), &profile("default", SECRET, dead));
    // OBSSL_ENDPOINT beats the profile's endpoint.
    let r = run(
        get(h.path()).env("OBSSL_ENDPOINT", mock.base_url()),
        Some(&mock),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // --endpoint beats OBSSL_ENDPOINT.
    let r = run(
        get(h.path())
            .env("OBSSL_ENDPOINT", dead)
            .args(["--endpoint", &mock.base_url()]),
        Some(&mock),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // --site beats OBSSL_ENDPOINT; --endpoint beats --site.
    let m = list(
        obssl(h.path()).env("OBSSL_ENDPOINT", dead),
        &["--site", "cn"],
    );
    assert_eq!(
        m["endpoint"],
        serde_json::json!(["https://api-cloud-cn.oceanbase.com", "flag --site"])
    );
    let m = list(
        obssl(h.path()).env("OBSSL_ENDPOINT", dead),
        &["--site", "cn", "--endpoint", "https://example.test"],
    );
    assert_eq!(
        m["endpoint"],
        serde_json::json!(["https://example.test", "flag --endpoint"])
    );
    // OBSSL_SITE beats the profile; OBSSL_ENDPOINT beats OBSSL_SITE.
    let m = list(obssl(h.path()).env("OBSSL_SITE", "global"), &[]);
    assert_eq!(
        m["endpoint"],
        serde_json::json!([
            "https://g-api-cloud.oceanbase.com",
            "environment variable OBSSL_SITE"
        ])
    );
    let m = list(
        obssl(h.path())
            .env("OBSSL_SITE", "global")
            .env("OBSSL_ENDPOINT", mock.base_url()),
        &[],
    );
    assert_eq!(m["endpoint"][0], mock.base_url());
    // In a profile with both, endpoint wins over site.
    write_config(
        h.path(),
        &format!(
            "[default]\nsite = \"cn\"\nendpoint = \"{}\"\n",
            mock.base_url()
        ),
    );
    let m = list(&mut obssl(h.path()), &[]);
    assert_eq!(m["endpoint"][0], mock.base_url());
    // The default when nothing is set.
    let e = tempfile::tempdir().unwrap();
    let m = list(&mut obssl(e.path()), &[]);
    assert_eq!(
        m["endpoint"],
        serde_json::json!(["https://api-cloud.oceanbase.com", "default"])
    );
}

fn project_header(mock: &MockServer) -> Option<String> {
    let reqs = mock.requests();
    let last = reqs.last()?;
    last.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("x-ob-project-id"))
        .map(|(_, v)| v.clone())
}

#[test]
fn project_id_flag_beats_env_beats_profile_and_is_sent_as_a_header() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    write_config(
        h.path(),
        &format!(
            "{}project_id = \"p-profile\"\n",
            profile("default", SECRET, &mock.base_url())
        ),
    );
    assert_eq!(run(&mut get(h.path()), Some(&mock)).code, 0);
    assert_eq!(project_header(&mock).as_deref(), Some("p-profile"));
    let mut env_cmd = get(h.path());
    env_cmd.env("OBSSL_PROJECT_ID", "p-env");
    assert_eq!(run(&mut env_cmd, Some(&mock)).code, 0);
    assert_eq!(project_header(&mock).as_deref(), Some("p-env"));
    env_cmd.args(["--project-id", "p-flag"]);
    assert_eq!(run(&mut env_cmd, Some(&mock)).code, 0);
    assert_eq!(project_header(&mock).as_deref(), Some("p-flag"));
    // Without any, no header.
    let e = tempfile::tempdir().unwrap();
    let r = run(
        obssl_for(&mock, e.path()).args(["get", "obxxx"]),
        Some(&mock),
    );
    assert_eq!(r.code, 0);
    assert_eq!(project_header(&mock), None);
}

#[test]
fn output_flag_beats_env_beats_profile() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    write_config(
        h.path(),
        &format!(
            "{}output = \"json\"\n",
            profile("default", SECRET, &mock.base_url())
        ),
    );
    let is_json = |r: &Run| serde_json::from_str::<serde_json::Value>(&r.stdout).is_ok();
    let r = run(obssl(h.path()).args(["get", "obxxx"]), Some(&mock));
    assert!(r.code == 0 && is_json(&r), "{}{}", r.stdout, r.stderr);
    let r = run(
        obssl(h.path())
            .env("OBSSL_OUTPUT", "table")
            .args(["get", "obxxx"]),
        Some(&mock),
    );
    assert!(
        r.code == 0 && r.stdout.contains("Instance ID"),
        "{}",
        r.stdout
    );
    let r = run(
        obssl(h.path())
            .env("OBSSL_OUTPUT", "table")
            .args(["get", "obxxx", "-o", "json"]),
        Some(&mock),
    );
    assert!(r.code == 0 && is_json(&r), "{}", r.stdout);
    // --field still wins over a profile's output.
    let r = run(&mut get(h.path()), Some(&mock));
    assert_eq!(r.stdout, "OPEN\n");
}

const TWO_PROFILES: &str = "\
# obssl profiles, managed by hand and by obssl configure
[default]
access_key_id = \"ak-default\"   # the main account
access_key_secret = \"sk-default-abcdefgh\"
site = \"intl\"

# China site, for the staging account
[staging]
access_key_id = \"ak-staging\"
access_key_secret = \"sk-staging-12345678\"
site = \"cn\"
";

#[test]
fn configure_round_trip_keeps_other_profiles_and_comments_byte_for_byte() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    let path = write_config(h.path(), TWO_PROFILES);
    set_mode(&path, 0o644);
    let r = run(
        obssl(h.path())
            .args([
                "configure",
                "--insecure-storage",
                "--profile",
                "ci",
                "--access-key-id",
                ACCESS_KEY_ID,
                "--endpoint",
                &mock.base_url(),
                "--project-id",
                "p-ci",
                "--output",
                "json",
            ])
            .write_stdin(format!("{SECRET}\n")),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with(TWO_PROFILES),
        "kept byte for byte:\n{text}"
    );
    assert!(text.contains(&format!("access_key_secret = \"{SECRET}\"")));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // No temporary file is left behind.
    let entries: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["config.toml"]);

    // The new profile works for get, with its project id and output.
    let r = run(
        obssl(h.path()).args(["get", "obxxx", "--profile", "ci"]),
        Some(&mock),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(serde_json::from_str::<serde_json::Value>(&r.stdout).is_ok());
    assert_eq!(project_header(&mock).as_deref(), Some("p-ci"));

    // Updating one value of an existing profile: empty stdin keeps its secret,
    // --site replaces the endpoint, comments stay.
    let r = run(
        obssl(h.path())
            .args([
                "configure",
                "--insecure-storage",
                "-p",
                "ci",
                "--site",
                "global",
            ])
            .write_stdin(""),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(TWO_PROFILES), "{text}");
    assert!(text.contains(&format!("access_key_secret = \"{SECRET}\"")));
    assert!(
        text.contains("site = \"global\"") && !text.contains("endpoint ="),
        "{text}"
    );

    // Updating the first profile keeps the comment after its value.
    let r = run(
        obssl(h.path())
            .args([
                "configure",
                "--insecure-storage",
                "--access-key-id",
                "ak-new",
            ])
            .write_stdin(""),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("access_key_id = \"ak-new\"   # the main account"),
        "{text}"
    );
    assert!(text.contains("# China site, for the staging account\n[staging]\n"));
}

#[cfg(unix)]
#[test]
fn configure_creates_the_directory_0700_and_the_file_0600() {
    use std::os::unix::fs::PermissionsExt;
    let h = tempfile::tempdir().unwrap();
    let r = run(
        obssl(h.path())
            .args([
                "configure",
                "--insecure-storage",
                "--access-key-id",
                ACCESS_KEY_ID,
            ])
            .write_stdin(SECRET),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = config_path(h.path());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!(
            "[default]\naccess_key_id = \"{ACCESS_KEY_ID}\"\naccess_key_secret = \"{SECRET}\"\n"
        )
    );
}

/// A config file kept elsewhere (a dotfiles repository) and linked into
/// place: configure writes through the link, which stays a link.
#[cfg(unix)]
#[test]
fn configure_writes_through_a_symlinked_config_file() {
    let h = tempfile::tempdir().unwrap();
    let dotfiles = h.path().join("dotfiles");
    std::fs::create_dir_all(&dotfiles).unwrap();
    let real = dotfiles.join("obssl.toml");
    std::fs::write(&real, TWO_PROFILES).unwrap();
    set_mode(&real, 0o600);
    let path = config_path(h.path());
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    // A relative target, resolved against the link's directory.
    std::os::unix::fs::symlink("../../dotfiles/obssl.toml", &path).unwrap();
    let r = run(
        obssl(h.path())
            .args([
                "configure",
                "--insecure-storage",
                "-p",
                "ci",
                "--access-key-id",
                ACCESS_KEY_ID,
            ])
            .write_stdin(SECRET),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let meta = std::fs::symlink_metadata(&path).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    assert_eq!(
        std::fs::read_link(&path).unwrap(),
        Path::new("../../dotfiles/obssl.toml")
    );
    let text = std::fs::read_to_string(&real).unwrap();
    assert!(text.starts_with(TWO_PROFILES), "{text}");
    assert!(
        text.contains(&format!(
            "[ci]\naccess_key_id = \"{ACCESS_KEY_ID}\"\naccess_key_secret = \"{SECRET}\"\n"
        )),
        "{text}"
    );
    // No temporary file is left next to the link or the real file.
    for dir in [path.parent().unwrap(), dotfiles.as_path()] {
        let names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
    // A link to a file that does not exist yet: the file is created there.
    let fresh = tempfile::tempdir().unwrap();
    let path = config_path(fresh.path());
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let target = fresh.path().join("elsewhere.toml");
    std::os::unix::fs::symlink(&target, &path).unwrap();
    let r = run(
        obssl(fresh.path())
            .args([
                "configure",
                "--insecure-storage",
                "--access-key-id",
                ACCESS_KEY_ID,
            ])
            .write_stdin(SECRET),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::symlink_metadata(&path)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .contains(ACCESS_KEY_ID));
}

#[test]
fn obssl_config_moves_the_file_and_config_path_prints_it() {
    let h = tempfile::tempdir().unwrap();
    let r = run(obssl(h.path()).args(["config", "path"]), None);
    assert_eq!(r.stdout, format!("{}\n", config_path(h.path()).display()));
    let elsewhere = h.path().join("other.toml");
    let r = run(
        obssl(h.path())
            .env("OBSSL_CONFIG", &elsewhere)
            .args(["config", "path"]),
        None,
    );
    assert_eq!(r.stdout, format!("{}\n", elsewhere.display()));
    let r = run(
        obssl(h.path())
            .env("OBSSL_CONFIG", &elsewhere)
            .args([
                "configure",
                "--insecure-storage",
                "--access-key-id",
                ACCESS_KEY_ID,
            ])
            .write_stdin(SECRET),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(elsewhere.exists() && !config_path(h.path()).exists());
    let m = list(obssl(h.path()).env("OBSSL_CONFIG", &elsewhere), &[]);
    assert_eq!(m["config file"][1], "environment variable OBSSL_CONFIG");
    assert_eq!(m["access_key_id"][0], ACCESS_KEY_ID);
}

#[test]
fn configure_refuses_bad_input_with_usage_errors() {
    let h = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str, &str); 5] = [
        (
            &[
                "configure",
                "--insecure-storage",
                "--access-key-id",
                ACCESS_KEY_ID,
            ],
            "",
            "no AccessKey secret on standard input",
        ),
        (
            &["configure", "--insecure-storage"],
            SECRET,
            "needs an AccessKey ID",
        ),
        (
            &[
                "configure",
                "--insecure-storage",
                "--access-key-id",
                ACCESS_KEY_ID,
                "--endpoint",
                "http://10.0.0.1",
            ],
            SECRET,
            "only allowed for loopback",
        ),
        (
            &[
                "configure",
                "--insecure-storage",
                "--access-key-id",
                ACCESS_KEY_ID,
                "--site",
                "mars",
            ],
            SECRET,
            "invalid value 'mars'",
        ),
        (
            &[
                "configure",
                "--insecure-storage",
                "--access-key-id",
                ACCESS_KEY_ID,
                "--output",
                "xml",
            ],
            SECRET,
            "invalid value 'xml'",
        ),
    ];
    for (args, stdin, expected) in cases {
        let r = run(obssl(h.path()).args(args).write_stdin(stdin), None);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(expected), "{args:?}: {}", r.stderr);
        assert!(!config_path(h.path()).exists(), "{args:?} wrote a file");
    }
}

#[test]
fn a_secret_flag_is_refused_with_an_explanation_that_never_shows_the_value() {
    let h = tempfile::tempdir().unwrap();
    let value = "sk-ON-THE-COMMAND-LINE-31337";
    let dashed = format!("-{value}");
    let equals = format!("--secret={value}");
    let cases: [&[&str]; 5] = [
        &["--access-key-secret", value],
        &["--secret", value],
        &[&equals],
        &["--access-key-secret", &dashed],
        &["--secret"],
    ];
    for args in cases {
        let r = run(
            obssl(h.path())
                .args([
                    "configure",
                    "--insecure-storage",
                    "--access-key-id",
                    ACCESS_KEY_ID,
                ])
                .args(args)
                .write_stdin(SECRET),
            None,
        );
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains(value), "{args:?} echoed: {}", r.stderr);
        assert!(!r.stderr.contains("31337"), "{args:?} echoed: {}", r.stderr);
        assert!(
            r.stderr
                .contains("error: the AccessKey secret has no command-line flag")
                && r.stderr.contains("shell history and in process lists"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("printf %s \"$SK\" | obssl configure")
                && r.stderr.contains("on a terminal to be prompted"),
            "{args:?}: {}",
            r.stderr
        );
        // Not clap's "did you mean --access-key-id".
        assert!(!r.stderr.contains("similar argument"), "{}", r.stderr);
        assert_eq!(r.stdout, "");
        assert!(!config_path(h.path()).exists(), "{args:?} wrote a file");
    }
    // Hidden: neither help nor completions offer it.
    let r = run(
        obssl(h.path()).args(["configure", "--insecure-storage", "--help"]),
        None,
    );
    assert!(!r.stdout.contains("--access-key-secret"), "{}", r.stdout);
    assert!(!r.stdout.contains("--secret"), "{}", r.stdout);
    let r = run(obssl(h.path()).args(["completions", "bash"]), None);
    assert!(!r.stdout.contains("--access-key-secret"));
}

#[test]
fn configure_without_a_secret_says_whether_the_profile_is_new() {
    let h = tempfile::tempdir().unwrap();
    let r = run(
        obssl(h.path())
            .args([
                "configure",
                "--insecure-storage",
                "-p",
                "ci",
                "--access-key-id",
                ACCESS_KEY_ID,
            ])
            .write_stdin(""),
        None,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: no AccessKey secret on standard input for new profile `ci`"),
        "{}",
        r.stderr
    );
    // An existing profile that has no secret is not "new".
    let text = "[ci]\nsite = \"cn\"\n";
    let path = write_config(h.path(), text);
    let r = run(
        obssl(h.path())
            .args([
                "configure",
                "--insecure-storage",
                "-p",
                "ci",
                "--access-key-id",
                ACCESS_KEY_ID,
            ])
            .write_stdin(""),
        None,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "error: no AccessKey secret on standard input, and profile `ci` has none to keep"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("new profile"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn configure_never_clobbers_a_file_it_cannot_parse() {
    let h = tempfile::tempdir().unwrap();
    let broken = "[default]\naccess_key_id = \"ak\"\nthis is not toml\n";
    let path = write_config(h.path(), broken);
    let r = run(
        obssl(h.path())
            .args([
                "configure",
                "--insecure-storage",
                "--access-key-id",
                ACCESS_KEY_ID,
            ])
            .write_stdin(SECRET),
        None,
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{}:3:", path.display())),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
}

#[test]
fn malformed_toml_is_exit_3_with_path_line_and_column() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    let path = write_config(h.path(), "[default]\nsite = \"cn\"\nendpoint = \n");
    for args in [&["get", "obxxx"][..], &["config", "list"][..]] {
        let r = run(obssl(h.path()).args(args), Some(&mock));
        assert_eq!(r.code, 3, "{}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("cannot parse config file {}:3:12", path.display())),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn an_unknown_profile_is_exit_3_listing_the_existing_ones() {
    let h = tempfile::tempdir().unwrap();
    write_config(h.path(), TWO_PROFILES);
    for cmd in [
        obssl(h.path()).args(["get", "obxxx", "--profile", "prod"]),
        obssl(h.path())
            .env("OBSSL_PROFILE", "prod")
            .args(["config", "list"]),
    ] {
        let r = run(cmd, None);
        assert_eq!(r.code, 3, "{}", r.stderr);
        assert!(r.stderr.contains("profile `prod`"), "{}", r.stderr);
        assert!(r.stderr.contains("not found in"), "{}", r.stderr);
        assert!(
            r.stderr.contains("existing profiles: default, staging"),
            "{}",
            r.stderr
        );
    }
    // Without a file, the hint says how to create the profile.
    let e = tempfile::tempdir().unwrap();
    let r = run(obssl(e.path()).args(["get", "obxxx", "-p", "prod"]), None);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("obssl configure --profile prod"),
        "{}",
        r.stderr
    );
}

#[test]
fn no_credentials_is_exit_3_naming_the_three_ways() {
    let h = tempfile::tempdir().unwrap();
    let r = run(obssl(h.path()).args(["get", "obxxx"]), None);
    assert_eq!(r.code, 3, "{}", r.stderr);
    for way in [
        "no credentials found",
        "obssl configure",
        "OBSSL_ACCESS_KEY_ID and OBSSL_ACCESS_KEY_SECRET",
        "OCEANBASE_ACCESS_KEY_ID and OCEANBASE_ACCESS_KEY_SECRET",
    ] {
        assert!(r.stderr.contains(way), "missing {way:?}: {}", r.stderr);
    }
}

#[cfg(unix)]
#[test]
fn a_config_file_others_can_read_draws_a_chmod_warning() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    let path = write_config(h.path(), &profile("default", SECRET, &mock.base_url()));
    set_mode(&path, 0o644);
    let r = run(&mut get(h.path()), Some(&mock));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p = path.display();
    assert!(
        r.stderr.contains(&format!(
            "warning: {p} is readable by other users; run: chmod 600 {p}"
        )),
        "{}",
        r.stderr
    );
    set_mode(&path, 0o600);
    let r = run(&mut get(h.path()), Some(&mock));
    assert_eq!(r.stderr, "");
}

#[test]
fn an_unknown_key_draws_a_warning_and_does_not_fall_back_silently() {
    let h = tempfile::tempdir().unwrap();
    let path = write_config(
        h.path(),
        &format!("[default]\nacess_key_id = \"ak\"\naccess_key_secret = \"{SECRET}\"\n"),
    );
    let r = run(obssl(h.path()).args(["get", "obxxx"]), None);
    assert_eq!(r.code, 3, "the lone secret is half a pair: {}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "warning: unknown key `acess_key_id` in profile `default` of {} (valid keys: access_key_id,",
            path.display()
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("access_key_id is not"), "{}", r.stderr);
}

#[test]
fn keys_outside_any_profile_draw_a_warning_suggesting_default() {
    let h = tempfile::tempdir().unwrap();
    let path = write_config(
        h.path(),
        &format!("access_key_id = \"ak-top\"\naccess_key_secret = \"{SECRET}\"\n"),
    );
    let r = run(obssl(h.path()).args(["config", "list", "-o", "json"]), None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "warning: {}: access_key_id, access_key_secret are outside any profile and are \
             ignored; put them under a [default] heading\n",
            path.display()
        )
    );
    // They are indeed ignored.
    assert!(!r.stdout.contains("ak-top"), "{}", r.stdout);
    // `get` says so too, before the missing credentials.
    let r = run(obssl(h.path()).args(["get", "obxxx"]), None);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("are outside any profile and are ignored"),
        "{}",
        r.stderr
    );
    // One key: singular.
    write_config(h.path(), "site = \"cn\"\n[default]\n");
    let r = run(obssl(h.path()).args(["config", "list"]), None);
    assert!(
        r.stderr.contains(
            ": site is outside any profile and is ignored; put it under a [default] heading"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn config_list_shows_values_and_sources_with_the_secret_masked() {
    let h = tempfile::tempdir().unwrap();
    let path = write_config(
        h.path(),
        &format!("[default]\naccess_key_id = \"ak-file\"\naccess_key_secret = \"{SECRET}\"\n"),
    );
    let r = run(obssl(h.path()).args(["config", "list"]), None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for expected in [
        "Name",
        "Source",
        "access_key_secret",
        "****4f60",
        "ak-file",
        "profile `default` in",
        "https://api-cloud.oceanbase.com",
        "<not set>",
        "config file",
    ] {
        assert!(
            r.stdout.contains(expected),
            "missing {expected:?}:\n{}",
            r.stdout
        );
    }
    let m = list(
        obssl(h.path())
            .env("OBSSL_ACCESS_KEY_ID", "ak-env")
            .env("OBSSL_ACCESS_KEY_SECRET", "short")
            .env("OBSSL_OUTPUT", "json"),
        &[],
    );
    assert_eq!(
        m["access_key_id"],
        serde_json::json!(["ak-env", "environment variable OBSSL_ACCESS_KEY_ID"])
    );
    assert_eq!(
        m["access_key_secret"],
        serde_json::json!(["****", "environment variable OBSSL_ACCESS_KEY_SECRET"])
    );
    assert_eq!(
        m["output"],
        serde_json::json!(["json", "environment variable OBSSL_OUTPUT"])
    );
    assert_eq!(m["project_id"], serde_json::json!([null, null]));
    assert_eq!(
        m["config file"],
        serde_json::json!([path.display().to_string(), "default"])
    );
}

#[test]
fn config_list_shows_a_split_pair_with_both_sources_then_exits_3() {
    let h = tempfile::tempdir().unwrap();
    let path = write_config(
        h.path(),
        &format!("[default]\naccess_key_id = \"ak-file\"\naccess_key_secret = \"{SECRET}\"\n"),
    );
    let note = "(conflict: the ID and the secret must come from one source)";
    let r = run(
        obssl(h.path())
            .env("OBSSL_ACCESS_KEY_ID", "ak-env")
            .env("COLUMNS", "300")
            .args(["config", "list"]),
        None,
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    let line = |name: &str| {
        r.stdout
            .lines()
            .find(|l| l.contains(&format!("│ {name} ")))
            .unwrap_or_else(|| panic!("no {name} row:\n{}", r.stdout))
            .to_string()
    };
    let id = line("access_key_id");
    assert!(
        id.contains("ak-env")
            && id.contains(&format!("environment variable OBSSL_ACCESS_KEY_ID {note}")),
        "{}",
        r.stdout
    );
    let secret = line("access_key_secret");
    assert!(
        secret.contains("****4f60")
            && secret.contains(&format!("profile `default` in {} {note}", path.display())),
        "{}",
        r.stdout
    );
    assert!(!line("endpoint").contains("conflict"), "{}", r.stdout);
    // The rest of the table is there too.
    assert!(r.stdout.contains("config file"), "{}", r.stdout);
    assert!(
        r.stderr.starts_with(
            "warning: incomplete credentials: OBSSL_ACCESS_KEY_ID is set in the environment \
             but the secret would come from profile `default`"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("error:"), "{}", r.stderr);

    // JSON: the rows, with `conflict: true` on the two halves only.
    let r = run(
        obssl(h.path())
            .env("OBSSL_ACCESS_KEY_ID", "ak-env")
            .args(["config", "list", "-o", "json"]),
        None,
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    let items: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    let item = |name: &str| items.iter().find(|i| i["name"] == name).unwrap().clone();
    assert_eq!(
        item("access_key_id"),
        serde_json::json!({
            "name": "access_key_id",
            "value": "ak-env",
            "source": "environment variable OBSSL_ACCESS_KEY_ID",
            "conflict": true
        })
    );
    assert_eq!(item("access_key_secret")["conflict"], true);
    assert_eq!(item("access_key_secret")["value"], "****4f60");
    assert!(item("endpoint").get("conflict").is_none());
    assert!(
        r.stderr.contains("warning: incomplete credentials"),
        "{}",
        r.stderr
    );

    // A lone half with no other half anywhere: the missing row is marked too.
    let e = tempfile::tempdir().unwrap();
    let r = run(
        obssl(e.path())
            .env("OCEANBASE_ACCESS_KEY_SECRET", SECRET)
            .env("COLUMNS", "300")
            .args(["config", "list"]),
        None,
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stdout.contains("<not set> ") && r.stdout.contains(&format!("- {note}")),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("OCEANBASE_ACCESS_KEY_SECRET is set in the environment but OCEANBASE_ACCESS_KEY_ID is not"),
        "{}",
        r.stderr
    );
}

/// The Name column of a `config list` table, in order.
fn table_names(table: &str) -> Vec<String> {
    table
        .lines()
        .filter(|l| l.starts_with('│'))
        .filter_map(|l| l.trim_start_matches('│').split('┆').next())
        .map(|name| name.trim().to_string())
        .filter(|name| name != "Name")
        .collect()
}

#[test]
fn the_readme_config_list_sample_has_the_real_rows() {
    let readme = include_str!("../../docs/configuration.md");
    let section = &readme[readme.find("### obssl config list").unwrap()..];
    let start = section.find("```text\n").unwrap() + "```text\n".len();
    let sample = &section[start..];
    let sample = &sample[..sample.find("```").unwrap()];
    let h = tempfile::tempdir().unwrap();
    write_config(
        h.path(),
        "[work]\naccess_key_id = \"AK1234\"\naccess_key_secret = \"sk-example-abcd\"\nsite = \"cn\"\n",
    );
    let r = run(
        obssl(h.path())
            .env("OBSSL_PROFILE", "work")
            .args(["config", "list"]),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(table_names(sample), table_names(&r.stdout), "{}", r.stdout);
    // The values that do not depend on the path are the sample's too.
    for value in [
        "****abcd",
        "AK1234",
        "https://api-cloud-cn.oceanbase.com",
        "environment variable OBSSL_PROFILE",
    ] {
        assert!(
            sample.contains(value) && r.stdout.contains(value),
            "{value}"
        );
    }
}

/// Drives `obssl configure` through a pseudo-terminal (python3's `pty`
/// module): the prompts appear, the typed secret is not echoed, the file holds it.
#[cfg(unix)]
#[test]
fn interactive_configure_through_a_pty_does_not_echo_the_secret() {
    let h = tempfile::tempdir().unwrap();
    write_config(
        h.path(),
        "[default]\naccess_key_id = \"ak-old\"\naccess_key_secret = \"sk-old-secret-wxyz\"\n",
    );
    let script = crate::support::pty::PTY_EXPECT.to_owned()
        + r#"def send(line):
    os.write(fd, line.encode() + b"\r")
def echo_off(timeout=20):
    # The secret's prompt is printed before echo is turned off: typing the
    # secret before that would let the terminal itself echo it.
    end = time.time() + timeout
    while True:
        try:
            lflag = termios.tcgetattr(fd)[3]
        except termios.error:
            time.sleep(0.2)  # this system cannot tell: give it time
            return
        if not lflag & termios.ECHO:
            return
        if time.time() > end:
            sys.exit("timed out waiting for echo to be turned off")
        time.sleep(0.005)
expect("AccessKey ID [ak-old]: "); send(os.environ["AK"])
expect("AccessKey secret [****wxyz]: "); echo_off(); send(os.environ["SK"])
expect("endpoint URL [intl]: "); send("cn")
expect("Project id [none]: "); send("p-7")
expect("Default output format (table, json, jsonl) [table]: "); send("json")
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_obssl"))
        .arg("configure")
        .arg("--insecure-storage")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", h.path())
        .env("XDG_CONFIG_HOME", h.path().join(".config"))
        .env("AK", ACCESS_KEY_ID)
        .env("SK", SECRET)
        .output()
        .expect("python3 runs (the pty test needs it)");
    let terminal = String::from_utf8_lossy(&out.stdout);
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "terminal:\n{terminal}\nstderr:\n{errors}"
    );
    // The ID typed is echoed as usual; the secret is not.
    assert!(terminal.contains(ACCESS_KEY_ID), "{terminal}");
    assert_no_secret(&terminal, None);
    assert!(!terminal.contains("sk-old-secret"), "{terminal}");
    assert!(terminal.contains("Saved profile `default`"), "{terminal}");
    let text = std::fs::read_to_string(config_path(h.path())).unwrap();
    assert_eq!(
        text,
        format!(
            "[default]\naccess_key_id = \"{ACCESS_KEY_ID}\"\naccess_key_secret = \"{SECRET}\"\nsite = \"cn\"\nproject_id = \"p-7\"\noutput = \"json\"\n"
        )
    );
}

#[test]
fn ca_bundle_flag_beats_env_beats_profile_and_a_missing_file_is_exit_3() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    let config = write_config(
        h.path(),
        &format!(
            "{}ca_bundle = \"certs/corp.pem\"\n",
            profile("default", SECRET, &mock.base_url())
        ),
    );
    let from_profile = config.parent().unwrap().join("certs/corp.pem");
    let rows = list(&mut obssl(h.path()), &[]);
    assert_eq!(rows["ca_bundle"][0], from_profile.display().to_string());
    assert!(rows["ca_bundle"][1]
        .as_str()
        .unwrap()
        .contains("profile `default`"));

    let rows = list(obssl(h.path()).env("OBSSL_CA_BUNDLE", "/env/ca.pem"), &[]);
    assert_eq!(rows["ca_bundle"][0], "/env/ca.pem");
    assert_eq!(rows["ca_bundle"][1], "environment variable OBSSL_CA_BUNDLE");

    let rows = list(
        obssl(h.path()).env("OBSSL_CA_BUNDLE", "/env/ca.pem"),
        &["--ca-bundle", "/flag/ca.pem"],
    );
    assert_eq!(rows["ca_bundle"][0], "/flag/ca.pem");

    // The profile's bundle (relative to the config file) does not exist: exit 3 naming it.
    let r = run(&mut get(h.path()), Some(&mock));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("corp.pem"), "{}", r.stderr);
    assert_eq!(mock.request_count(), 0);
}

/// `XDG_CONFIG_HOME` is where the config file lives when set (Linux), and
/// `~/.config` when not; the tests elsewhere set it to `$HOME/.config`, which
/// cannot tell the two apart.
#[cfg(target_os = "linux")]
#[test]
fn the_config_file_follows_xdg_config_home_and_falls_back_to_home() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    let xdg = tempfile::tempdir().unwrap();
    let in_xdg = xdg.path().join("obssl").join("config.toml");
    std::fs::create_dir_all(in_xdg.parent().unwrap()).unwrap();
    std::fs::write(&in_xdg, profile("default", SECRET, &mock.base_url())).unwrap();
    set_mode(&in_xdg, 0o600);
    // A decoy under HOME with the wrong secret: using it would fail with exit 4.
    write_config(h.path(), &profile("default", WRONG, &mock.base_url()));

    let r = run(
        obssl(h.path())
            .env("XDG_CONFIG_HOME", xdg.path())
            .args(["config", "path"]),
        None,
    );
    assert_eq!(r.stdout, format!("{}\n", in_xdg.display()));
    let r = run(
        get(h.path()).env("XDG_CONFIG_HOME", xdg.path()),
        Some(&mock),
    );
    assert_eq!((r.code, r.stdout.as_str()), (0, "OPEN\n"), "{}", r.stderr);

    // Unset: ~/.config/obssl/config.toml, whose wrong secret is now used.
    let r = run(
        obssl(h.path())
            .env_remove("XDG_CONFIG_HOME")
            .args(["config", "path"]),
        None,
    );
    assert_eq!(r.stdout, format!("{}\n", config_path(h.path()).display()));
    let r = run(get(h.path()).env_remove("XDG_CONFIG_HOME"), Some(&mock));
    assert_eq!(r.code, 4, "{}", r.stderr);
}

#[test]
fn config_list_shows_the_nonce_cache_and_its_source() {
    let h = tempfile::tempdir().unwrap();
    let row = |rows: &serde_json::Map<String, serde_json::Value>| rows["nonce_cache"].clone();
    let rows = list(&mut obssl(h.path()), &[]);
    assert_eq!(row(&rows), serde_json::json!(["on (ttl 60 s)", "default"]));
    let rows = list(obssl(h.path()).env("OBSSL_NONCE_CACHE", "0"), &[]);
    assert_eq!(
        row(&rows),
        serde_json::json!(["off", "environment variable OBSSL_NONCE_CACHE"])
    );
    let rows = list(obssl(h.path()).env("OBSSL_NONCE_CACHE_TTL", "120"), &[]);
    assert_eq!(row(&rows), serde_json::json!(["on (ttl 120 s)", "default"]));
    write_config(h.path(), "[default]\nnonce_cache = false\n");
    let rows = list(&mut obssl(h.path()), &[]);
    assert_eq!(row(&rows)[0], "off");
    assert!(
        row(&rows)[1]
            .as_str()
            .unwrap()
            .starts_with("profile `default` in "),
        "{rows:?}"
    );
}
