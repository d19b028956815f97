//! Managed settings as IT writes them (JSON; the macOS plist and Windows registry readers
//! build the same value and share its validation): any bytes are read or refused with an
//! explanation, and what is read validates or is refused setting by setting, never a panic.
//! Bounded for CI; `PROPTEST_CASES` raises it.

use lastmile_core::settings::{Layer, RawLayer};
use lastmile_device::managed::parse_json;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2_000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Objects with the managed keys and values of every JSON type.
fn managed_like() -> impl Strategy<Value = Vec<u8>> {
    let key = proptest::sample::select(vec![
        "server_url",
        "report_interval_minutes",
        "proxy_url",
        "ntp_servers",
        "organisation",
        "sso_provider",
        "managed_by",
        "support_url",
        "unknown_key",
    ]);
    let value = prop_oneof![
        Just("null".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        ".{0,30}".prop_map(|s| serde_json::Value::from(s).to_string()),
        Just(r#""https://mfa.acme.test""#.to_string()),
        Just(r#""http://10.0.0.1:3128""#.to_string()),
        Just(r#""pool.ntp.org, time.example:123""#.to_string()),
        Just("[1,2]".to_string()),
    ];
    proptest::collection::vec((key, value), 0..6).prop_map(|fields| {
        let body: Vec<String> = fields.into_iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
        format!("{{{}}}", body.join(",")).into_bytes()
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn managed_json_is_read_or_refused_with_a_reason(bytes in prop_oneof![
        managed_like(),
        proptest::collection::vec(any::<u8>(), 0..200),
    ]) {
        match parse_json(&bytes) {
            Ok((file, unknown)) => {
                prop_assert!(unknown.iter().all(|k| lastmile_proto::settings_file::spec(k).is_none()));
                let _ = Layer::validate(RawLayer::from(file));
            }
            Err(reason) => prop_assert!(!reason.is_empty()),
        }
    }
}
