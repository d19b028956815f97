//! Generates the Tauri context and the permissions of the app's own commands, so that the
//! capability file can grant the window exactly the commands it uses.

fn main() {
    let commands = tauri_build::AppManifest::new().commands(&[
        "get_status",
        "join",
        "leave",
        "initial_link",
        "totp_begin",
        "totp_verify",
        "recovery_new",
        "recovery_save",
        "recovery_confirm",
        "recover_sign_in",
        "recovery_account",
        "recovery_revoke_factor",
        "recovery_revoke_device",
        "recovery_end",
        "security_key_enroll",
        "security_key_pin",
        "security_key_cancel",
    ]);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(commands)) {
        panic!("tauri-build failed: {e:#}");
    }
}
