//! Signed posture reports: signatures, sequences, replays, the batch path.

use super::*;

async fn joined(h: &Harness) -> JoinResponse {
    h.joined().await
}

async fn refusals(h: &Harness) -> Vec<String> {
    lastmile_server::audit::list(&h.state.db.pool, None)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.kind == "report.refused")
        .map(|e| e.detail["reason"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn a_report_is_stored_once_and_can_be_checked_later() {
    let h = harness().await;
    let dev = joined(&h).await;
    let (s, v) = h.report(&dev, &report_n(1)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // The same report again (its answer was lost): answered, not stored twice.
    let (s, v) = h.report(&dev, &report_n(1)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["reports_received"], 1, "{v}");
    let (s, _) = h.report(&dev, &report_n(2)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h.count("posture_reports").await, 2);

    // Evidence: the stored body and signature verify with the device's public key.
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT d.public_key, r.body, r.signature FROM posture_reports r JOIN devices d ON d.id = r.device_id",
    )
    .fetch_all(&h.state.db.pool)
    .await
    .expect("rows");
    for (key, body, signature) in rows {
        let signature = signature.expect("signed");
        lastmile_core::device_key::verify_report(&key, &dev.device_id, body.as_bytes(), &signature)
            .expect("the stored report verifies");
    }
}

#[tokio::test]
async fn forged_replayed_and_misdated_reports_are_refused_and_logged() {
    let h = harness().await;
    let dev = joined(&h).await;
    assert_eq!(h.report(&dev, &report_n(5)).await.0, StatusCode::OK);
    let body = serde_json::to_string(&report_n(6)).expect("json");
    let token = Some(dev.device_token.as_str());

    // No signature; a signature by another key; a signature over another body; garbage.
    let other = random_key().sign_report(&dev.device_id, body.as_bytes());
    let moved = h.key.sign_report(&dev.device_id, b"{}");
    for headers in [
        vec![],
        vec![(SIGNATURE_HEADER, other)],
        vec![(SIGNATURE_HEADER, moved)],
        vec![(SIGNATURE_HEADER, "%%".into())],
    ] {
        let (s, v) = h.call_with("POST", "/v1/posture", token, Some(body.clone()), &headers).await;
        assert_eq!((s, error_code(&v)), (StatusCode::UNAUTHORIZED, ErrorCode::SignatureInvalid), "{headers:?}: {v}");
    }
    // Replays: an older sequence number under a new id; a used id with another body.
    let mut old = report_n(4);
    old.report_id = "report-fresh-id-0004".into();
    let (s, v) = h.report(&dev, &old).await;
    assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, ErrorCode::ReportReplayed), "{v}");
    let mut reused = report_n(9);
    reused.report_id = report_n(5).report_id;
    let (s, v) = h.report(&dev, &reused).await;
    assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, ErrorCode::ReportReplayed), "{v}");
    // Dated far in the past or the future; malformed fields.
    for (field, value) in [
        ("generated_at_ms", serde_json::json!(T0 - 31 * 24 * 3_600_000)),
        ("generated_at_ms", serde_json::json!(T0 + 25 * 3_600_000)),
        ("report_id", serde_json::json!("short")),
        ("sequence", serde_json::json!(0)),
    ] {
        let mut r = serde_json::to_value(report_n(7)).expect("json");
        r[field] = value.clone();
        let r: PostureReport = serde_json::from_value(r).expect("report");
        let (s, v) = h.report(&dev, &r).await;
        assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::BadRequest), "{field}={value}: {v}");
    }
    assert_eq!(h.count("posture_reports").await, 1, "nothing refused was stored");
    let reasons = refusals(&h).await;
    assert_eq!(reasons.iter().filter(|r| *r == "unsigned").count(), 1, "{reasons:?}");
    assert_eq!(reasons.iter().filter(|r| *r == "bad signature").count(), 3, "{reasons:?}");
    assert_eq!(reasons.iter().filter(|r| *r == "old sequence number" || *r == "reused report id").count(), 2);
    // The log of refusals is part of the chain, which stays whole.
    assert!(lastmile_server::audit::verify(&h.state.db.pool).await.expect("verify").first_bad.is_none());
}

/// Many devices report at once: the reports share batches (one transaction, one lookup),
/// and each device still gets the answer about itself. The database is held by another
/// writer meanwhile, so that the reports queue behind the first one whatever the timing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reports_are_batched_and_each_answer_goes_to_its_device() {
    let h = harness().await;
    let mut devices = Vec::new();
    for _ in 0..24 {
        devices.push(joined(&h).await);
    }
    let (batches, calls_before) = h.state.queues.reports.counts();
    let mut hold = lastmile_server::db::begin_write(&h.state.db.pool).await.expect("hold the writer");
    if h.state.db.backend == lastmile_server::db::Backend::Postgres {
        sqlx::query("LOCK TABLE posture_reports IN EXCLUSIVE MODE").execute(&mut *hold).await.expect("lock");
    }
    let mut sends = tokio::task::JoinSet::new();
    for (i, dev) in devices.iter().enumerate() {
        let mut r = report_n(1);
        r.device.hostname = format!("laptop-{i}");
        let body = serde_json::to_string(&r).expect("json");
        let signature = h.key.sign_report(&dev.device_id, body.as_bytes());
        let req = Request::builder()
            .method("POST")
            .uri("/v1/posture")
            .header(header::AUTHORIZATION, format!("Bearer {}", dev.device_token))
            .header(SIGNATURE_HEADER, signature)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .expect("request");
        let (state, id) = (h.state.clone(), dev.device_id.clone());
        sends.spawn(async move {
            let resp = app(state).oneshot(req).await.expect("response");
            let status = resp.status();
            let bytes = resp.into_body().collect().await.expect("body").to_bytes();
            (i, id, status, serde_json::from_slice::<PostureView>(&bytes).expect("a view"))
        });
    }
    // The first batch (the first report, or the first few) waits for the database; the
    // others wait for it.
    let queue = &h.state.queues.reports;
    let queued = || queue.waiting() + queue.counts().1 - calls_before;
    for _ in 0..2_000 {
        if queued() == 24 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(queued(), 24, "the reports did not queue behind the held database");
    hold.rollback().await.expect("let go");
    while let Some(done) = sends.join_next().await {
        let (i, id, status, view) = done.expect("task");
        assert_eq!(status, StatusCode::OK);
        assert_eq!(view.device_id, id, "an answer went to another device");
        assert_eq!(view.last_claims.expect("claims").device.hostname, format!("laptop-{i}"));
        assert_eq!(view.reports_received, 1);
    }
    assert_eq!(h.count("posture_reports").await, 24);
    let (after, calls) = h.state.queues.reports.counts();
    assert_eq!(calls, 24);
    assert_eq!(after - batches, 2, "the first batch, then all that queued behind it");
}

/// One batch holding every case at once: two reports of one device (stored in order), a
/// replay, a report sent again and a reused id; each gets its own outcome, and the replay
/// leaves nothing behind.
#[tokio::test]
async fn a_batch_of_mixed_reports_gives_each_its_own_outcome() {
    use lastmile_core::clock::UnixMillis;
    use store::{NewReport, ReportOutcome};
    let h = harness().await;
    let (a, b, c) = (joined(&h).await, joined(&h).await, joined(&h).await);
    let new = |dev: &JoinResponse, r: PostureReport| NewReport {
        device_id: dev.device_id.clone(),
        user_id: dev.user.id.clone(),
        received: UnixMillis(T0),
        body: serde_json::to_string(&r).expect("json"),
        report: r,
        signature: None,
    };
    let pool = &h.state.db.pool;
    let sent = new(&c, report_n(3));
    let first = store::insert_reports(pool, None, std::slice::from_ref(&sent)).await.expect("stored");
    assert!(matches!(first.as_slice(), [ReportOutcome::Stored { reports: 1, .. }]), "{first:?}");
    let mut reused = report_n(4);
    reused.report_id = report_n(3).report_id;
    let mut stale = report_n(2);
    stale.report_id = "report-stale-but-new-id".into();
    let batch =
        [new(&a, report_n(1)), new(&a, report_n(2)), new(&b, report_n(5)), new(&b, stale), sent, new(&c, reused)];
    let outcomes = store::insert_reports(pool, None, &batch).await.expect("stored");
    // Each stored report comes with its device's answer, read in the same write: what the
    // device's own request for it answers, with that report as the last.
    let stored: Vec<(i64, PostureView)> = outcomes
        .iter()
        .filter_map(|o| match o {
            ReportOutcome::Stored { reports, view } => Some((*reports, (**view).clone())),
            _ => None,
        })
        .collect();
    assert_eq!(stored.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [1, 2, 1], "{outcomes:?}");
    assert_eq!(
        outcomes[3..],
        [ReportOutcome::Replayed { last: 5 }, ReportOutcome::Duplicate, ReportOutcome::IdConflict]
    );
    for ((_, view), (dev, sequence)) in stored.iter().zip([(&a, 1), (&a, 2), (&b, 5)]) {
        assert_eq!(view.device_id, dev.device_id);
        assert_eq!(view.last_claims.as_ref().map(|c| c.sequence), Some(sequence));
        let (s, mine) = h.call("GET", "/v1/devices/me", Some(&dev.device_token), None).await;
        assert_eq!(s, StatusCode::OK, "{mine}");
        assert_eq!(view.user.id, dev.user.id);
        assert_eq!(serde_json::to_value(&view.compliance).expect("json"), mine["compliance"]);
        assert_eq!(serde_json::to_value(&view.organisation).expect("json"), mine["organisation"]);
    }
    assert_eq!(h.count("posture_reports").await, 4, "a's two, b's first and c's one");
    let last: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT id, last_sequence, report_count FROM devices ORDER BY id")
            .fetch_all(pool)
            .await
            .expect("devices");
    let of = |dev: &JoinResponse| last.iter().find(|(id, ..)| *id == dev.device_id).map(|(_, s, n)| (*s, *n));
    assert_eq!((of(&a), of(&b), of(&c)), (Some((2, 2)), Some((5, 1)), Some((3, 1))));
    // What each device's answer shows as its last report: the last stored, never the
    // replay that was taken back.
    for (dev, want) in [(&a, 2), (&b, 5), (&c, 3)] {
        let (s, v) = h.call("GET", "/v1/devices/me", Some(&dev.device_token), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["last_claims"]["sequence"], want, "{v}");
    }
}

/// Two servers on one database (replicas behind a load balancer) storing one device's
/// reports at once, odd sequence numbers on one and even on the other: each report is
/// stored or refused as old, never both, and the device's count, last sequence and last
/// report agree with what was stored. (Whether two writes overlap here is up to timing; the
/// next test makes them.)
#[tokio::test]
async fn two_servers_storing_one_devices_reports_at_once_agree() {
    use lastmile_core::clock::UnixMillis;
    use store::{NewReport, ReportOutcome};
    let h = harness().await;
    let dev = joined(&h).await;
    let url = h.state.db.pool.connect_options().database_url.to_string();
    let other = lastmile_server::db::Db::open(&url).await.expect("a second pool");
    let send = |pool: sqlx::AnyPool, start: i64| {
        let (device_id, user_id) = (dev.device_id.clone(), dev.user.id.clone());
        tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for n in (start..=80).step_by(2) {
                let r = report_n(n);
                let new = NewReport {
                    device_id: device_id.clone(),
                    user_id: user_id.clone(),
                    received: UnixMillis(T0),
                    body: serde_json::to_string(&r).expect("json"),
                    report: r,
                    signature: None,
                };
                let o = store::insert_reports(&pool, None, std::slice::from_ref(&new)).await.expect("written");
                outcomes.push((n, o[0].clone()));
            }
            outcomes
        })
    };
    let (odd, even) = (send(h.state.db.pool.clone(), 1), send(other.pool.clone(), 2));
    let outcomes: Vec<(i64, ReportOutcome)> =
        odd.await.expect("odd").into_iter().chain(even.await.expect("even")).collect();
    // Each stored report with the count it was answered with: its place in the device's
    // history, given under the device row's lock, so in the order the writes committed.
    let mut stored: Vec<(i64, i64)> = outcomes
        .iter()
        .filter_map(|(n, o)| match o {
            ReportOutcome::Stored { reports, .. } => Some((*reports, *n)),
            _ => None,
        })
        .collect();
    assert!(
        outcomes.iter().all(|(_, o)| matches!(o, ReportOutcome::Stored { .. } | ReportOutcome::Replayed { .. })),
        "{outcomes:?}"
    );
    stored.sort_unstable();
    let places: Vec<i64> = stored.iter().map(|s| s.0).collect();
    assert_eq!(places, (1..=stored.len() as i64).collect::<Vec<_>>(), "one place each, none twice: {stored:?}");
    let sequences: Vec<i64> = stored.iter().map(|s| s.1).collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "stored in rising order: {stored:?}");
    let last_stored = *sequences.last().expect("some stored");
    assert!(last_stored >= 79, "the last of one side is stored: {outcomes:?}");
    // Row ids are not the order of storing: on PostgreSQL a write that commits later may
    // have taken its id first.
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, sequence FROM posture_reports WHERE device_id = $1 ORDER BY sequence")
            .bind(&dev.device_id)
            .fetch_all(&h.state.db.pool)
            .await
            .expect("rows");
    let row_sequences: Vec<i64> = rows.iter().map(|r| r.1).collect();
    assert_eq!(row_sequences, sequences, "the rows are exactly the reports answered as stored");
    let (last, count, last_row): (i64, i64, i64) =
        sqlx::query_as("SELECT last_sequence, report_count, last_report_row FROM devices WHERE id = $1")
            .bind(&dev.device_id)
            .fetch_one(&h.state.db.pool)
            .await
            .expect("device");
    assert_eq!((last, count), (last_stored, stored.len() as i64));
    assert_eq!(rows.last().map(|r| r.0), Some(last_row), "the last report row is the last stored");
    other.pool.close().await;
}

/// A report whose device moved on in another server's write while this one waited for it
/// is refused as old and leaves nothing behind. On PostgreSQL the report is inserted first
/// (the device looked behind it when the statement began) and taken back once the other
/// write commits; on SQLite the write waits for the other one and never inserts it.
#[tokio::test]
async fn a_report_overtaken_by_another_servers_write_is_refused_and_leaves_nothing() {
    use lastmile_core::clock::UnixMillis;
    use store::{NewReport, ReportOutcome};
    let h = harness().await;
    let dev = joined(&h).await;
    let pool = h.state.db.pool.clone();
    let postgres = h.state.db.backend == lastmile_server::db::Backend::Postgres;
    let mut other = pool.acquire().await.expect("connection");
    sqlx::query(if postgres { "BEGIN" } else { "BEGIN IMMEDIATE" }).execute(&mut *other).await.expect("begin");
    sqlx::query("UPDATE devices SET last_sequence = 10 WHERE id = $1")
        .bind(&dev.device_id)
        .execute(&mut *other)
        .await
        .expect("the other server's update");
    let r = report_n(5);
    let new = NewReport {
        device_id: dev.device_id.clone(),
        user_id: dev.user.id.clone(),
        received: UnixMillis(T0),
        body: serde_json::to_string(&r).expect("json"),
        report: r,
        signature: None,
    };
    let write = tokio::spawn({
        let pool = pool.clone();
        async move { store::insert_reports(&pool, None, &[new]).await }
    });
    // Long enough for the write to reach the other one's lock.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!write.is_finished(), "the write waits for the other one");
    sqlx::query("COMMIT").execute(&mut *other).await.expect("commit");
    let outcome = write.await.expect("joined").expect("written");
    assert_eq!(outcome, [ReportOutcome::Replayed { last: 10 }]);
    assert_eq!(h.count("posture_reports").await, 0, "nothing left behind");
    let (count, last_row): (i64, Option<i64>) =
        sqlx::query_as("SELECT report_count, last_report_row FROM devices WHERE id = $1")
            .bind(&dev.device_id)
            .fetch_one(&pool)
            .await
            .expect("device");
    assert_eq!((count, last_row), (0, None));
}

/// A device that joined without a key (before device keys existed) may not report unsigned:
/// unsigned reports were a downgrade, since such a device never had to sign. It adds a key
/// (idempotent for the same key; another key is refused), then must sign; the administrator
/// lists the devices still without one. `--allow-unsigned-reports` keeps the old behaviour
/// for a transition.
#[tokio::test]
async fn a_device_without_a_key_adds_one_before_it_reports() {
    let mut h = harness().await;
    let code = h.invite(1).await;
    let req = JoinRequest { invite_code: code, device: claims(), device_public_key: None };
    let (_, v) = h.call("POST", "/v1/devices/join", None, Some(serde_json::to_string(&req).expect("json"))).await;
    let dev: JoinResponse = serde_json::from_value(v).expect("joined");
    let body = || serde_json::to_string(&report()).expect("json");
    let (s, v) = h.call("POST", "/v1/posture", Some(&dev.device_token), Some(body())).await;
    assert_eq!((s, error_code(&v)), (StatusCode::UNAUTHORIZED, ErrorCode::DeviceKeyRequired), "{v}");
    let unsigned = admin::unsigned_devices(&h.state.db, "acme").await.expect("list");
    assert_eq!(unsigned.iter().map(|d| d.device_id.as_str()).collect::<Vec<_>>(), [dev.device_id.as_str()]);

    // The transition setting: stored as unsigned, as before.
    h.state = h.state.clone().with_unsigned_reports(true);
    let (s, v) = h.call("POST", "/v1/posture", Some(&dev.device_token), Some(body())).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let signed: Option<String> =
        sqlx::query_scalar("SELECT signature FROM posture_reports").fetch_one(&h.state.db.pool).await.expect("row");
    assert_eq!(signed, None, "stored as unsigned");
    h.state = h.state.clone().with_unsigned_reports(false);

    // The device adds its key (twice: a retry after a lost answer), and must sign from then on.
    let add = |key: String| {
        let body = serde_json::json!({ "device_public_key": key }).to_string();
        h.call("POST", "/v1/devices/me/key", Some(&dev.device_token), Some(body))
    };
    let (s, v) = add(h.key.public_key()).await;
    assert_eq!((s, v["added"].as_bool()), (StatusCode::OK, Some(true)), "{v}");
    let (s, v) = add(h.key.public_key()).await;
    assert_eq!((s, v["added"].as_bool()), (StatusCode::OK, Some(false)), "{v}");
    let (s, v) = add(random_key().public_key()).await;
    assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, ErrorCode::Conflict), "another key does not replace it");
    let (s, v) = add("AAAA".into()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = h.call("POST", "/v1/posture", Some(&dev.device_token), Some(body())).await;
    assert_eq!((s, error_code(&v)), (StatusCode::UNAUTHORIZED, ErrorCode::SignatureInvalid), "{v}");
    let mut next = report();
    next.sequence = 2;
    next.report_id = "report-0000000000000002".into();
    let (s, v) = h.report(&dev, &next).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(admin::unsigned_devices(&h.state.db, "acme").await.expect("list").is_empty());
    let k: Vec<String> = lastmile_server::audit::list(&h.state.db.pool, None)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(k.iter().filter(|k| *k == "device.key_added").count(), 1, "{k:?}");

    // A join with a key that is not a P-256 public key is refused.
    let code = h.invite(1).await;
    let req = JoinRequest { invite_code: code, device: claims(), device_public_key: Some("AAAA".into()) };
    let (s, v) = h.call("POST", "/v1/devices/join", None, Some(serde_json::to_string(&req).expect("json"))).await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::BadRequest), "{v}");
}
