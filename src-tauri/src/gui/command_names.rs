// The commands the window may call, by name: the one list that build.rs turns into
// permissions (`allow-<name>`) and that a test compares with `generate_handler!` and with
// `capabilities/main.json`. Included by build.rs, so it holds nothing but this constant.

/// Every command of the window, by name.
pub const COMMANDS: &[&str] = &[
    "get_status",
    "join",
    "sign_in_options",
    "sso_join",
    "sso_cancel",
    "open_support",
    "set_start_at_login",
    "set_locale",
    "leave",
    "initial_link",
    "ui_locale",
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
];
