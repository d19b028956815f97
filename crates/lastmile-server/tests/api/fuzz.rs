//! Report bodies of any shape, signed with the device's key so that they reach the parser
//! and the checks behind the signature: every one is stored (200) or refused as the client's
//! mistake (400, 409), never a server error. Bounded for CI; `PROPTEST_CASES` raises it.

use super::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Report-like JSON: the report's fields with values of any type, some of them right.
fn report_like() -> impl Strategy<Value = String> {
    let good = serde_json::to_value(report()).expect("report");
    let fields: Vec<String> = good.as_object().expect("object").keys().cloned().collect();
    let value = prop_oneof![
        Just(serde_json::Value::Null),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<bool>().prop_map(serde_json::Value::from),
        ".{0,20}".prop_map(serde_json::Value::from),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
        Just(
            serde_json::json!({"hostname": "", "os_name": "\u{7}", "os_version": "1", "arch": "x", "app_version": "1"})
        ),
    ];
    proptest::collection::vec((proptest::sample::select(fields), value, any::<bool>()), 0..6).prop_map(move |edits| {
        let mut body = good.clone();
        for (field, value, remove) in edits {
            if remove {
                body.as_object_mut().map(|o| o.remove(&field));
            } else {
                body[field.as_str()] = value;
            }
        }
        body.to_string()
    })
}

#[test]
fn signed_reports_of_any_shape_are_stored_or_refused_never_a_server_error() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (h, dev) = rt.block_on(async {
        let h = harness().await;
        let dev = h.joined().await;
        (h, dev)
    });
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(300);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let strategy = prop_oneof![report_like(), any::<String>()];
    runner
        .run(&strategy, |body| {
            let signature = h.key.sign_report(&dev.device_id, body.as_bytes());
            let headers = [(SIGNATURE_HEADER, signature)];
            let (status, v) =
                rt.block_on(h.call_with("POST", "/v1/posture", Some(&dev.device_token), Some(body.clone()), &headers));
            prop_assert!(matches!(status.as_u16(), 200 | 400 | 409), "{status} for {body}: {v}");
            Ok(())
        })
        .expect("every body answered without a server error");
}
