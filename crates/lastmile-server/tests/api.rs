//! The HTTP API against a real SQLite database in a fresh directory, without a socket.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use lastmile_core::clock::ManualClock;
use lastmile_core::device_key::DeviceKey;
use lastmile_proto::api::SIGNATURE_HEADER;
use lastmile_proto::api::{
    AuthenticatorClaims, ClockClaim, DeviceClaims, ErrorBody, ErrorCode, JoinRequest, JoinResponse, PostureReport,
    PostureView, SecurityKeyClaim, ServerTime,
};
use lastmile_server::db::Db;
use lastmile_server::{AppState, admin, app, store};
use serde_json::Value;
use tower::ServiceExt;

const T0: i64 = 1_790_000_000_000;

struct Harness {
    _dir: tempfile::TempDir,
    state: AppState,
    clock: Arc<ManualClock>,
    /// The key every device this harness joins holds.
    key: DeviceKey,
}

/// SQLite in `dir`; or, when `LASTMILE_TEST_DATABASE_URL` names a PostgreSQL server (as
/// `scripts/test.sh` does for its second run of this suite), a fresh database on it.
async fn open_db(dir: &std::path::Path) -> Db {
    let Ok(admin_url) = std::env::var("LASTMILE_TEST_DATABASE_URL") else {
        return Db::open_sqlite(dir).await.expect("open db");
    };
    use sqlx::{Connection, Executor};
    sqlx::any::install_default_drivers();
    let name = format!("lm_{}", lastmile_server::secrets::new_id("t").to_lowercase().replace(['-', '_'], ""));
    let mut admin = sqlx::AnyConnection::connect(&admin_url).await.expect("connect to PostgreSQL");
    admin.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create database");
    let (base, _) = admin_url.rsplit_once('/').expect("URL with a database");
    Db::open(&format!("{base}/{name}")).await.expect("open db")
}

/// A device key from fresh random bytes.
fn random_key() -> DeviceKey {
    use rand::Rng;
    DeviceKey::from_random(&rand::rng().random()).expect("a valid key (all but certain)")
}

async fn harness() -> Harness {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = open_db(dir.path()).await;
    let clock = Arc::new(ManualClock::at(T0));
    let state = AppState::new(db, clock.clone());
    admin::create_org(&state.db, &*clock, "acme", "Acme Ltd").await.expect("org");
    admin::create_user(&state.db, &*clock, "acme", "ada@acme.test", "Ada").await.expect("user");
    Harness { _dir: dir, state, clock, key: random_key() }
}

impl Harness {
    async fn invite(&self, ttl_hours: u32) -> String {
        admin::create_invite(&self.state.db, &*self.clock, "acme", "ada@acme.test", ttl_hours, None)
            .await
            .expect("invite")
            .code
    }

    async fn call(&self, method: &str, uri: &str, token: Option<&str>, body: Option<String>) -> (StatusCode, Value) {
        self.call_with(method, uri, token, body, &[]).await
    }

    /// Sends a report signed with the harness's device key.
    async fn report(&self, dev: &JoinResponse, report: &PostureReport) -> (StatusCode, Value) {
        let body = serde_json::to_string(report).expect("json");
        let signature = self.key.sign_report(&dev.device_id, body.as_bytes());
        self.call_with("POST", "/v1/posture", Some(&dev.device_token), Some(body), &[(SIGNATURE_HEADER, signature)])
            .await
    }

    async fn call_with(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<String>,
        headers: &[(&str, String)],
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b)),
            None => req.body(Body::empty()),
        }
        .expect("request");
        let resp = app(self.state.clone()).oneshot(req).await.expect("response");
        let status = resp.status();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or_else(|_| panic!("not JSON: {bytes:?}"));
        (status, json)
    }

    async fn join(&self, code: &str) -> (StatusCode, Value) {
        let req =
            JoinRequest { invite_code: code.into(), device: claims(), device_public_key: Some(self.key.public_key()) };
        self.call("POST", "/v1/devices/join", None, Some(serde_json::to_string(&req).expect("json"))).await
    }

    /// A device joined for Ada with a fresh invite.
    async fn joined(&self) -> JoinResponse {
        let code = self.invite(1).await;
        serde_json::from_value(self.join(&code).await.1).expect("joined")
    }

    /// Everything the database holds, as text: SQLite's files byte for byte (after closing
    /// the pool, which flushes the WAL), or every row of every PostgreSQL table.
    async fn database_content(&self) -> String {
        let pool = &self.state.db.pool;
        if self.state.db.backend == lastmile_server::db::Backend::Postgres {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
            )
            .fetch_all(pool)
            .await
            .expect("tables");
            let mut text = String::new();
            for table in tables {
                let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT r::text FROM \"{table}\" r"))
                    .fetch_all(pool)
                    .await
                    .expect("rows");
                text.extend(rows);
            }
            return text;
        }
        pool.close().await;
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(self._dir.path()).expect("dir") {
            bytes.extend(std::fs::read(entry.expect("entry").path()).expect("read"));
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }

    async fn count(&self, table: &str) -> i64 {
        store::count(&self.state.db.pool, table).await.expect("count")
    }
}

fn claims() -> DeviceClaims {
    DeviceClaims {
        hostname: "ada-laptop".into(),
        os_name: "Debian GNU/Linux".into(),
        os_version: "12".into(),
        arch: "x86_64".into(),
        app_version: "0.1.0".into(),
    }
}

fn report() -> PostureReport {
    report_n(1)
}

/// Report number `n` (its sequence number; the id follows from it).
fn report_n(n: i64) -> PostureReport {
    PostureReport {
        report_id: format!("report-{n:016}"),
        sequence: n,
        generated_at_ms: T0,
        device: claims(),
        authenticators: AuthenticatorClaims {
            security_keys: vec![SecurityKeyClaim {
                aaguid: Some("ee882879-721c-4913-9775-3dfcce97072a".into()),
                versions: vec!["FIDO_2_0".into()],
            }],
            platform_authenticator: Some(false),
            tpm: Some(true),
        },
        clock: Some(ClockClaim { offset_ms: 120, delay_ms: 4 }),
    }
}

fn error_code(v: &Value) -> ErrorCode {
    serde_json::from_value::<ErrorBody>(v.clone()).expect("error body").error.code
}

#[tokio::test]
async fn health_and_time() {
    let h = harness().await;
    let (s, v) = h.call("GET", "/v1/health", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "ok");
    assert_eq!(v["api_version"], 1);
    h.clock.set(T0 + 1234);
    let (s, v) = h.call("GET", "/v1/time", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let t: ServerTime = serde_json::from_value(v).expect("time");
    assert_eq!((t.receive_ms, t.transmit_ms), (T0 + 1234, T0 + 1234));
}

#[tokio::test]
async fn join_then_report_then_read_back() {
    let h = harness().await;
    let code = h.invite(72).await;
    let (s, v) = h.join(&code.to_lowercase()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let joined: JoinResponse = serde_json::from_value(v).expect("join response");
    assert_eq!(joined.user.email, "ada@acme.test");
    assert_eq!(joined.organisation.slug, "acme");

    let (s, v) = h.call("GET", "/v1/devices/me", Some(&joined.device_token), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let view: PostureView = serde_json::from_value(v).expect("view");
    assert_eq!((view.reports_received, view.last_claims), (0, None));

    h.clock.advance(5_000);
    let (s, v) = h.report(&joined, &report()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let view: PostureView = serde_json::from_value(v).expect("view");
    assert_eq!(view.device_id, joined.device_id);
    assert_eq!(view.reports_received, 1);
    assert_eq!(view.last_report_at_ms, Some(T0 + 5_000));
    assert_eq!(view.last_claims, Some(report()));
    assert!(view.verified_factors.is_empty(), "claims never count as verified factors");
    assert_eq!(h.count("posture_reports").await, 1);
}

#[tokio::test]
async fn invites_are_single_use_and_expire() {
    let h = harness().await;
    let code = h.invite(1).await;
    assert_eq!(h.join(&code).await.0, StatusCode::CREATED);
    let (s, v) = h.join(&code).await;
    assert_eq!((s, error_code(&v)), (StatusCode::GONE, ErrorCode::InviteUsed));

    let code = h.invite(1).await;
    h.clock.advance(3_600_000);
    let (s, v) = h.join(&code).await;
    assert_eq!((s, error_code(&v)), (StatusCode::GONE, ErrorCode::InviteExpired));
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("IT")), "{v}");

    let (s, v) = h.join("ZZZZ-ZZZZ-ZZZZ-ZZZZ").await;
    assert_eq!((s, error_code(&v)), (StatusCode::NOT_FOUND, ErrorCode::InvalidInvite));
    let (s, v) = h.join("not a code").await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::InvalidInvite));

    // Only the first join created a device.
    assert_eq!(h.count("devices").await, 1);
}

#[tokio::test]
async fn malformed_requests_get_the_error_shape() {
    let h = harness().await;
    let cases: [(&str, &str, Option<&str>, StatusCode, ErrorCode); 5] = [
        ("POST", "/v1/devices/join", Some("{not json"), StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
        ("POST", "/v1/devices/join", Some("{\"invite_code\": 5}"), StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
        ("POST", "/v1/posture", Some("{}"), StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
        ("GET", "/v1/devices/me", None, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
        ("GET", "/v1/nope", None, StatusCode::NOT_FOUND, ErrorCode::NotFound),
    ];
    for (method, uri, body, status, code) in cases {
        let (s, v) = h.call(method, uri, None, body.map(str::to_string)).await;
        assert_eq!((s, error_code(&v)), (status, code), "{method} {uri} {body:?}: {v}");
    }
    // A device claim with control characters is refused and nothing is stored.
    let code = h.invite(1).await;
    let mut req = serde_json::to_value(JoinRequest { invite_code: code, device: claims(), device_public_key: None })
        .expect("json");
    req["device"]["hostname"] = "evil\u{1b}[31m".into();
    let (s, v) = h.call("POST", "/v1/devices/join", None, Some(req.to_string())).await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::BadRequest), "{v}");
    assert_eq!(h.count("devices").await, 0);
}

#[tokio::test]
async fn oversized_and_forged_reports_are_refused() {
    let h = harness().await;
    let code = h.invite(1).await;
    let (_, v) = h.join(&code).await;
    let joined: JoinResponse = serde_json::from_value(v).expect("joined");

    let mut big = report();
    big.device.hostname = "x".repeat(100_000);
    let (s, v) = h.report(&joined, &big).await;
    assert_eq!((s, error_code(&v)), (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge));

    let body = serde_json::to_string(&report()).expect("json");
    let forged = format!("{}x", &joined.device_token[..joined.device_token.len() - 1]);
    let (s, v) = h.call("POST", "/v1/posture", Some(&forged), Some(body.clone())).await;
    assert_eq!((s, error_code(&v)), (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized));

    admin::revoke_device(&h.state.db, &*h.clock, &joined.device_id).await.expect("revoke");
    let (s, v) = h.call("POST", "/v1/posture", Some(&joined.device_token), Some(body)).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::DeviceRevoked));
    assert_eq!(h.count("posture_reports").await, 0);
}

mod signed_reports {
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
            assert_eq!(
                (s, error_code(&v)),
                (StatusCode::UNAUTHORIZED, ErrorCode::SignatureInvalid),
                "{headers:?}: {v}"
            );
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
            sqlx::query("LOCK TABLE posture_reports IN EXCLUSIVE MODE").execute(&mut **hold).await.expect("lock");
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
            received: UnixMillis(T0),
            body: serde_json::to_string(&r).expect("json"),
            report: r,
            signature: None,
        };
        let pool = &h.state.db.pool;
        let sent = new(&c, report_n(3));
        assert_eq!(
            store::insert_reports(pool, std::slice::from_ref(&sent)).await.expect("stored"),
            [ReportOutcome::Stored { reports: 1 }]
        );
        let mut reused = report_n(4);
        reused.report_id = report_n(3).report_id;
        let mut stale = report_n(2);
        stale.report_id = "report-stale-but-new-id".into();
        let batch =
            [new(&a, report_n(1)), new(&a, report_n(2)), new(&b, report_n(5)), new(&b, stale), sent, new(&c, reused)];
        let outcomes = store::insert_reports(pool, &batch).await.expect("stored");
        assert_eq!(
            outcomes,
            [
                ReportOutcome::Stored { reports: 1 },
                ReportOutcome::Stored { reports: 2 },
                ReportOutcome::Stored { reports: 1 },
                ReportOutcome::Replayed { last: 5 },
                ReportOutcome::Duplicate,
                ReportOutcome::IdConflict,
            ]
        );
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

    #[tokio::test]
    async fn a_device_that_joined_without_a_key_reports_unsigned() {
        let h = harness().await;
        let code = h.invite(1).await;
        let req = JoinRequest { invite_code: code, device: claims(), device_public_key: None };
        let (_, v) = h.call("POST", "/v1/devices/join", None, Some(serde_json::to_string(&req).expect("json"))).await;
        let dev: JoinResponse = serde_json::from_value(v).expect("joined");
        let body = serde_json::to_string(&report()).expect("json");
        let (s, v) = h.call("POST", "/v1/posture", Some(&dev.device_token), Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let signed: Option<String> =
            sqlx::query_scalar("SELECT signature FROM posture_reports").fetch_one(&h.state.db.pool).await.expect("row");
        assert_eq!(signed, None, "stored as unsigned");
        // A join with a key that is not a P-256 public key is refused.
        let code = h.invite(1).await;
        let req = JoinRequest { invite_code: code, device: claims(), device_public_key: Some("AAAA".into()) };
        let (s, v) = h.call("POST", "/v1/devices/join", None, Some(serde_json::to_string(&req).expect("json"))).await;
        assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::BadRequest), "{v}");
    }
}

#[tokio::test]
async fn the_database_never_holds_codes_or_tokens_in_the_clear() {
    let h = harness().await;
    let code = h.invite(1).await;
    let (_, v) = h.join(&code).await;
    let joined: JoinResponse = serde_json::from_value(v).expect("joined");
    let haystack = h.database_content().await;
    assert!(haystack.contains("ada@acme.test"), "the scan must see the database content");
    for secret in [code.replace('-', ""), code.clone(), joined.device_token.clone()] {
        assert!(!haystack.contains(&secret), "{secret} is stored in the clear");
    }
}

#[tokio::test]
async fn openapi_document_is_generated_from_the_code() {
    let h = harness().await;
    let (s, v) = h.call("GET", "/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["openapi"].as_str().is_some_and(|o| o.starts_with("3.")), "{}", v["openapi"]);
    for path in ["/v1/health", "/v1/time", "/v1/devices/join", "/v1/devices/me", "/v1/posture"] {
        assert!(v["paths"][path].is_object(), "{path} missing");
    }
    for schema in ["PostureReport", "PostureView", "JoinRequest", "ErrorBody", "ErrorCode"] {
        assert!(v["components"]["schemas"][schema].is_object(), "{schema} missing");
    }
    assert!(v["components"]["securitySchemes"]["device_token"].is_object());
}

#[tokio::test]
async fn admin_refuses_bad_input() {
    let h = harness().await;
    let c = &*h.clock;
    let db = &h.state.db;
    assert!(admin::create_org(db, c, "Acme Corp", "x").await.is_err());
    assert!(admin::create_org(db, c, "acme", "dup").await.is_err());
    assert!(admin::create_user(db, c, "acme", "not-an-email", "").await.is_err());
    assert!(admin::create_user(db, c, "nope", "a@b.test", "").await.is_err());
    assert!(admin::create_invite(db, c, "acme", "ada@acme.test", 0, None).await.is_err());
    assert!(admin::create_invite(db, c, "acme", "ada@acme.test", 1, Some("http://evil.example")).await.is_err());
    assert!(admin::create_invite(db, c, "acme", "bob@acme.test", 1, None).await.is_err());
    let inv = admin::demo(db, c, "http://127.0.0.1:8443").await.expect("demo");
    assert!(inv.link.starts_with("lastmile://join?code="), "{}", inv.link);
    admin::demo(db, c, "http://127.0.0.1:8443").await.expect("demo is repeatable");
    assert!(admin::revoke_device(db, c, "dev_nope").await.is_err());
}

mod totp {
    use super::*;
    use lastmile_core::clock::UnixMillis;
    use lastmile_core::totp::{TotpParams, code_at, secret_from_base32};
    use lastmile_proto::api::{FactorView, TotpEnrollment};

    async fn begin(h: &Harness, token: &str) -> (TotpEnrollment, Vec<u8>) {
        let (s, v) = h.call("POST", "/v1/factors/totp", Some(token), None).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let e: TotpEnrollment = serde_json::from_value(v).expect("enrollment");
        let secret = secret_from_base32(&e.secret).expect("base32");
        (e, secret)
    }

    async fn verify(h: &Harness, token: &str, factor: &str, code: &str) -> (StatusCode, Value) {
        let body = serde_json::json!({ "code": code }).to_string();
        h.call("POST", &format!("/v1/factors/totp/{factor}/verify"), Some(token), Some(body)).await
    }

    fn code(h: &Harness, secret: &[u8], steps: i64) -> String {
        use lastmile_core::clock::Clock;
        code_at(secret, TotpParams::default(), UnixMillis(h.clock.now().0 + steps * 30_000)).expect("code")
    }

    #[tokio::test]
    async fn enrollment_issues_a_160_bit_secret_with_default_parameters() {
        let h = harness().await;
        let dev = h.joined().await;
        let (e, secret) = begin(&h, &dev.device_token).await;
        assert_eq!(secret.len(), 20);
        assert!(e.otpauth_uri.starts_with("otpauth://totp/Acme%20Ltd:ada%40acme.test?"), "{}", e.otpauth_uri);
        assert!(e.otpauth_uri.contains(&format!("secret={}", e.secret)));
        assert_eq!((e.algorithm.as_str(), e.digits, e.period_s, e.widely_supported), ("SHA1", 6, 30, true));
        // Pending factors do not count.
        let (_, v) = h.call("GET", "/v1/devices/me", Some(&dev.device_token), None).await;
        assert_eq!(v["verified_factors"], serde_json::json!([]));
    }

    #[tokio::test]
    async fn a_current_code_verifies_once_and_counts() {
        let h = harness().await;
        let dev = h.joined().await;
        let (e, secret) = begin(&h, &dev.device_token).await;
        let now_code = code(&h, &secret, 0);
        let (s, v) = verify(&h, &dev.device_token, &e.factor_id, &now_code).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let f: FactorView = serde_json::from_value(v).expect("factor");
        assert_eq!((f.kind.as_str(), f.tier.as_str(), f.verified_at_ms), ("totp", "strong", T0));

        // The same code again, or an older one, is a replay.
        for c in [now_code, code(&h, &secret, -1)] {
            let (s, v) = verify(&h, &dev.device_token, &e.factor_id, &c).await;
            assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::TotpReplayed), "{v}");
        }
        // The next step's code (drift of one step) is accepted.
        let (s, _) = verify(&h, &dev.device_token, &e.factor_id, &code(&h, &secret, 1)).await;
        assert_eq!(s, StatusCode::OK);

        let (_, v) = h.call("GET", "/v1/devices/me", Some(&dev.device_token), None).await;
        assert_eq!(v["best_tier"], "strong");
        assert_eq!(v["verified_factors"].as_array().map(Vec::len), Some(1));
    }

    #[tokio::test]
    async fn codes_outside_the_window_are_wrong_and_failures_lock() {
        let h = harness().await;
        let dev = h.joined().await;
        let (e, secret) = begin(&h, &dev.device_token).await;
        let (s, v) = verify(&h, &dev.device_token, &e.factor_id, "12 34").await;
        assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::TotpInvalid), "malformed: {v}");
        for attempt in 1..=4 {
            let (s, v) = verify(&h, &dev.device_token, &e.factor_id, &code(&h, &secret, 2)).await;
            assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::TotpInvalid), "{attempt}: {v}");
            let left = format!("{} attempts left", 5 - attempt);
            assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains(&left)), "{v}");
        }
        let (s, v) = verify(&h, &dev.device_token, &e.factor_id, "000000").await;
        assert_eq!((s, error_code(&v)), (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited), "{v}");
        // Locked: even the right code is refused, and the lockout does not verify anything.
        let (s, _) = verify(&h, &dev.device_token, &e.factor_id, &code(&h, &secret, 0)).await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
        h.clock.advance(5 * 60 * 1000);
        let (s, v) = verify(&h, &dev.device_token, &e.factor_id, &code(&h, &secret, 0)).await;
        assert_eq!(s, StatusCode::OK, "after the lock: {v}");
    }

    #[tokio::test]
    async fn another_users_factor_is_not_found() {
        let h = harness().await;
        let dev = h.joined().await;
        let (e, secret) = begin(&h, &dev.device_token).await;
        admin::create_user(&h.state.db, &*h.clock, "acme", "bob@acme.test", "Bob").await.expect("bob");
        let inv = admin::create_invite(&h.state.db, &*h.clock, "acme", "bob@acme.test", 1, None).await.expect("inv");
        let bob: JoinResponse = serde_json::from_value(h.join(&inv.code).await.1).expect("bob joined");
        let (s, v) = verify(&h, &bob.device_token, &e.factor_id, &code(&h, &secret, 0)).await;
        assert_eq!((s, error_code(&v)), (StatusCode::NOT_FOUND, ErrorCode::NotFound), "{v}");
    }
}

mod recovery_codes {
    use super::*;
    use lastmile_proto::api::RecoveryCodeSet;

    async fn new_set(h: &Harness, token: &str) -> RecoveryCodeSet {
        let (s, v) = h.call("POST", "/v1/factors/recovery-codes", Some(token), None).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        serde_json::from_value(v).expect("set")
    }

    async fn confirm(h: &Harness, token: &str, set: &str, code: &str) -> (StatusCode, Value) {
        let body = serde_json::json!({ "code": code }).to_string();
        h.call("POST", &format!("/v1/factors/recovery-codes/{set}/confirm"), Some(token), Some(body)).await
    }

    #[tokio::test]
    async fn ten_codes_hashed_confirmed_by_one_and_regeneration_voids_the_old_set() {
        let h = harness().await;
        let dev = h.joined().await;
        let set = new_set(&h, &dev.device_token).await;
        assert_eq!(set.codes.len(), 10);
        let distinct: std::collections::HashSet<_> = set.codes.iter().collect();
        assert_eq!(distinct.len(), 10);
        assert!(set.codes.iter().all(|c| c.len() == 19 && c.matches('-').count() == 3), "{:?}", set.codes);

        let (s, v) = confirm(&h, &dev.device_token, &set.factor_id, "ZZZZ-ZZZZ-ZZZZ-ZZZZ").await;
        assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::RecoveryCodeInvalid), "{v}");
        let (s, v) = confirm(&h, &dev.device_token, &set.factor_id, &set.codes[3].to_lowercase()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["kind"].as_str(), v["tier"].as_str()), (Some("recovery_codes"), Some("recovery")));
        // Confirming does not use the code up.
        assert_eq!(confirm(&h, &dev.device_token, &set.factor_id, &set.codes[3]).await.0, StatusCode::OK);

        // A new set voids the old one at once.
        let newer = new_set(&h, &dev.device_token).await;
        let (s, _) = confirm(&h, &dev.device_token, &set.factor_id, &set.codes[0]).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = confirm(&h, &dev.device_token, &newer.factor_id, &set.codes[0]).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "an old code is not in the new set");
        let (_, me) = h.call("GET", "/v1/devices/me", Some(&dev.device_token), None).await;
        assert_eq!(me["verified_factors"], serde_json::json!([]), "the old set no longer counts, the new one not yet");

        // The database holds argon2id hashes, never a code.
        let haystack = h.database_content().await;
        assert!(haystack.contains("$argon2id$v=19$m=19456,t=2,p=1$"), "hashes are there");
        for code in set.codes.iter().chain(&newer.codes) {
            assert!(
                !haystack.contains(code.as_str()) && !haystack.contains(&code.replace('-', "")),
                "{code} in the clear"
            );
        }
    }

    #[tokio::test]
    async fn wrong_codes_lock_the_set() {
        let h = harness().await;
        let dev = h.joined().await;
        let set = new_set(&h, &dev.device_token).await;
        for _ in 0..4 {
            assert_eq!(
                confirm(&h, &dev.device_token, &set.factor_id, "ZZZZ-ZZZZ-ZZZZ-ZZZZ").await.0,
                StatusCode::BAD_REQUEST
            );
        }
        let (s, v) = confirm(&h, &dev.device_token, &set.factor_id, "ZZZZ-ZZZZ-ZZZZ-ZZZZ").await;
        assert_eq!((s, error_code(&v)), (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited));
        assert_eq!(
            confirm(&h, &dev.device_token, &set.factor_id, &set.codes[0]).await.0,
            StatusCode::TOO_MANY_REQUESTS
        );
        h.clock.advance(5 * 60 * 1000);
        assert_eq!(confirm(&h, &dev.device_token, &set.factor_id, &set.codes[0]).await.0, StatusCode::OK);
    }
}

mod recovery_after_loss {
    use super::*;
    use lastmile_core::clock::Clock;
    use lastmile_core::totp::{TotpParams, code_at, secret_from_base32};
    use lastmile_proto::api::{AccountView, RecoveryCodeSet, RecoverySession, TotpEnrollment};

    /// Ada's laptop, joined, with a verified TOTP factor and confirmed recovery codes.
    struct Ada {
        laptop: JoinResponse,
        totp: String,
        codes: RecoveryCodeSet,
    }

    async fn ada(h: &Harness) -> Ada {
        let laptop = h.joined().await;
        let t = Some(laptop.device_token.as_str());
        let (_, v) = h.call("POST", "/v1/factors/totp", t, None).await;
        let e: TotpEnrollment = serde_json::from_value(v).expect("enrollment");
        let secret = secret_from_base32(&e.secret).expect("base32");
        let code = code_at(&secret, TotpParams::default(), h.clock.now()).expect("code");
        let body = serde_json::json!({ "code": code }).to_string();
        let (s, v) = h.call("POST", &format!("/v1/factors/totp/{}/verify", e.factor_id), t, Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        h.clock.advance(1_000); // so that the listing's order (oldest first) is defined
        let (_, v) = h.call("POST", "/v1/factors/recovery-codes", t, None).await;
        let codes: RecoveryCodeSet = serde_json::from_value(v).expect("codes");
        let body = serde_json::json!({ "code": codes.codes[9] }).to_string();
        let (s, v) =
            h.call("POST", &format!("/v1/factors/recovery-codes/{}/confirm", codes.factor_id), t, Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        Ada { laptop, totp: e.factor_id, codes }
    }

    fn sign_in_body(user: &str, code: &str, attempt: &str) -> String {
        let mut device = claims();
        device.hostname = "hotel-pc".into();
        serde_json::json!({ "username": user, "recovery_code": code, "attempt_id": attempt, "device": device })
            .to_string()
    }

    async fn sign_in(h: &Harness, user: &str, code: &str, attempt: &str) -> (StatusCode, Value) {
        h.call("POST", "/v1/recovery/sign-in", None, Some(sign_in_body(user, code, attempt))).await
    }

    async fn kinds(h: &Harness) -> Vec<String> {
        lastmile_server::audit::list(&h.state.db.pool, None).await.expect("audit").into_iter().map(|e| e.kind).collect()
    }

    /// A sign-in with a recovery code is told to the user's other channels (the notify
    /// webhook); a refused guess is not.
    #[tokio::test]
    async fn a_recovery_sign_in_is_told_to_the_users_other_channels() {
        use lastmile_server::engage::{Format, Webhook};
        let mut h = harness().await;
        let ada = ada(&h).await;
        let (url, got) = super::engagement::receiver(200).await;
        h.state = h.state.clone().with_notify(Webhook { url, format: Format::Json });
        let (s, _) = sign_in(&h, "ada@acme.test", "AAAA-BBBB-CCCC-DDDD", "attempt-0003-abcdefgh").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, v) = sign_in(&h, "ada@acme.test", &ada.codes.codes[1], "attempt-0004-abcdefgh").await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while got.lock().expect("lock").is_empty() {
            assert!(std::time::Instant::now() < deadline, "the notice was not sent");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let notices = got.lock().expect("lock").clone();
        assert_eq!(notices.len(), 1, "one notice, for the sign-in that succeeded: {notices:?}");
        assert_eq!(
            (notices[0]["event"].as_str(), notices[0]["email"].as_str(), notices[0]["device"].as_str()),
            (Some("recovery.signed_in"), Some("ada@acme.test"), Some("hotel-pc"))
        );
    }

    #[tokio::test]
    async fn a_code_opens_a_session_that_lists_and_revokes_what_was_lost() {
        let h = harness().await;
        let ada = ada(&h).await;
        h.clock.advance(3_600_000);

        // Any case and separators, as typed from paper.
        let (s, v) = sign_in(&h, " ADA@acme.test", &ada.codes.codes[0].to_lowercase(), "attempt-0001-abcdefgh").await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let session: RecoverySession = serde_json::from_value(v).expect("session");
        assert_ne!(session.device_id, ada.laptop.device_id, "a new device");
        assert_eq!((session.codes_left, session.resumed), (9, false));
        assert_eq!(session.session_expires_at_ms, h.clock.now().0 + 30 * 60 * 1000);
        let t = Some(session.device_token.as_str());

        // The code is used up, whatever the attempt.
        let (s, v) = sign_in(&h, "ada@acme.test", &ada.codes.codes[0], "attempt-0002-abcdefgh").await;
        assert_eq!((s, error_code(&v)), (StatusCode::UNAUTHORIZED, ErrorCode::RecoveryRefused), "{v}");

        let (s, v) = h.call("GET", "/v1/recovery/account", t, None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let account: AccountView = serde_json::from_value(v).expect("account");
        let kinds_listed: Vec<_> = account.factors.iter().map(|f| (f.kind.as_str(), f.status.as_str())).collect();
        assert_eq!(kinds_listed, [("totp", "verified"), ("recovery_codes", "verified")]);
        assert_eq!(account.factors[0].enrolled_from.as_deref(), Some("ada-laptop"));
        assert_eq!(account.factors[1].codes_left, Some(9));
        let devices: Vec<_> = account.devices.iter().map(|d| (d.hostname.as_str(), d.current)).collect();
        assert_eq!(devices, [("ada-laptop", false), ("hotel-pc", true)]);

        // The session cannot revoke its own device, nor anyone else's things.
        let own = format!("/v1/recovery/devices/{}/revoke", session.device_id);
        assert_eq!(h.call("POST", &own, t, None).await.0, StatusCode::BAD_REQUEST);
        assert_eq!(h.call("POST", "/v1/recovery/factors/fac_nope/revoke", t, None).await.0, StatusCode::NOT_FOUND);

        // Revoke the lost laptop and its TOTP factor: both stop working at once.
        let (s, v) = h.call("POST", &format!("/v1/recovery/devices/{}/revoke", ada.laptop.device_id), t, None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = h.call("GET", "/v1/devices/me", Some(&ada.laptop.device_token), None).await;
        assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::DeviceRevoked));
        let (s, v) = h.call("POST", &format!("/v1/recovery/factors/{}/revoke", ada.totp), t, None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let account: AccountView = serde_json::from_value(v).expect("account");
        assert_eq!(account.factors.len(), 1, "{account:?}");
        assert_eq!(account.devices.len(), 1);
        // Idempotent: revoking again changes nothing and is not an error.
        let (s, _) = h.call("POST", &format!("/v1/recovery/factors/{}/revoke", ada.totp), t, None).await;
        assert_eq!(s, StatusCode::OK);
        let (_, me) = h.call("GET", "/v1/devices/me", t, None).await;
        assert_eq!(me["verified_factors"].as_array().map(Vec::len), Some(1), "{me}");
        assert_eq!(me["best_tier"], "recovery");

        // A new set of codes voids the old one, including the codes not used yet.
        let (s, _) = h.call("POST", "/v1/factors/recovery-codes", t, None).await;
        assert_eq!(s, StatusCode::CREATED);
        let (s, _) = sign_in(&h, "ada@acme.test", &ada.codes.codes[1], "attempt-0003-abcdefgh").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);

        // Ending the session keeps the device joined but closes the account endpoints.
        let (s, v) = h.call("POST", "/v1/recovery/end", t, None).await;
        assert_eq!((s, v["session_expires_at_ms"].is_null()), (StatusCode::OK, true), "{v}");
        let (s, v) = h.call("GET", "/v1/recovery/account", t, None).await;
        assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::RecoverySessionRequired));
        assert_eq!(h.call("GET", "/v1/devices/me", t, None).await.0, StatusCode::OK);

        assert_eq!(
            kinds(&h).await,
            [
                "device.joined",
                "factor.verified",
                "recovery_codes.issued",
                "factor.verified",
                "recovery.signed_in",
                "recovery.sign_in_refused",
                "device.revoked",
                "factor.revoked",
                "recovery_codes.issued",
                "recovery.sign_in_refused",
                "recovery.session_ended",
            ]
        );
    }

    #[tokio::test]
    async fn a_retry_after_a_lost_answer_continues_the_same_sign_in() {
        let h = harness().await;
        let ada = ada(&h).await;
        let code = &ada.codes.codes[2];
        let (s, v) = sign_in(&h, "ada@acme.test", code, "lost-answer-attempt-1").await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let first: RecoverySession = serde_json::from_value(v).expect("session");

        // The answer never arrived; the client retries with the same attempt and code.
        h.clock.advance(60_000);
        let (s, v) = sign_in(&h, "ada@acme.test", code, "lost-answer-attempt-1").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let again: RecoverySession = serde_json::from_value(v).expect("session");
        assert_eq!((again.device_id.as_str(), again.resumed), (first.device_id.as_str(), true));
        assert_eq!(again.session_expires_at_ms, first.session_expires_at_ms, "the session is not extended");
        assert_eq!(h.count("devices").await, 2, "no second device");
        assert_eq!(h.call("GET", "/v1/devices/me", Some(&first.device_token), None).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(h.call("GET", "/v1/recovery/account", Some(&again.device_token), None).await.0, StatusCode::OK);

        // The attempt key alone is worth nothing: another code with it is refused.
        let (s, _) = sign_in(&h, "ada@acme.test", &ada.codes.codes[3], "lost-answer-attempt-1").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        // Once the session is over, the attempt cannot be resumed.
        h.clock.advance(30 * 60 * 1000);
        let (s, _) = sign_in(&h, "ada@acme.test", code, "lost-answer-attempt-1").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_eq!(
            h.call("GET", "/v1/recovery/account", Some(&again.device_token), None).await.0,
            StatusCode::FORBIDDEN,
            "the session expired"
        );
    }

    #[tokio::test]
    async fn guesses_get_one_answer_and_lock_the_codes() {
        let h = harness().await;
        let ada = ada(&h).await;
        let (s1, unknown) = sign_in(&h, "nobody@acme.test", "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "guess-attempt-0001").await;
        let (s2, wrong) = sign_in(&h, "ada@acme.test", "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "guess-attempt-0002").await;
        assert_eq!((s1, s2), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
        assert_eq!(unknown, wrong, "an unknown user and a wrong code are told the same");
        for i in 3..6 {
            let (s, _) = sign_in(&h, "ada@acme.test", "ZZZZ-ZZZZ-ZZZZ-ZZZZ", &format!("guess-attempt-000{i}")).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED);
        }
        let (s, v) = sign_in(&h, "ada@acme.test", "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "guess-attempt-0006").await;
        assert_eq!((s, error_code(&v)), (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited), "{v}");
        // Locked: even the right code waits, and is not used up by trying.
        let (s, _) = sign_in(&h, "ada@acme.test", &ada.codes.codes[0], "guess-attempt-0007").await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
        h.clock.advance(5 * 60 * 1000);
        let (s, v) = sign_in(&h, "ada@acme.test", &ada.codes.codes[0], "guess-attempt-0008").await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let k = kinds(&h).await;
        assert_eq!(k.iter().filter(|k| *k == "recovery.sign_in_refused").count(), 5, "{k:?}");
        assert_eq!(k.iter().filter(|k| *k == "recovery.locked_out").count(), 1, "{k:?}");

        // Malformed input is refused before any work.
        let (s, _) = sign_in(&h, "ada@acme.test", "not a code", "guess-attempt-0009").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, _) = sign_in(&h, "ada@acme.test", &ada.codes.codes[1], "short").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        // Without a session, the account endpoints are closed to an ordinary device.
        let (s, v) = h.call("GET", "/v1/recovery/account", Some(&ada.laptop.device_token), None).await;
        assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::RecoverySessionRequired));
    }

    #[tokio::test]
    async fn a_joined_device_recovers_in_place_and_never_for_someone_else() {
        let h = harness().await;
        let ada = ada(&h).await;
        let t = Some(ada.laptop.device_token.as_str());
        let (s, v) = h
            .call(
                "POST",
                "/v1/recovery/sign-in",
                t,
                Some(sign_in_body("ada@acme.test", &ada.codes.codes[4], "in-place-attempt-01")),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let session: RecoverySession = serde_json::from_value(v).expect("session");
        assert_eq!(session.device_id, ada.laptop.device_id, "the same device, with a new token");
        assert_eq!(h.count("devices").await, 1);

        // Another user's device cannot be used to recover Ada.
        admin::create_user(&h.state.db, &*h.clock, "acme", "bob@acme.test", "Bob").await.expect("bob");
        let bob_invite =
            admin::create_invite(&h.state.db, &*h.clock, "acme", "bob@acme.test", 1, None).await.expect("inv");
        let bob: JoinResponse = serde_json::from_value(h.join(&bob_invite.code).await.1).expect("bob joined");
        let (s, v) = h
            .call(
                "POST",
                "/v1/recovery/sign-in",
                Some(&bob.device_token),
                Some(sign_in_body("ada@acme.test", &ada.codes.codes[5], "other-user-attempt-1")),
            )
            .await;
        assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, ErrorCode::Conflict), "{v}");

        // With two organisations, the user must say which.
        admin::create_org(&h.state.db, &*h.clock, "other", "Other Ltd").await.expect("org");
        let (s, _) = sign_in(&h, "ada@acme.test", &ada.codes.codes[5], "which-org-attempt-1").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let body = serde_json::json!({
            "organisation": "acme", "username": "ada@acme.test", "recovery_code": ada.codes.codes[5],
            "attempt_id": "which-org-attempt-2", "device": claims(),
        });
        let (s, v) = h.call("POST", "/v1/recovery/sign-in", None, Some(body.to_string())).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
}

mod security_keys {
    use super::*;
    use lastmile_proto::api::{FactorView, SecurityKeyRegistered, WebauthnChallenge};
    use webauthn_authenticator_rs::WebauthnAuthenticator;
    use webauthn_authenticator_rs::softtoken::SoftToken;
    use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse, Url};

    fn token() -> SoftToken {
        SoftToken::new(true).expect("soft token").0
    }

    async fn begin(h: &Harness, device: &str) -> WebauthnChallenge {
        let (s, v) = h.call("POST", "/v1/factors/security-key", Some(device), None).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        serde_json::from_value(v).expect("challenge")
    }

    fn register(token: &mut SoftToken, ch: &WebauthnChallenge, origin: &str) -> Value {
        let options: CreationChallengeResponse = serde_json::from_value(ch.options.clone()).expect("options");
        let answer = token.do_registration(Url::parse(origin).expect("origin"), options).expect("registration");
        serde_json::to_value(answer).expect("json")
    }

    fn assert_with(token: &mut SoftToken, ch: &WebauthnChallenge, origin: &str) -> Value {
        let options: RequestChallengeResponse = serde_json::from_value(ch.options.clone()).expect("options");
        let answer = token.do_authentication(Url::parse(origin).expect("origin"), options).expect("assertion");
        serde_json::to_value(answer).expect("json")
    }

    async fn finish(h: &Harness, device: &str, path: &str, ceremony: &str, credential: Value) -> (StatusCode, Value) {
        let body = serde_json::json!({ "ceremony_id": ceremony, "credential": credential }).to_string();
        h.call("POST", path, Some(device), Some(body)).await
    }

    const REGISTER: &str = "/v1/factors/security-key/register";
    const VERIFY: &str = "/v1/factors/security-key/verify";

    #[tokio::test]
    async fn a_key_counts_only_after_registration_and_an_assertion() {
        let h = harness().await;
        let dev = h.joined().await;
        let t = dev.device_token.as_str();
        let mut key = token();

        let ch = begin(&h, t).await;
        assert_eq!((ch.rp_id.as_str(), ch.origin.as_str()), ("localhost", "http://localhost"));
        let answer = register(&mut key, &ch, &ch.origin);
        let (s, v) = finish(&h, t, REGISTER, &ch.ceremony_id, answer).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let reg: SecurityKeyRegistered = serde_json::from_value(v).expect("registered");
        assert!(!reg.backup_eligible && !reg.backed_up, "a hardware-bound key: {reg:?}");
        // The SoftToken's packed attestation names its model; with no FIDO metadata to check
        // its chain against, the chain is recorded as not verified.
        assert_eq!(reg.aaguid.as_deref(), Some("0fb9bcbc-a0d4-4042-bbb0-559bc1631e28"));
        assert_eq!((reg.attestation_format.as_str(), reg.attestation_trusted), ("packed", false));
        let (_, me) = h.call("GET", "/v1/devices/me", Some(t), None).await;
        assert_eq!(me["verified_factors"], serde_json::json!([]), "registered is not verified");

        let answer = assert_with(&mut key, &reg.verify, &reg.verify.origin);
        let (s, v) = finish(&h, t, VERIFY, &reg.verify.ceremony_id, answer.clone()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let f: FactorView = serde_json::from_value(v).expect("factor");
        assert_eq!((f.kind.as_str(), f.tier.as_str()), ("security_key", "phishing_resistant"));
        let (_, me) = h.call("GET", "/v1/devices/me", Some(t), None).await;
        assert_eq!(me["best_tier"], "phishing_resistant", "{me}");

        // The same answer again: the ceremony is spent.
        let (s, v) = finish(&h, t, VERIFY, &reg.verify.ceremony_id, answer.clone()).await;
        assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::CeremonyInvalid), "{v}");
        // A replayed answer in a fresh ceremony: its challenge does not match.
        let (s, v) = h.call("POST", &format!("/v1/factors/security-key/{}/verify", f.id), Some(t), None).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let fresh: WebauthnChallenge = serde_json::from_value(v).expect("challenge");
        let (s, v) = finish(&h, t, VERIFY, &fresh.ceremony_id, answer).await;
        assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::WebauthnRejected), "{v}");

        let kinds: Vec<String> = lastmile_server::audit::list(&h.state.db.pool, None)
            .await
            .expect("audit")
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds.iter().filter(|k| *k == "factor.verified").count(), 1, "{kinds:?}");
    }

    #[tokio::test]
    async fn the_policy_refuses_models_and_keys_that_do_not_verify() {
        use lastmile_server::webauthn::{KeyPolicy, RelyingParty};
        const SOFT: &str = "0fb9bcbc-a0d4-4042-bbb0-559bc1631e28";
        const YUBIKEY: &str = "cb69481e-8ff7-4039-93ec-0a2729a154a8";
        let mut h = harness().await;
        let dev = h.joined().await;
        let t = dev.device_token.clone();
        let policies = [
            (KeyPolicy { deny: vec![SOFT.into()], ..KeyPolicy::default() }, Some("does not allow this model")),
            (KeyPolicy { allow: vec![YUBIKEY.into()], ..KeyPolicy::default() }, Some("allows only certain models")),
            (KeyPolicy { require_user_verification: true, ..KeyPolicy::default() }, Some("PIN or fingerprint")),
            // Without FIDO metadata nothing can vouch for the attestation chain.
            (
                KeyPolicy { allow: vec![SOFT.into()], require_attestation: true, ..KeyPolicy::default() },
                Some("prove their model"),
            ),
            (KeyPolicy { allow: vec![SOFT.into()], ..KeyPolicy::default() }, None),
        ];
        for (policy, refused) in policies {
            h.state = h.state.clone().with_rp(RelyingParty::localhost().with_policy(policy.clone()));
            let ch = begin(&h, &t).await;
            let answer = register(&mut token(), &ch, &ch.origin);
            let (s, v) = finish(&h, &t, REGISTER, &ch.ceremony_id, answer).await;
            match refused {
                Some(why) => {
                    assert_eq!(
                        (s, error_code(&v)),
                        (StatusCode::FORBIDDEN, ErrorCode::KeyNotAllowed),
                        "{policy:?}: {v}"
                    );
                    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains(why)), "{v}");
                    assert_eq!(h.count("factors").await, 0, "a refused key is not stored");
                }
                None => assert_eq!(s, StatusCode::CREATED, "{policy:?}: {v}"),
            }
        }
    }

    mod metadata {
        use super::*;
        use lastmile_core::clock::Clock;
        use lastmile_server::mds::{self, Metadata, MetadataService, Refresh, Source};
        use lastmile_server::webauthn::{KeyPolicy, RelyingParty};
        use lastmile_tests::mds_blob::{Alg, TestChain, entry, payload};

        const SOFT: &str = "0fb9bcbc-a0d4-4042-bbb0-559bc1631e28";

        fn now_ms() -> i64 {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64
        }

        /// A SoftToken and the DER of the CA its attestation chains to. The token's CA is
        /// valid from the second it is made, so the server's clock is moved to after that:
        /// a clock read before it can fall in the previous second, where the CA is not yet
        /// valid (this raced on a slow machine).
        fn token_and_root(h: &Harness) -> (SoftToken, Vec<u8>) {
            let (token, ca) = SoftToken::new(true).expect("soft token");
            h.clock.set(now_ms() + 1_000);
            (token, lastmile_tests::mds_blob::der_of(&ca))
        }

        fn roots(chain: &TestChain) -> Vec<lastmile_server::mds::Certificate> {
            mds::certificates_from_pem(&chain.root_pem()).expect("root")
        }

        async fn register_with(h: &Harness, t: &str, key: &mut SoftToken) -> (StatusCode, Value) {
            let ch = begin(h, t).await;
            let answer = register(key, &ch, &ch.origin);
            finish(h, t, REGISTER, &ch.ceremony_id, answer).await
        }

        #[tokio::test]
        async fn models_are_named_chains_checked_and_compromised_models_refused() {
            let mut h = harness().await;
            h.clock.set(now_ms());
            let dev = h.joined().await;
            let t = dev.device_token.clone();
            let (mut key, root) = token_and_root(&h);
            let chain = TestChain::new(Alg::Es256);
            let dir = tempfile::tempdir().expect("dir");
            let file = dir.path().join("blob.jwt");
            let certified = [("FIDO_CERTIFIED_L1", "2025-01-10")];
            std::fs::write(
                &file,
                chain.sign(&payload(1, vec![entry(SOFT, "Soft Key 5", &certified, std::slice::from_ref(&root))])),
            )
            .expect("write");
            let service = Arc::new(MetadataService::new(Source::File(file.clone()), roots(&chain)));
            assert_eq!(service.refresh(h.clock.now()).await.expect("load"), Refresh::Loaded { serial: 1, models: 1 });
            h.state = h.state.clone().with_mds(service.clone()).with_rp(
                RelyingParty::localhost().with_policy(KeyPolicy { require_attestation: true, ..KeyPolicy::default() }),
            );

            // A key of a listed model whose attestation chains to the model's root.
            let (s, v) = register_with(&h, &t, &mut key).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            let reg: SecurityKeyRegistered = serde_json::from_value(v).expect("registered");
            assert!(reg.attestation_trusted, "{reg:?}");
            assert_eq!(reg.model.as_deref(), Some("Soft Key 5"));
            assert_eq!(reg.certification.as_deref(), Some("FIDO_CERTIFIED_L1"));
            let answer = assert_with(&mut key, &reg.verify, &reg.verify.origin);
            let (s, v) = finish(&h, &t, VERIFY, &reg.verify.ceremony_id, answer).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            let f: FactorView = serde_json::from_value(v).expect("factor");
            assert_eq!(
                (f.model.as_deref(), f.certification.as_deref()),
                (Some("Soft Key 5"), Some("FIDO_CERTIFIED_L1"))
            );
            let (_, me) = h.call("GET", "/v1/devices/me", Some(&t), None).await;
            assert_eq!(me["verified_factors"][0]["model"], "Soft Key 5", "{me}");

            // Same model, but its attestation comes from a CA the metadata does not list: the
            // chain is not trusted, and this organisation requires it.
            let (mut stranger, _) = token_and_root(&h);
            let (s, v) = register_with(&h, &t, &mut stranger).await;
            assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::KeyNotAllowed), "{v}");
            assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("prove their model")), "{v}");

            // BLOB 2 reports the model's attestation key compromised (and, later, certified
            // again: the compromise stays). New keys of the model are refused, with the reason.
            let reports = [
                ("FIDO_CERTIFIED_L1", "2025-01-10"),
                ("ATTESTATION_KEY_COMPROMISE", "2026-06-01"),
                ("FIDO_CERTIFIED_L2", "2026-07-01"),
            ];
            std::fs::write(
                &file,
                chain.sign(&payload(2, vec![entry(SOFT, "Soft Key 5", &reports, std::slice::from_ref(&root))])),
            )
            .expect("write");
            assert_eq!(service.refresh(h.clock.now()).await.expect("reload"), Refresh::Loaded { serial: 2, models: 1 });
            let factors = h.count("factors").await;
            let (mut another, _) = token_and_root(&h);
            let (s, v) = register_with(&h, &t, &mut another).await;
            assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::KeyNotAllowed), "{v}");
            let why = v["error"]["message"].as_str().unwrap_or_default();
            assert!(why.contains("Soft Key 5") && why.contains("ATTESTATION_KEY_COMPROMISE"), "{why}");
            assert_eq!(h.count("factors").await, factors, "a refused key is not stored");

            // An older BLOB served again (a replay or a stale mirror) is refused; 2 stays.
            std::fs::write(&file, chain.sign(&payload(1, vec![entry(SOFT, "Soft Key 5", &certified, &[root])])))
                .expect("write");
            let err = service.refresh(h.clock.now()).await.expect_err("older").to_string();
            assert!(err.contains("older"), "{err}");
            assert_eq!(service.current().map(|m| m.serial), Some(2));
        }

        #[test]
        fn only_blobs_signed_under_the_trusted_root_are_read() {
            let now = lastmile_core::clock::UnixMillis(now_ms());
            let body = payload(7, vec![entry(SOFT, "Soft Key 5", &[("FIDO_CERTIFIED", "2025-01-01")], &[])]);
            for alg in [Alg::Es256, Alg::Rs256] {
                let chain = TestChain::new(alg);
                let m = Metadata::from_blob(&chain.sign(&body), &roots(&chain), now).expect("a good BLOB");
                assert_eq!((m.serial, m.len()), (7, 1));
                let model = m.model(&SOFT.to_uppercase()).expect("by AAGUID, any case");
                assert_eq!((model.description.as_str(), model.refused.as_deref()), ("Soft Key 5", None));

                // Someone else's chain.
                let other = TestChain::new(alg);
                let err = Metadata::from_blob(&other.sign(&body), &roots(&chain), now).expect_err("foreign");
                assert!(err.to_string().contains("does not chain"), "{err}");
                // The payload changed after signing.
                let tampered = chain.sign_with_header_and_payload(&body, |p| {
                    *p = base64_url(&payload(8, vec![]).to_string());
                });
                let err = Metadata::from_blob(&tampered, &roots(&chain), now).expect_err("tampered");
                assert!(err.to_string().contains("signature"), "{err}");
            }
            // A signer whose certificate has expired, or is not valid yet.
            for days in [(-30, -1), (1, 30)] {
                let chain = TestChain::with_signer_validity(Alg::Es256, days);
                let err = Metadata::from_blob(&chain.sign(&body), &roots(&chain), now).expect_err("validity");
                assert!(err.to_string().contains("does not chain"), "{days:?}: {err}");
            }
            // The FIDO Alliance's root does not vouch for the project's test chain.
            let fido = mds::certificates_from_pem(mds::FIDO_ROOT_PEM).expect("fido root");
            assert!(Metadata::from_blob(&TestChain::new(Alg::Rs256).sign(&body), &fido, now).is_err());
        }

        fn base64_url(s: &str) -> String {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
        }
    }

    #[tokio::test]
    async fn a_key_already_registered_is_excluded() {
        let h = harness().await;
        let dev = h.joined().await;
        let t = dev.device_token.as_str();
        let mut key = token();
        let ch = begin(&h, t).await;
        let first = register(&mut key, &ch, &ch.origin);
        assert_eq!(finish(&h, t, REGISTER, &ch.ceremony_id, first.clone()).await.0, StatusCode::CREATED);

        // The server lists the key in excludeCredentials, so a real key refuses to make a
        // second credential (CTAP2_ERR_CREDENTIAL_EXCLUDED). The crate's SoftToken does not
        // implement that check, so here the list itself is what is asserted.
        let ch = begin(&h, t).await;
        let excluded = ch.options["publicKey"]["excludeCredentials"].as_array().cloned().unwrap_or_default();
        assert_eq!(excluded.len(), 1, "{}", ch.options);
        assert_eq!(excluded[0]["id"], first["id"], "the registered credential is the one excluded");
        // A client that ignores the list and replays the first registration gets nowhere.
        let (s, v) = finish(&h, t, REGISTER, &ch.ceremony_id, first).await;
        assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::WebauthnRejected), "{v}");
        // Another key is welcome.
        let ch = begin(&h, t).await;
        let other = register(&mut token(), &ch, &ch.origin);
        assert_eq!(finish(&h, t, REGISTER, &ch.ceremony_id, other).await.0, StatusCode::CREATED);
        assert_eq!(h.count("factors").await, 2);
    }

    #[tokio::test]
    async fn wrong_origins_expired_and_foreign_ceremonies_are_refused() {
        let h = harness().await;
        let dev = h.joined().await;
        let t = dev.device_token.as_str();
        let mut key = token();

        // An answer made for another origin (a phishing page on a look-alike host).
        let ch = begin(&h, t).await;
        let answer = register(&mut key, &ch, "https://login.localhost");
        let (s, v) = finish(&h, t, REGISTER, &ch.ceremony_id, answer).await;
        assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::WebauthnRejected), "{v}");
        assert_eq!(h.count("factors").await, 0);

        // Too late: five minutes have passed.
        let ch = begin(&h, t).await;
        let answer = register(&mut key, &ch, &ch.origin);
        h.clock.advance(5 * 60 * 1000 + 1);
        let (s, v) = finish(&h, t, REGISTER, &ch.ceremony_id, answer).await;
        assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::CeremonyInvalid), "{v}");

        // Another user's device cannot finish this user's ceremony.
        admin::create_user(&h.state.db, &*h.clock, "acme", "bob@acme.test", "Bob").await.expect("bob");
        let inv = admin::create_invite(&h.state.db, &*h.clock, "acme", "bob@acme.test", 1, None).await.expect("inv");
        let bob: JoinResponse = serde_json::from_value(h.join(&inv.code).await.1).expect("bob");
        let ch = begin(&h, t).await;
        let answer = register(&mut token(), &ch, &ch.origin);
        let (s, _) = finish(&h, &bob.device_token, REGISTER, &ch.ceremony_id, answer.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        // Garbage instead of a credential: a clear 400, and nothing stored.
        let ch = begin(&h, t).await;
        let (s, v) = finish(&h, t, REGISTER, &ch.ceremony_id, serde_json::json!({"id": 1})).await;
        assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::BadRequest), "{v}");
        assert_eq!(h.count("factors").await, 0);
    }
}

mod audit_chain {
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
}

mod policy {
    use super::*;
    use lastmile_core::clock::{Clock, UnixMillis};
    use lastmile_core::totp::{TotpParams, code_at, secret_from_base32};
    use lastmile_proto::api::{ComplianceView, TotpEnrollment};

    const DAY: i64 = 86_400_000;

    async fn join_as(h: &Harness, email: &str) -> JoinResponse {
        if email != "ada@acme.test" {
            admin::create_user(&h.state.db, &*h.clock, "acme", email, "").await.expect("user");
        }
        let code = admin::create_invite(&h.state.db, &*h.clock, "acme", email, 1, None).await.expect("invite").code;
        let (s, v) = h.join(&code).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        serde_json::from_value(v).expect("joined")
    }

    async fn add_totp(h: &Harness, token: &str) {
        let (_, v) = h.call("POST", "/v1/factors/totp", Some(token), None).await;
        let e: TotpEnrollment = serde_json::from_value(v).expect("enrollment");
        let secret = secret_from_base32(&e.secret).expect("base32");
        let code = code_at(&secret, TotpParams::default(), UnixMillis(h.clock.now().0)).expect("code");
        let body = serde_json::json!({ "code": code }).to_string();
        let (s, v) = h.call("POST", &format!("/v1/factors/totp/{}/verify", e.factor_id), Some(token), Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }

    async fn standing(h: &Harness, token: &str) -> ComplianceView {
        let (_, v) = h.call("GET", "/v1/devices/me", Some(token), None).await;
        serde_json::from_value(v["compliance"].clone()).expect("compliance")
    }

    async fn dashboard(h: &Harness, token: &str) -> (StatusCode, Value) {
        h.call_with("GET", "/admin/api/dashboard", None, None, &[("authorization", format!("Bearer {token}"))]).await
    }

    #[tokio::test]
    async fn groups_exceptions_enforcement_and_the_dashboard() {
        let h = harness().await;
        let db = &h.state.db;
        let clock = &*h.clock;
        let strict = serde_json::json!({
            "min_tier": "phishing_resistant", "recovery_codes_required": true,
            "deadline_ms": T0 + 10 * DAY,
            "enforcement": [{"from_ms": T0 - DAY, "level": "remind"}, {"from_ms": T0 + DAY, "level": "warn"},
                            {"from_ms": T0 + 10 * DAY, "level": "block"}],
            "keys": {"allow_aaguids": ["cb69481e-8ff7-4039-93ec-0a2729a154a8"]}
        });
        admin::set_group(db, clock, "acme", "engineering", &strict.to_string()).await.expect("group");
        admin::set_group(db, clock, "acme", "default", r#"{"min_tier":"strong"}"#).await.expect("default");
        assert!(admin::set_group(db, clock, "acme", "x", r#"{"min_tier":"strong","min_factors":0}"#).await.is_err());
        assert!(admin::set_group(db, clock, "acme", "x", r#"{"min_tier":"ultra"}"#).await.is_err());

        let ada = join_as(&h, "ada@acme.test").await;
        let bob = join_as(&h, "bob@acme.test").await;
        let _cy = join_as(&h, "cy@acme.test").await;
        admin::set_user_group(db, clock, "acme", "ada@acme.test", Some("engineering")).await.expect("ada's group");
        assert!(admin::set_user_group(db, clock, "acme", "bob@acme.test", Some("nope")).await.is_err());

        // Ada (engineering) adds an authenticator app: not enough for her group.
        h.clock.advance(3_600_000);
        add_totp(&h, &ada.device_token).await;
        let c = standing(&h, &ada.device_token).await;
        assert!(!c.met && !c.ok, "{c:?}");
        assert_eq!(c.group.as_deref(), Some("engineering"));
        assert_eq!((c.missing_tier.as_deref(), c.missing_recovery_codes), (Some("phishing_resistant"), true));
        assert_eq!(c.level.as_deref(), Some("remind"));
        // Bob (default) is done with the same factor.
        add_totp(&h, &bob.device_token).await;
        assert!(standing(&h, &bob.device_token).await.met);

        // Cy is excused for 7 days.
        admin::grant_exception(db, clock, "acme", "cy@acme.test", "it@acme.test", "new starter", 7)
            .await
            .expect("grant");

        let token = admin::create_admin_token(db, clock, "acme", "IT").await.expect("token");
        let (s, v) = dashboard(&h, &token).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let d: Value = v;
        assert_eq!(d["totals"], serde_json::json!({"users": 3, "compliant": 1, "excepted": 1, "with_gap": 1}), "{d}");
        assert_eq!(d["mean_time_to_remediate_ms"], 3_600_000, "bob: a gap since joining, closed an hour later");
        assert_eq!(d["gaps"][0]["email"], "ada@acme.test");
        assert_eq!(d["exceptions"][0]["owner"], "it@acme.test");
        let engineering = d["groups"].as_array().and_then(|g| g.iter().find(|g| g["group"] == "engineering").cloned());
        assert_eq!(engineering.map(|g| g["level"].clone()), Some(serde_json::json!("remind")));

        // Eight days later: the exception has expired by itself and enforcement has moved on.
        h.clock.advance(8 * DAY);
        let (_, d) = dashboard(&h, &token).await;
        assert_eq!(d["totals"]["excepted"], 0, "{d}");
        assert_eq!(d["totals"]["with_gap"], 2, "{d}");
        assert_eq!(standing(&h, &ada.device_token).await.level.as_deref(), Some("warn"));

        // Without a token, with a wrong one, or another organisation's: nothing of Acme's.
        assert_eq!(dashboard(&h, "lma_wrong").await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(h.call("GET", "/admin/api/dashboard", None, None).await.0, StatusCode::UNAUTHORIZED);
        admin::create_org(db, clock, "other", "Other Ltd").await.expect("org");
        let other = admin::create_admin_token(db, clock, "other", "them").await.expect("token");
        let (_, d) = dashboard(&h, &other).await;
        assert_eq!(d["totals"]["users"], 0, "{d}");
    }

    #[tokio::test]
    async fn a_groups_key_rules_apply_at_registration() {
        use webauthn_authenticator_rs::WebauthnAuthenticator;
        use webauthn_authenticator_rs::softtoken::SoftToken;
        use webauthn_rs::prelude::{CreationChallengeResponse, Url};
        let h = harness().await;
        let only_yubikeys = r#"{"min_tier":"phishing_resistant",
            "keys":{"allow_aaguids":["cb69481e-8ff7-4039-93ec-0a2729a154a8"],"require_user_verification":true,"min_pin_length":8}}"#;
        admin::set_group(&h.state.db, &*h.clock, "acme", "finance", only_yubikeys).await.expect("group");
        let ada = join_as(&h, "ada@acme.test").await;
        admin::set_user_group(&h.state.db, &*h.clock, "acme", "ada@acme.test", Some("finance")).await.expect("group");
        let (_, v) = h.call("POST", "/v1/factors/security-key", Some(&ada.device_token), None).await;
        assert_eq!(
            (v["pin_required"].clone(), v["min_pin_length"].clone()),
            (serde_json::json!(true), serde_json::json!(8))
        );
        let options: CreationChallengeResponse = serde_json::from_value(v["options"].clone()).expect("options");
        let mut key = SoftToken::new(true).expect("soft token").0;
        let answer = key.do_registration(Url::parse("http://localhost").expect("url"), options).expect("register");
        let body = serde_json::json!({"ceremony_id": v["ceremony_id"], "credential": answer}).to_string();
        let (s, v) = h.call("POST", "/v1/factors/security-key/register", Some(&ada.device_token), Some(body)).await;
        assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::KeyNotAllowed), "{v}");
    }

    /// The page: a sign-in form, an HttpOnly cookie, then HTML with everything escaped.
    #[tokio::test]
    async fn the_dashboard_page_signs_in_with_a_token_and_escapes_what_it_shows() {
        let h = harness().await;
        admin::create_user(&h.state.db, &*h.clock, "acme", "eve@acme.test", "Eve").await.expect("user");
        let reason = "<script>alert(1)</script>";
        admin::grant_exception(&h.state.db, &*h.clock, "acme", "eve@acme.test", "it@acme.test", reason, 3)
            .await
            .expect("x");
        let token = admin::create_admin_token(&h.state.db, &*h.clock, "acme", "IT").await.expect("token");
        let get = |headers: Vec<(&'static str, String)>| {
            let req = headers
                .into_iter()
                .fold(Request::builder().uri("/admin"), |r, (k, v)| r.header(k, v))
                .body(Body::empty())
                .expect("request");
            app(h.state.clone()).oneshot(req)
        };
        let resp = get(vec![]).await.expect("response");
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(resp.headers()["content-security-policy"].to_str().unwrap_or_default().contains("default-src 'none'"));
        let body =
            String::from_utf8(resp.into_body().collect().await.expect("body").to_bytes().to_vec()).expect("utf8");
        assert!(body.contains("action=/admin/login"), "the sign-in form: {body}");

        let login = |form: String| {
            let req = Request::builder()
                .method("POST")
                .uri("/admin/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .expect("request");
            app(h.state.clone()).oneshot(req)
        };
        assert_eq!(login("token=lma_wrong".into()).await.expect("response").status(), StatusCode::UNAUTHORIZED);
        let resp = login(format!("token={token}")).await.expect("response");
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let cookie = resp.headers()["set-cookie"].to_str().expect("cookie").to_string();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Secure"),
            "{cookie}"
        );

        let session = cookie.split(';').next().unwrap_or_default().to_string();
        let resp = get(vec![("cookie", session)]).await.expect("response");
        assert_eq!(resp.status(), StatusCode::OK);
        let body =
            String::from_utf8(resp.into_body().collect().await.expect("body").to_bytes().to_vec()).expect("utf8");
        assert!(body.contains("eve@acme.test") && body.contains("Open gaps"), "{body}");
        assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the reason is shown, escaped: {body}");
        assert!(!body.contains("<script>"), "nothing an administrator typed reaches the page unescaped");
    }
}

mod engagement {
    use super::*;
    use lastmile_core::deep_link::{DeepLink, Step};
    use lastmile_server::engage::{self, Format, Webhook};
    use std::sync::Mutex;

    /// A webhook receiver on loopback: keeps each body; answers `status`.
    pub(super) async fn receiver(status: u16) -> (url::Url, Arc<Mutex<Vec<Value>>>) {
        use axum::routing::post;
        let got = Arc::new(Mutex::new(Vec::new()));
        let keep = got.clone();
        let app = axum::Router::new().route(
            "/hook",
            post(move |axum::Json(v): axum::Json<Value>| {
                let keep = keep.clone();
                async move {
                    keep.lock().expect("lock").push(v);
                    StatusCode::from_u16(status).expect("status")
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = url::Url::parse(&format!("http://{}/hook", listener.local_addr().expect("addr"))).expect("url");
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, got)
    }

    async fn org(h: &Harness) -> lastmile_server::store::Org {
        store::org_by_slug(&h.state.db.pool, "acme").await.expect("org").expect("acme")
    }

    #[tokio::test]
    async fn users_with_gaps_are_nudged_once_with_a_link_to_the_right_step() {
        use lastmile_core::clock::Clock;
        let h = harness().await;
        let ada = h.joined().await; // Ada has a device; Bob has none.
        admin::create_user(&h.state.db, &*h.clock, "acme", "bob@acme.test", "Bob").await.expect("bob");
        let org = org(&h).await;
        let server = url::Url::parse("https://mfa.acme.test/").expect("url");
        const DAY: i64 = 86_400_000;

        // A dry run shows who would be nudged and records nothing.
        let dry = engage::run(&h.state.db.pool, &org, &server, None, DAY, 100, h.clock.now()).await.expect("dry");
        assert_eq!(dry.sent.len(), 2);
        assert_eq!(h.count("nudges").await, 0);

        // The webhook is down: nothing is recorded, no invite is stored.
        let invites = h.count("invites").await;
        let (down, _) = receiver(500).await;
        let hook = Webhook { url: down, format: Format::Json };
        let out =
            engage::run(&h.state.db.pool, &org, &server, Some(&hook), DAY, 100, h.clock.now()).await.expect("run");
        assert_eq!((out.sent.len(), out.failed.len()), (0, 2));
        assert_eq!((h.count("nudges").await, h.count("invites").await), (0, invites));

        // It works: Ada gets a link that opens the step, Bob one with a fresh invite.
        let (up, got) = receiver(200).await;
        let hook = Webhook { url: up, format: Format::Json };
        let out =
            engage::run(&h.state.db.pool, &org, &server, Some(&hook), DAY, 100, h.clock.now()).await.expect("run");
        assert_eq!(out.sent.len(), 2, "{out:?}");
        let bodies = got.lock().expect("lock").clone();
        let by = |email: &str| bodies.iter().find(|b| b["email"] == email).cloned().expect("nudge");
        let (a, b) = (by("ada@acme.test"), by("bob@acme.test"));
        assert_eq!(a["step"], "totp");
        assert_eq!(
            DeepLink::parse(a["link"].as_str().expect("link")).expect("link"),
            DeepLink::Open { step: Step::Totp }
        );
        assert!(a["gaps"][0].as_str().is_some_and(|g| g.contains("strong")), "{a}");
        let DeepLink::Join { input, step } = DeepLink::parse(b["link"].as_str().expect("link")).expect("link") else {
            panic!("Bob has no device: a join link, {b}");
        };
        assert_eq!(
            (step, input.server.as_ref().map(url::Url::as_str)),
            (Some(Step::Totp), Some("https://mfa.acme.test/"))
        );
        // The invite works once.
        let (s, v) = h.join(&input.code.grouped()).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(h.join(&input.code.grouped()).await.0, StatusCode::GONE);

        // Within the interval nobody is nudged again; after it, those still with a gap are.
        let again =
            engage::run(&h.state.db.pool, &org, &server, Some(&hook), DAY, 100, h.clock.now()).await.expect("run");
        assert!(again.sent.is_empty(), "{again:?}");
        h.clock.advance(DAY + 1);
        let (slack, got) = receiver(200).await;
        let hook = Webhook { url: slack, format: Format::Slack };
        let later =
            engage::run(&h.state.db.pool, &org, &server, Some(&hook), DAY, 100, h.clock.now()).await.expect("run");
        assert_eq!(later.sent.len(), 2);
        let text = got.lock().expect("lock")[0]["text"].as_str().unwrap_or_default().to_string();
        assert!(text.contains("Acme Ltd") && text.contains("lastmile://"), "{text}");
        let nudged = lastmile_server::audit::list(&h.state.db.pool, None)
            .await
            .expect("audit")
            .into_iter()
            .filter(|e| e.kind == "engagement.nudged")
            .count();
        assert_eq!(nudged, 4, "each delivered nudge is an audit event");
        drop(ada);
    }
}
