//! The audit log: the hash chain written and checked, tampering found.

use super::*;
use lastmile_server::audit;

/// A few events: a join, TOTP verified, a set of recovery codes.
async fn history(h: &Harness) {
    let dev = h.joined().await;
    let t = Some(dev.device_token.as_str());
    assert_eq!(h.call("POST", "/v1/factors/recovery-codes", t, None).await.0, StatusCode::CREATED);
    assert_eq!(h.call("POST", "/v1/factors/recovery-codes", t, None).await.0, StatusCode::CREATED);
    h.joined().await;
}

async fn sql(h: &Harness, statement: &str) {
    sqlx::query(statement).execute(&h.state.db.pool).await.expect(statement);
}

async fn first_bad(h: &Harness) -> Option<(i64, String)> {
    audit::verify(&h.state.db.pool).await.expect("verify").first_bad.map(|b| (b.seq, b.reason))
}

#[tokio::test]
async fn an_intact_log_verifies_and_every_kind_of_tampering_is_found() {
    let h = harness().await;
    history(&h).await;
    let report = audit::verify(&h.state.db.pool).await.expect("verify");
    assert_eq!((report.events, report.unchained, report.first_bad), (4, 0, None));

    // A changed detail.
    sql(&h, "UPDATE audit_events SET detail = '{\"codes\": 12}' WHERE seq = 2").await;
    let (seq, why) = first_bad(&h).await.expect("found");
    assert_eq!(seq, 2);
    assert!(why.contains("changed"), "{why}");
}

#[tokio::test]
async fn removed_and_reordered_events_are_found() {
    let h = harness().await;
    history(&h).await;
    sql(&h, "DELETE FROM audit_events WHERE seq = 2").await;
    let (seq, why) = first_bad(&h).await.expect("found");
    assert_eq!(seq, 2);
    assert!(why.contains("missing"), "{why}");

    let h = harness().await;
    history(&h).await;
    // Swap two events' places (and their kinds with them): the chain no longer links.
    sql(&h, "UPDATE audit_events SET seq = -1 WHERE seq = 2").await;
    sql(&h, "UPDATE audit_events SET seq = 2 WHERE seq = 3").await;
    sql(&h, "UPDATE audit_events SET seq = 3 WHERE seq = -1").await;
    let (seq, why) = first_bad(&h).await.expect("found");
    assert_eq!(seq, 2, "{why}");

    let h = harness().await;
    history(&h).await;
    // The newest event removed: only the head knows.
    sql(&h, "DELETE FROM audit_events WHERE seq = 4").await;
    let (seq, why) = first_bad(&h).await.expect("found");
    assert_eq!(seq, 4);
    assert!(why.contains("newest were removed"), "{why}");

    // A forged event appended with a well-formed but wrong hash.
    let h = harness().await;
    history(&h).await;
    sql(
        &h,
        "INSERT INTO audit_events (at_ms, org_id, user_id, kind, detail, seq, prev_hash, hash) \
         SELECT at_ms, org_id, user_id, 'factor.verified', '{}', 5, hash, hash FROM audit_events WHERE seq = 4",
    )
    .await;
    sql(&h, "UPDATE audit_head SET seq = 5").await;
    let (seq, why) = first_bad(&h).await.expect("found");
    assert_eq!(seq, 5);
    assert!(why.contains("changed"), "{why}");
}
