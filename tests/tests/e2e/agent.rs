//! The agent library in this process, with the real keyring and the real server: the same
//! code the window and the CLI drive, without either of them.

use lastmile_agent::files::LocalFiles;
use lastmile_agent::system::{OsSecrets, SystemDevice};
use lastmile_agent::{Agent, Managed};
use lastmile_core::clock::ManualClock;
use lastmile_core::settings::RawLayer;
use lastmile_proto::app::{AppErrorCode, ProblemCode};
use lastmile_tests::{Server, require_keyring};

fn agent(dir: &std::path::Path, server: Option<String>, clock_ms: i64) -> Agent<SystemDevice, OsSecrets, ManualClock> {
    Agent {
        device: SystemDevice,
        secrets: OsSecrets,
        clock: ManualClock::at(clock_ms),
        files: LocalFiles { config_dir: dir.join("config"), state_dir: dir.join("state") },
        managed: Managed { location: "(test)".into(), settings: Ok(None), unknown: vec![] },
        cli: RawLayer { server_url: server, ..RawLayer::default() },
        app_version: "0.1.0-test".into(),
        machine_status_dir: None,
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

#[tokio::test]
async fn join_and_report_through_the_agent() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let (code, _) = server.invite().expect("invite");
    let dir = tempfile::tempdir().expect("dir");
    let a = agent(dir.path(), Some(server.url()), now_ms());

    let outcome = a.join(&code).await.expect("join");
    assert_eq!(outcome.user_email, "ada@acme.test");
    let view = a.report().await.expect("report");
    assert_eq!(view.reports_received, 2);
    assert_eq!(view.last_claims.as_ref().map(|c| c.device.app_version.as_str()), Some("0.1.0-test"));
    let again = a.join(&code).await.expect_err("already joined");
    assert_eq!(again.code, AppErrorCode::AlreadyJoined);
    assert!(a.leave().await.expect("leave"));
}

#[tokio::test]
async fn a_device_clock_far_ahead_is_measured_and_judged() {
    require_keyring();
    let server = Server::start().expect("server");
    let dir = tempfile::tempdir().expect("dir");
    // The injected clock is 45 s ahead of the server's (which reads the real clock).
    // ManualClock does not move, so the measured delay absorbs the real round trip.
    let a = agent(dir.path(), Some(server.url()), now_ms() + 45_000);
    let status = a.status().await.expect("status");
    let offset = status.clock.offset_ms.expect("measured");
    assert!((44_000..=46_000).contains(&offset), "offset {offset}");
    assert!(status.problems.iter().any(|p| p.code == ProblemCode::ClockFail), "{:?}", status.problems);
}

/// A device that joined before device keys existed (its state has no key, the server none
/// either): the server refuses its unsigned reports; the agent's next report adds a key
/// (kept in the keyring, recorded in the state file) and is signed, and the administrator's
/// list of unsigned devices empties.
#[tokio::test]
async fn a_device_that_joined_without_a_key_adds_one_at_its_next_report() {
    use lastmile_agent::SecretStore;
    use lastmile_proto::api::{DeviceClaims, JoinRequest, JoinResponse};
    use lastmile_proto::state_file::{EnrollmentRecord, StateFile};
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let (code, _) = server.invite().expect("invite");
    let claims = DeviceClaims {
        hostname: "old-laptop".into(),
        os_name: "Linux".into(),
        os_version: "1".into(),
        arch: "x86_64".into(),
        app_version: "0.0.9".into(),
    };
    let joined: JoinResponse = reqwest::Client::new()
        .post(format!("{}/v1/devices/join", server.url()))
        .json(&JoinRequest { invite_code: code, device: claims, device_public_key: None })
        .send()
        .await
        .expect("join")
        .json()
        .await
        .expect("joined");
    let dir = tempfile::tempdir().expect("dir");
    let a = agent(dir.path(), Some(server.url()), now_ms());
    OsSecrets.store(&lastmile_agent::token_account(&joined.device_id), &joined.device_token).expect("keyring");
    let record = EnrollmentRecord {
        server_url: server.url(),
        device_id: joined.device_id.clone(),
        user_email: joined.user.email.clone(),
        user_name: joined.user.display_name.clone(),
        organisation: joined.organisation.name.clone(),
        joined_at_ms: now_ms(),
        recovery_until_ms: None,
        device_key_account: None,
    };
    a.files.write_state(&StateFile { enrollment: Some(record), ..StateFile::empty() }).expect("state");
    let unsigned = server.admin(&["device", "unsigned", "--org", "acme"]).expect("list");
    assert!(unsigned.contains(&joined.device_id), "{unsigned}");

    let view = a.report().await.expect("report, after adding a key");
    assert_eq!(view.reports_received, 1);
    let state = a.files.read_state().expect("state");
    let account = state.enrollment.and_then(|r| r.device_key_account).expect("the key is recorded");
    assert!(OsSecrets.load(&account).expect("keyring").is_some(), "the key is in the keyring");
    assert_eq!(server.admin(&["device", "unsigned", "--org", "acme"]).expect("list").trim(), "");
    let again = a.report().await.expect("a second, signed report");
    assert_eq!(again.reports_received, 2);
    assert!(a.leave().await.expect("leave"));
    let _ = OsSecrets.delete(&account);
}
