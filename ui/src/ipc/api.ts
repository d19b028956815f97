// Typed wrappers over the Tauri commands. The types come from bindings.ts, which is
// generated from the Rust types: never edit them by hand.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import {
  EVENTS,
  type AccountView,
  type AppError,
  type FactorSummary,
  type JoinOutcome,
  type LaunchLink,
  type RecoveryCodes,
  type RecoverySignedIn,
  type SecurityKeyEnrolled,
  type SecurityKeyStep,
  type SignInOptions,
  type SsoStarted,
  type StatusReport,
  type TotpSetup,
  type UiLocale,
} from "./bindings";

export type * from "./bindings";

export function getStatus(): Promise<StatusReport> {
  return invoke<StatusReport>("get_status");
}

export function join(invite: string): Promise<JoinOutcome> {
  return invoke<JoinOutcome>("join", { invite });
}

/** How people of the organisation (null: the device's `organisation` setting's) join by signing in. */
export function signInOptions(organisation: string | null): Promise<SignInOptions> {
  return invoke<SignInOptions>("sign_in_options", { organisation });
}

/** Joins by signing in with the organisation's identity provider in the system browser. */
export function ssoJoin(organisation: string | null, provider: string | null): Promise<JoinOutcome> {
  return invoke<JoinOutcome>("sso_join", { organisation, provider });
}

/** Gives up the sign-in in progress (its `ssoJoin` fails with sso_cancelled). */
export async function ssoCancel(): Promise<void> {
  await invoke("sso_cancel");
}

/** The sign-in went to the browser (an `SsoStarted`, generated from Rust). */
export function onSsoStarted(handler: (started: SsoStarted) => void): Promise<UnlistenFn> {
  return listen<SsoStarted>(EVENTS.ssoStarted, (e) => handler(e.payload));
}

/** Opens the help page IT set (the `support_url` setting) in the system browser. */
export async function openSupport(): Promise<void> {
  await invoke("open_support");
}

/** The person's own language (`null`: the OS's); the language now spoken. */
export function setLanguage(tag: string | null): Promise<UiLocale> {
  return invoke<UiLocale>("set_locale", { tag });
}

export async function setStartAtLogin(on: boolean): Promise<void> {
  await invoke("set_start_at_login", { on });
}

export function leave(): Promise<boolean> {
  return invoke<boolean>("leave");
}

export function totpBegin(): Promise<TotpSetup> {
  return invoke<TotpSetup>("totp_begin");
}

export function totpVerify(factorId: string, code: string): Promise<FactorSummary> {
  return invoke<FactorSummary>("totp_verify", { factorId, code });
}

export function recoveryNew(): Promise<RecoveryCodes> {
  return invoke<RecoveryCodes>("recovery_new");
}

/** Saves the codes to a new file only the user can read; resolves to its path. */
export function recoverySave(codes: string[]): Promise<string> {
  return invoke<string>("recovery_save", { codes });
}

export function recoveryConfirm(factorId: string, code: string): Promise<FactorSummary> {
  return invoke<FactorSummary>("recovery_confirm", { factorId, code });
}

/** Signs in with a recovery code; `server` only when no server is configured yet. */
export function recoverSignIn(
  server: string | null,
  organisation: string | null,
  username: string,
  code: string,
): Promise<RecoverySignedIn> {
  return invoke<RecoverySignedIn>("recover_sign_in", { server, organisation, username, code });
}

export function recoveryAccount(): Promise<AccountView> {
  return invoke<AccountView>("recovery_account");
}

export function recoveryRevokeFactor(factorId: string): Promise<AccountView> {
  return invoke<AccountView>("recovery_revoke_factor", { factorId });
}

export function recoveryRevokeDevice(deviceId: string): Promise<AccountView> {
  return invoke<AccountView>("recovery_revoke_device", { deviceId });
}

export function recoveryEnd(): Promise<AccountView> {
  return invoke<AccountView>("recovery_end");
}

/** Registers a security key and has the server verify it; steps arrive as events. */
export function securityKeyEnroll(): Promise<SecurityKeyEnrolled> {
  return invoke<SecurityKeyEnrolled>("security_key_enroll");
}

/** Answers the key's PIN prompt; `null` cancels. */
export async function securityKeyPin(pin: string | null): Promise<void> {
  await invoke("security_key_pin", { pin });
}

export async function securityKeyCancel(): Promise<void> {
  await invoke("security_key_cancel");
}

/** What a security-key ceremony waits for (a `SecurityKeyStep`, generated from Rust). */
export function onSecurityKeyStep(handler: (step: SecurityKeyStep) => void): Promise<UnlistenFn> {
  return listen<SecurityKeyStep>(EVENTS.securityKeyStep, (e) => handler(e.payload));
}

/** The language the app chose for the window. */
export function uiLocale(): Promise<UiLocale> {
  return invoke<UiLocale>("ui_locale");
}

export function initialLink(): Promise<LaunchLink | null> {
  return invoke<LaunchLink | null>("initial_link");
}

/** A link a second launch of the app handed over (checked by the backend like the first). */
export function onLink(handler: (link: LaunchLink) => void): Promise<UnlistenFn> {
  return listen<LaunchLink>(EVENTS.deepLink, (e) => handler(e.payload));
}

export function onAuthenticatorsChanged(handler: () => void): Promise<UnlistenFn> {
  return listen(EVENTS.authenticatorsChanged, () => handler());
}

/// The background reporter sent reports (or could not): re-read the status.
export function onStatusChanged(handler: () => void): Promise<UnlistenFn> {
  return listen(EVENTS.statusChanged, () => handler());
}

function isAppError(e: unknown): e is AppError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** Every rejected command becomes an AppError; the UI matches on `code`, never on text. */
export function asAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  return { code: "internal", message: String(e), hint: null };
}
