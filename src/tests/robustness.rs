//! Generated input for everything obssl parses from the network: the digest
//! challenges, the JSON answer, the instance list pages and `validPeriod`.
//! Nothing may panic; what is accepted must be usable.

use crate::api::{interpret_envelope, parse_instance_page};
use crate::client::digest::DigestChallenge;
use crate::client::{parse_retry_after, HttpAnswer};
use crate::expiry::parse_valid_period;
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
        match interpret_envelope(answer, "instance i", "r") {
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
        let _ = interpret_envelope(HttpAnswer::new(status, body, Some("\u{0}:/x".into())), "instance i", "r");
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

/// JSON-ish values for the fields of an instance list page.
fn odd_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("-1".to_string()),
        Just("1.5".to_string()),
        Just("1e3".to_string()),
        Just("\"\"".to_string()),
        Just("\"x\"".to_string()),
        Just("{}".to_string()),
        Just("[]".to_string()),
        Just("18446744073709551616".to_string()),
        (0u64..1000).prop_map(|n| n.to_string()),
        (0u64..1000).prop_map(|n| format!("\" {n} \"")),
    ]
}

/// One `dataList` entry: usually an instance, sometimes not.
fn list_entry() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z0-9-]{1,12}".prop_map(|id| format!("{{\"instanceId\":\"{id}\",\"state\":\"ONLINE\"}}")),
        1 => odd_value().prop_map(|v| format!("{{\"instanceId\":{v}}}")),
        1 => odd_value(),
        1 => Just("{\"instanceName\":\"no id\"}".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn instance_pages_never_panic_and_are_read_exactly_when_whole(
        status in prop_oneof![4 => Just(200u16), 1 => Just(404), 1 => 100u16..600],
        success in prop_oneof![4 => Just("true".to_string()), 1 => odd_value()],
        total in prop_oneof![
            3 => (0u64..1000).prop_map(|n| n.to_string()),
            1 => (0u64..1000).prop_map(|n| format!("\"{n}\"")),
            2 => odd_value(),
        ],
        entries in prop::collection::vec(list_entry(), 0..5),
        list_shape in 0u8..4,
        noise in "\\PC{0,30}",
    ) {
        let list = match list_shape {
            0 | 1 => format!("[{}]", entries.join(",")),
            2 => entries.first().cloned().unwrap_or_else(|| "null".into()),
            _ => noise.clone(),
        };
        let body = format!(
            "{{\"success\":{success},\"data\":{{\"total\":{total},\"dataList\":{list}}},\"requestId\":\"r\"}}"
        );
        // What a correct reader makes of it: a page exactly when everything is there.
        let expected = serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|parsed| {
            if status != 200 || parsed["success"] != serde_json::Value::Bool(true) {
                return None;
            }
            let total = match &parsed["data"]["total"] {
                serde_json::Value::Number(n) => n.as_u64(),
                serde_json::Value::String(s) => s.trim().parse().ok(),
                _ => None,
            }?;
            let ids = parsed["data"]["dataList"]
                .as_array()?
                .iter()
                .map(|e| e.get("instanceId")?.as_str().map(str::to_string))
                .collect::<Option<Vec<String>>>()?;
            Some((total, ids))
        });
        let answer = HttpAnswer::new(status, body.clone().into_bytes(), None);
        match (parse_instance_page(answer, "the instance list (page 1)", "r"), expected) {
            (Ok(page), Some((total, ids))) => {
                prop_assert_eq!(page.total, total);
                prop_assert_eq!(page.ids, ids);
            }
            (Ok(page), None) => prop_assert!(false, "accepted {page:?} from {body}"),
            (Err(e), Some(_)) => prop_assert!(false, "refused {body}: {}", e.message),
            (Err(e), None) => prop_assert_eq!(e.exit_code(), 5),
        }
    }

    #[test]
    fn arbitrary_bytes_as_an_instance_page_never_panic(
        status in 0u16..1000,
        body in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let _ = parse_instance_page(HttpAnswer::new(status, body, None), "the instance list", "r");
    }

    #[test]
    fn valid_periods_never_panic(text in "\\PC{0,40}") {
        let _ = parse_valid_period(&text);
    }

    #[test]
    fn date_shaped_valid_periods_never_panic(
        text in "[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]{0,12})?(Z|[+-][0-9]{2}:[0-9]{2})?"
    ) {
        let _ = parse_valid_period(&text);
    }

    #[test]
    fn rfc3339_timestamps_round_trip(
        seconds in jiff::Timestamp::MIN.as_second()..=jiff::Timestamp::MAX.as_second(),
        nanos in prop_oneof![Just(0i32), 0i32..1_000_000_000],
        offset_minutes in -(25 * 60 - 1)..(25 * 60),
    ) {
        let Ok(ts) = jiff::Timestamp::new(seconds, nanos) else {
            return Ok(());
        };
        // As jiff writes it (UTC, `Z`), and with an offset.
        prop_assert_eq!(parse_valid_period(&ts.to_string()), Some(ts));
        let offset = jiff::tz::Offset::from_seconds(offset_minutes * 60).unwrap();
        let with_offset = ts.display_with_offset(offset).to_string();
        prop_assert_eq!(parse_valid_period(&with_offset), Some(ts), "{}", with_offset);
        // The sibling API's zone-less form is taken as UTC.
        let civil = jiff::tz::Offset::UTC.to_datetime(ts);
        if civil.year() > 0 {
            let legacy = civil.strftime("%Y-%m-%d %H:%M:%S%.f").to_string();
            prop_assert_eq!(parse_valid_period(&legacy), Some(ts), "{}", legacy);
        }
    }
}
