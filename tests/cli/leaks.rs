//! The leak test: every fault scenario, every output format, `-v` and `-vv`,
//! with a distinctive secret; neither the secret nor any digest `response=`
//! value the server saw may appear in stdout or stderr.

use crate::support::*;
use obssl_mock::{ChallengeStyle, MockAlgorithm, MockConfig, MockQop, FAULT_IDS};
use std::time::Duration;

/// Ordinary answers and API errors; every fault scenario (`obssl_mock::FAULT_IDS`) runs too,
/// so a scenario added to the mock is leak-checked without touching this file.
const ANSWERS: [&str; 6] = [
    "obxxx",
    "obcluster-nulls",
    "mock-not-found",
    "mock-success-false",
    "mock-server-error",
    "mock-not-json",
];

const FORMATS: [&[&str]; 3] = [&[], &["-o", "json"], &["--field", "validPeriod"]];
const VERBOSITY: [&str; 2] = ["-v", "-vv"];

fn configs() -> Vec<MockConfig> {
    vec![
        MockConfig::default(),
        MockConfig {
            algorithm: MockAlgorithm::Sha256Sess,
            challenge_style: ChallengeStyle::TwoChallengesOneHeader,
            ..MockConfig::default()
        },
        MockConfig {
            qop: MockQop::None,
            challenge_style: ChallengeStyle::BasicAndDigestHeaders,
            ..MockConfig::default()
        },
        MockConfig {
            nonce_lifetime: Some(Duration::ZERO),
            latency: Duration::from_millis(2),
            ..MockConfig::default()
        },
    ]
}

fn check(mock: &obssl_mock::MockServer, secret: &str, args: &[&str]) {
    let home = tempfile::tempdir().unwrap();
    let out = obssl_for(mock, home.path())
        .env("OBSSL_ACCESS_KEY_SECRET", secret)
        .env("OBSSL_TEST_BACKOFF_MS", "1")
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("panicked"), "{args:?}\n{text}");
    assert!(
        !text.contains(secret),
        "{args:?} leaked the secret:\n{text}"
    );
    assert_no_secret(&text, Some(mock));
}

#[test]
fn no_scenario_format_or_verbosity_leaks_the_secret() {
    // Every (configuration, instance, format, verbosity) run, each one a process that
    // mostly waits (Retry-After, timeouts): a few workers take them from one queue.
    let mocks: Vec<_> = configs().into_iter().map(start_mock).collect();
    let mut runs: Vec<(&obssl_mock::MockServer, Vec<&str>)> = Vec::new();
    for (index, mock) in mocks.iter().enumerate() {
        // The default configuration runs every fault scenario; the digest
        // variants run the instances whose answers differ in kind.
        let instances: Vec<&str> = if index == 0 {
            ANSWERS.iter().chain(FAULT_IDS.iter()).copied().collect()
        } else {
            vec!["obxxx", "mock-not-found", "fault-401-forever"]
        };
        for instance in instances {
            for format in FORMATS {
                for verbosity in VERBOSITY {
                    let mut args = vec!["get", instance, verbosity, "--timeout", "1"];
                    args.extend_from_slice(format);
                    runs.push((mock, args));
                }
            }
        }
    }
    let queue = std::sync::Mutex::new(runs.into_iter());
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| loop {
                let next = queue.lock().unwrap().next();
                let Some((mock, args)) = next else { break };
                check(mock, SECRET, &args);
            });
        }
    });
}

#[test]
fn a_wrong_secret_leaks_neither_secret_nor_response() {
    let mock = start_mock(MockConfig::default());
    let wrong = "sk-WRONG-LEAKCHECK-0b1c2d3e";
    for verbosity in VERBOSITY {
        for format in FORMATS {
            let mut args = vec!["get", "obxxx", verbosity];
            args.extend_from_slice(format);
            check(&mock, wrong, &args);
        }
    }
    assert!(mock.request_count() >= 12);
}

#[test]
fn fleet_and_check_outputs_leak_nothing() {
    let mock = start_mock(MockConfig::default());
    // A healthy instance, an API error, a retried one and an auth-layer fault, in one run.
    let ids = [
        "obxxx",
        "mock-not-found",
        "fault-503-twice",
        "fault-401-forever",
    ];
    let runs: [&[&str]; 8] = [
        &["get"],
        &["get", "-o", "json"],
        &["get", "-o", "jsonl"],
        &["get", "--field", "enableSSL"],
        &["check"],
        &["check", "-o", "json"],
        &["check", "-o", "prometheus"],
        &["get", "--all", "-o", "jsonl"],
    ];
    for run in runs {
        for verbosity in VERBOSITY {
            let mut args: Vec<&str> = run.to_vec();
            if !run.contains(&"--all") {
                args.extend_from_slice(&ids);
            }
            args.extend_from_slice(&[verbosity, "--timeout", "1", "--jobs", "4"]);
            check(&mock, SECRET, &args);
        }
    }
    let wrong = "sk-WRONG-FLEET-LEAKCHECK-77aa";
    for run in [
        &["get", "-o", "json"][..],
        &["check", "-o", "prometheus"][..],
    ] {
        let mut args: Vec<&str> = run.to_vec();
        args.extend_from_slice(&ids);
        args.push("-vv");
        check(&mock, wrong, &args);
    }
}

#[test]
fn credentials_written_into_an_endpoint_url_are_never_echoed() {
    let home = tempfile::tempdir().unwrap();
    let url = format!("https://{ACCESS_KEY_ID}:{SECRET}@api-cloud.oceanbase.com");
    let http_url = format!("http://{ACCESS_KEY_ID}:{SECRET}@203.0.113.9");
    let config = home.path().join("config.toml");
    std::fs::write(&config, format!("[default]\nendpoint = \"{url}\"\n")).unwrap();
    let runs = [
        isolated("obssl", home.path())
            .args(["get", "obxxx", "--endpoint", &url])
            .output(),
        isolated("obssl", home.path())
            .env("OBSSL_ENDPOINT", &http_url)
            .args(["check", "obxxx"])
            .output(),
        isolated("obssl", home.path())
            .env("OBSSL_CONFIG", &config)
            .args(["config", "list"])
            .output(),
    ];
    for out in runs {
        let out = out.unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_ne!(out.status.code(), Some(0), "{text}");
        assert!(
            text.contains("***@"),
            "the redacted URL is still shown: {text}"
        );
        assert_no_secret(&text, None);
    }
}

#[test]
fn secrets_from_a_file_a_command_or_a_failing_command_leak_nothing() {
    let mock = start_mock(MockConfig::default());
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("ak-secret");
    std::fs::write(&file, format!("{SECRET}\n")).unwrap();
    let config = home.path().join("config.toml");
    let script = format!("echo {SECRET}; echo {SECRET} >&2");
    let failing = format!("echo {SECRET}; echo {SECRET} >&2; exit 9");
    std::fs::write(
        &config,
        format!(
            "[cmd]\naccess_key_id = \"{ACCESS_KEY_ID}\"\naccess_key_secret_command = [\"sh\", \"-c\", {script:?}]\n\
             endpoint = \"{url}\"\n\
             [failing]\naccess_key_id = \"{ACCESS_KEY_ID}\"\naccess_key_secret_command = [\"sh\", \"-c\", {failing:?}]\n\
             endpoint = \"{url}\"\n",
            url = mock.base_url()
        ),
    )
    .unwrap();
    let runs: [(&[&str], Option<&std::path::Path>); 6] = [
        (&["get", "obxxx", "-vv"], Some(&file)),
        (&["get", "fault-401-forever", "-vv"], Some(&file)),
        (&["config", "list", "-o", "json"], Some(&file)),
        (&["get", "obxxx", "-vv", "-p", "cmd"], None),
        (&["config", "list", "-p", "cmd"], None),
        (&["get", "obxxx", "-vv", "-p", "failing"], None),
    ];
    for (args, secret_file) in runs {
        let mut cmd = isolated("obssl", home.path());
        cmd.env("OBSSL_CONFIG", &config);
        if let Some(path) = secret_file {
            cmd.env("OBSSL_ENDPOINT", mock.base_url())
                .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
                .env("OBSSL_ACCESS_KEY_SECRET_FILE", path);
        }
        let out = cmd.args(args).output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.contains("panicked"), "{args:?}\n{text}");
        assert_no_secret(&text, Some(&mock));
    }
    assert!(mock.request_count() >= 3);
}
