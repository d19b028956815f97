//! The TypeScript IPC types are generated from the Rust types and committed. This test
//! fails when they drift; `UPDATE_BINDINGS=1 cargo test -p lastmile --test ipc_bindings`
//! rewrites them.

use lastmile_proto::app::*;
use ts_rs::{Config, TS};

fn generate() -> String {
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from crates/lastmile-proto/src/{app,api}.rs by src-tauri/tests/ipc_bindings.rs.\n\
         // Do not edit: run `UPDATE_BINDINGS=1 cargo test -p lastmile --test ipc_bindings`.\n\n",
    );
    let decls = [
        StatusReport::decl(&cfg),
        DeviceFacts::decl(&cfg),
        Authenticators::decl(&cfg),
        SecurityKey::decl(&cfg),
        Transport::decl(&cfg),
        PlatformKind::decl(&cfg),
        KeysNote::decl(&cfg),
        PlatformAuthenticator::decl(&cfg),
        PlatformNote::decl(&cfg),
        Tpm::decl(&cfg),
        TpmNote::decl(&cfg),
        ServerStatus::decl(&cfg),
        ClockVerdict::decl(&cfg),
        ClockStatus::decl(&cfg),
        NtpCheck::decl(&cfg),
        Enrollment::decl(&cfg),
        KeyringStatus::decl(&cfg),
        lastmile_proto::app::OutboxView::decl(&cfg),
        lastmile_proto::app::Standing::decl(&cfg),
        lastmile_proto::app::Need::decl(&cfg),
        lastmile_proto::app::NextStepView::decl(&cfg),
        lastmile_proto::app::LaunchLink::decl(&cfg),
        lastmile_proto::app::UiLocale::decl(&cfg),
        ServerView::decl(&cfg),
        SettingSource::decl(&cfg),
        SettingView::decl(&cfg),
        Problem::decl(&cfg),
        ProblemCode::decl(&cfg),
        JoinOutcome::decl(&cfg),
        lastmile_proto::app::SsoStarted::decl(&cfg),
        lastmile_proto::api::SignInOptions::decl(&cfg),
        lastmile_proto::api::SsoProviderView::decl(&cfg),
        TotpSetup::decl(&cfg),
        FactorSummary::decl(&cfg),
        RecoveryCodes::decl(&cfg),
        RecoverySignedIn::decl(&cfg),
        SecurityKeyEnrolled::decl(&cfg),
        SecurityKeyStep::decl(&cfg),
        lastmile_proto::api::AccountView::decl(&cfg),
        lastmile_proto::api::AccountFactor::decl(&cfg),
        lastmile_proto::api::AccountDevice::decl(&cfg),
        lastmile_proto::api::UserView::decl(&cfg),
        lastmile_proto::api::OrganisationView::decl(&cfg),
        AppError::decl(&cfg),
        AppErrorCode::decl(&cfg),
    ];
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "/** Events the backend emits to the window. */\nexport const EVENTS = {{\n  authenticatorsChanged: \"{}\",\n  deepLink: \"{}\",\n  securityKeyStep: \"{}\",\n  ssoStarted: \"{}\",\n  statusChanged: \"{}\",\n}} as const;\n",
        events::AUTHENTICATORS_CHANGED,
        events::DEEP_LINK,
        events::SECURITY_KEY_STEP,
        events::SSO_STARTED,
        events::STATUS_CHANGED
    ));
    out
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings.ts");
    let want = generate();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &want).expect("write bindings");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "ui/src/ipc/bindings.ts is out of date; run `UPDATE_BINDINGS=1 cargo test -p lastmile --test ipc_bindings`"
    );
}
