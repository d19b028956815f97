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

    /// Starts an authenticator-app enrollment on this device: the factor and its secret.
    async fn totp(&self, token: &str) -> (lastmile_proto::api::TotpEnrollment, Vec<u8>) {
        let (s, v) = self.call("POST", "/v1/factors/totp", Some(token), None).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let e: lastmile_proto::api::TotpEnrollment = serde_json::from_value(v).expect("enrollment");
        let secret = lastmile_core::totp::secret_from_base32(&e.secret).expect("base32");
        (e, secret)
    }

    /// A device joined for Ada with a fresh invite.
    async fn joined(&self) -> JoinResponse {
        let code = self.invite(1).await;
        serde_json::from_value(self.join(&code).await.1).expect("joined")
    }

    /// Everything the database holds, as text: SQLite's files byte for byte, the WAL included
    /// when closing the pool left it (two connections closing at once can each see the other
    /// and skip the final checkpoint), or every row of every PostgreSQL table.
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

/// Rate limits too wide to reach, for tests about what lies behind them.
fn unlimited() -> lastmile_server::limits::Limits {
    let wide = lastmile_server::limits::Rate { burst: 100_000, every_ms: 1 };
    lastmile_server::limits::Limits::with(wide, wide, wide)
}

fn error_code(v: &Value) -> ErrorCode {
    serde_json::from_value::<ErrorBody>(v.clone()).expect("error body").error.code
}

mod audit_chain;
mod devices;
mod engagement;
mod fuzz;
mod lockouts;
mod oidc;
mod oidc_entra;
mod policy;
mod rate_limits;
mod recovery_after_loss;
mod recovery_codes;
mod security_keys;
mod signed_reports;
mod sso;
mod totp;
mod write_path;

/// The suite runs on the database it was given: PostgreSQL when `LASTMILE_TEST_DATABASE_URL`
/// is set (scripts/test.sh's second run), SQLite otherwise; and the rows land there.
#[tokio::test]
async fn the_suite_runs_on_the_database_it_was_given() {
    use lastmile_server::db::Backend;
    let h = harness().await;
    let expected =
        if std::env::var_os("LASTMILE_TEST_DATABASE_URL").is_some() { Backend::Postgres } else { Backend::Sqlite };
    assert_eq!(h.state.db.backend, expected);
    let version: String = sqlx::query_scalar(match expected {
        Backend::Postgres => "SELECT version()",
        Backend::Sqlite => "SELECT 'SQLite ' || sqlite_version()",
    })
    .fetch_one(&h.state.db.pool)
    .await
    .expect("the database's own name for itself");
    let name = if expected == Backend::Postgres { "PostgreSQL" } else { "SQLite" };
    assert!(version.starts_with(name), "{version}");
    assert_eq!(h.count("organisations").await, 1);
}
