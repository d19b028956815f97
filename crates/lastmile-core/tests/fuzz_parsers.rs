//! Bounded property tests of every core parser that takes outside input: deep links, invite
//! and recovery codes, server URLs, SNTP packets and server lists, policies as JSON. Each must answer every input with a value or an error, never a panic, and what it
//! accepts must survive a round trip. The case count is kept small for CI (raise it with
//! `PROPTEST_CASES=100000` for a longer search); a failure found is kept as a named test.

use lastmile_core::clock::UnixMillis;
use lastmile_core::deep_link::DeepLink;
use lastmile_core::invite::{InviteCode, JoinInput, parse_server_url};
use lastmile_core::policy::Policy;
use lastmile_core::recovery::RecoveryCode;
use lastmile_core::sntp;
use proptest::prelude::*;

/// 2,000 cases per property, or `PROPTEST_CASES`.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2_000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Text that looks like what people and links carry: code characters, separators, URL parts.
fn code_like() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            proptest::sample::select(b"0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghijklmnopqrstuvwxyzIOLU -\t".to_vec())
                .prop_map(char::from),
            any::<char>(),
        ],
        0..40,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

fn link_like() -> impl Strategy<Value = String> {
    let prefix = proptest::sample::select(vec![
        "lastmile://join?code=",
        "lastmile://open?step=",
        "LASTMILE://JOIN?server=https://mfa.acme.test&code=",
        "lastmile:join?code=",
        "lastmile://",
        "https://join?code=",
        "",
    ]);
    (prefix, code_like(), any::<String>()).prop_map(|(p, c, tail)| format!("{p}{c}&step={tail}"))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn deep_links_parse_or_refuse_and_round_trip(link in prop_oneof![link_like(), any::<String>()]) {
        if let Ok(parsed) = DeepLink::parse(&link) {
            prop_assert_eq!(DeepLink::parse(&parsed.to_link()).ok(), Some(parsed));
        }
    }

    #[test]
    fn join_input_parses_or_refuses(input in prop_oneof![link_like(), code_like(), any::<String>()]) {
        if let Ok(parsed) = JoinInput::parse(&input) {
            prop_assert_eq!(JoinInput::parse(&parsed.to_link()).ok(), Some(parsed));
        }
    }

    #[test]
    fn codes_parse_or_refuse_and_round_trip(input in prop_oneof![code_like(), any::<String>()]) {
        if let Ok(code) = InviteCode::parse(&input) {
            prop_assert_eq!(InviteCode::parse(&code.grouped()).ok(), Some(code.clone()));
            prop_assert_eq!(code.canonical().len(), 16);
        }
        if let Ok(code) = RecoveryCode::parse(&input) {
            prop_assert_eq!(RecoveryCode::parse(&code.grouped()).ok(), Some(code));
        }
    }

    #[test]
    fn generated_codes_always_parse_back(entropy in any::<[u8; 10]>()) {
        let code = RecoveryCode::from_entropy(entropy);
        prop_assert_eq!(RecoveryCode::parse(&code.grouped().to_lowercase()).ok(), Some(code));
    }

    #[test]
    fn server_urls_parse_or_refuse(input in prop_oneof![link_like(), any::<String>()]) {
        if let Ok(url) = parse_server_url(&input) {
            prop_assert!(matches!(url.scheme(), "https" | "http"), "{url}");
        }
    }

    #[test]
    fn sntp_answers_of_any_shape_are_checked(
        packet in proptest::collection::vec(any::<u8>(), 0..96),
        sent in 0i64..4_000_000_000_000,
        delay in -10_000i64..10_000,
    ) {
        let _ = sntp::parse_response(&packet, UnixMillis(sent), UnixMillis(sent + delay));
    }

    /// A well-formed answer to our own request, with its fields scrambled.
    #[test]
    fn sntp_answers_to_our_request_are_checked(
        sent in 1_000_000_000_000i64..3_000_000_000_000,
        mode in any::<u8>(),
        stratum in any::<u8>(),
        tail in proptest::collection::vec(any::<u8>(), 32),
    ) {
        let mut packet = sntp::request(UnixMillis(sent)).to_vec();
        // The originate timestamp echoes ours; mode, stratum and the other fields are arbitrary.
        let origin: Vec<u8> = packet[40..48].to_vec();
        packet[8..40].copy_from_slice(&tail);
        packet[24..32].copy_from_slice(&origin);
        packet[0] = mode;
        packet[1] = stratum;
        let _ = sntp::parse_response(&packet, UnixMillis(sent), UnixMillis(sent + 20));
    }

    #[test]
    fn ntp_server_lists_parse_or_refuse(list in any::<String>()) {
        let _ = sntp::parse_servers(&list);
    }

    #[test]
    fn policies_from_json_validate_or_refuse(json in json_like()) {
        if let Ok(policy) = serde_json::from_str::<Policy>(&json) {
            let _ = policy.validate();
        }
    }

}

/// JSON objects with the fields policies have, and values of any type.
fn json_like() -> impl Strategy<Value = String> {
    let key = proptest::sample::select(vec![
        "min_tier",
        "min_factors",
        "recovery_codes_required",
        "enforcement",
        "keys",
        "deadline_ms",
        "server_url",
        "report_interval_minutes",
        "proxy_url",
        "ntp_servers",
        "allow_aaguids",
        "from_ms",
        "level",
    ]);
    let value = prop_oneof![
        Just("null".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| if n.is_finite() { n.to_string() } else { "1e400".into() }),
        any::<bool>().prop_map(|b| b.to_string()),
        "[a-z_ ]{0,12}".prop_map(|s| format!("{s:?}")),
        Just(r#"[{"from_ms":1,"level":"block"},{"from_ms":0,"level":"remind"}]"#.to_string()),
        Just(r#"{"allow_aaguids":["x"],"min_pin_length":99999999999}"#.to_string()),
        Just(r#""phishing_resistant""#.to_string()),
        Just(r#""https://mfa.acme.test""#.to_string()),
    ];
    proptest::collection::vec((key, value), 0..6).prop_map(|fields| {
        let body: Vec<String> = fields.into_iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
        format!("{{{}}}", body.join(","))
    })
}
