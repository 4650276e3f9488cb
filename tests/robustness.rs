//! Generated input for everything obssl parses from the network: the digest
//! challenges and the JSON answer. Nothing may panic; what is accepted must be usable.

use obssl::api::interpret_answer;
use obssl::client::{parse_retry_after, HttpAnswer};
use obssl::digest::DigestChallenge;
use proptest::prelude::*;
use std::time::{Duration, SystemTime};

/// Challenge-shaped text: schemes, parameters, quotes, commas, odd bytes.
fn challenge_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("Digest ".to_string()),
        Just("Basic ".to_string()),
        Just("realm=\"r\"".to_string()),
        Just("nonce=\"n\"".to_string()),
        Just("qop=\"auth\"".to_string()),
        Just("qop=\"auth,auth-int\"".to_string()),
        Just("qop=auth-int".to_string()),
        Just("algorithm=md5".to_string()),
        Just("algorithm=SHA-256-sess".to_string()),
        Just("algorithm=".to_string()),
        Just("opaque=\"o\"".to_string()),
        Just("stale=true".to_string()),
        Just(", ".to_string()),
        Just("=".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        "[ -~]{0,12}",
        "\\PC{0,6}",
    ];
    prop::collection::vec(token, 0..14).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn challenges_never_panic_and_accepted_ones_sign(
        headers in prop::collection::vec(prop::option::of(challenge_text()), 0..4)
    ) {
        let parsed = DigestChallenge::from_headers(headers.iter().map(|h| h.as_deref()));
        if let Ok(mut challenge) = parsed {
            let header = challenge.authorize("ak", "sk-secret", "/p?requestId=1");
            if let Ok(header) = header {
                prop_assert!(header.starts_with("Digest "));
                prop_assert!(!header.contains("sk-secret"));
            }
            let _ = challenge.describe();
        }
    }

    #[test]
    fn arbitrary_challenge_strings_never_panic(text in "\\PC{0,80}") {
        let _ = DigestChallenge::from_headers([Some(text.as_str())]);
    }

    #[test]
    fn answers_never_panic_and_only_200_success_true_with_object_data_is_ok(
        status in prop_oneof![Just(200u16), Just(302), Just(404), Just(429), Just(503), 100u16..600],
        success in prop_oneof![
            Just("true".to_string()), Just("false".to_string()), Just("\"true\"".to_string()),
            Just("null".to_string()), Just("1".to_string())
        ],
        data in prop_oneof![
            Just("{\"instanceId\":\"x\"}".to_string()), Just("{}".to_string()), Just("[1]".to_string()),
            Just("null".to_string()), Just("\"s\"".to_string()), "[ -~]{0,20}"
        ],
        shape in 0u8..4,
        noise in "\\PC{0,40}",
    ) {
        let body = match shape {
            0 => format!("{{\"success\":{success},\"data\":{data},\"requestId\":\"r\"}}"),
            1 => format!("{{\"data\":{data},\"success\":{success}}}"),
            2 => noise.clone(),
            _ => format!("{{\"success\":{success},\"errorCode\":{data},\"message\":{data}}}"),
        };
        let answer = HttpAnswer::new(status, body.clone().into_bytes(), None);
        match interpret_answer(answer, "i", "r") {
            Ok(data) => {
                prop_assert_eq!(status, 200);
                let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
                prop_assert_eq!(&parsed["success"], &serde_json::Value::Bool(true));
                prop_assert!(parsed["data"].is_object());
                prop_assert_eq!(&serde_json::Value::Object(data), &parsed["data"]);
            }
            Err(e) => prop_assert_eq!(e.exit_code(), 5),
        }
    }

    #[test]
    fn arbitrary_bytes_as_an_answer_never_panic(
        status in 0u16..1000,
        body in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let _ = interpret_answer(HttpAnswer::new(status, body, Some("\u{0}:/x".into())), "i", "r");
    }

    #[test]
    fn retry_after_never_panics(value in "\\PC{0,40}") {
        let _ = parse_retry_after(&value, SystemTime::now());
    }
}

#[test]
fn retry_after_reads_seconds_and_dates() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
    assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
    let later = httpdate::fmt_http_date(now + Duration::from_secs(20));
    assert_eq!(
        parse_retry_after(&later, now),
        Some(Duration::from_secs(20))
    );
    let earlier = httpdate::fmt_http_date(now - Duration::from_secs(20));
    assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
    assert_eq!(parse_retry_after("soon", now), None);
    assert_eq!(parse_retry_after("-3", now), None);
}
