// Small, pure formatting helpers for the screens.
import type { ClockVerdict, ProblemCode, SettingSource } from "../ipc/api";

export function formatOffset(ms: number): string {
  const abs = Math.abs(ms);
  const sign = ms > 0 ? "ahead of" : ms < 0 ? "behind" : "in step with";
  if (abs < 1000) return ms === 0 ? "in step with the server" : `${abs} ms ${sign} the server`;
  return `${(abs / 1000).toFixed(1)} s ${sign} the server`;
}

export function verdictLabel(v: ClockVerdict): string {
  return { ok: "Good for codes", warn: "Codes may fail", fail: "Codes will fail" }[v];
}

export function sourceLabel(s: SettingSource): string {
  return { managed: "Set by your organisation", command_line: "Command line", user: "Your setting", default: "Default" }[s];
}

export function settingLabel(key: string): string {
  const labels: Record<string, string> = {
    server_url: "Server",
    organisation: "Organisation",
    report_interval_minutes: "Report every (minutes)",
    proxy_url: "Proxy",
    ntp_servers: "NTP servers",
    sso_provider: "Sign-in",
    managed_by: "Managed by",
    support_url: "Help",
    log_level: "Log level",
    invite: "Invite",
    ca_bundle: "Extra trusted certificates",
    reminders: "Reminders",
    quiet_hours: "Quiet hours",
    autostart: "Start at login",
  };
  return labels[key] ?? key;
}

/** Problems that block the user; others are advice. */
export function isBlocking(code: ProblemCode): boolean {
  return code !== "clock_warn" && code !== "not_joined" && code !== "managed_settings_unknown";
}

export function yesNo(v: boolean | null, unknown = "Unknown"): string {
  return v === null ? unknown : v ? "Yes" : "No";
}

export function timeOfDay(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function factorLabel(kind: string): string {
  const labels: Record<string, string> = {
    totp: "Authenticator app",
    recovery_codes: "Recovery codes",
    security_key: "Security key",
    platform_authenticator: "Built-in authenticator",
  };
  return labels[kind] ?? kind;
}

/** "23 Nov, 14:05" in the user's locale. */
export function dayAndTime(ms: number): string {
  return new Date(ms).toLocaleString([], { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

export function tierLabel(tier: string): string {
  const labels: Record<string, string> = {
    phishing_resistant: "Phishing-resistant",
    strong: "Strong",
    recovery: "Recovery",
    weak: "Weak",
  };
  return labels[tier] ?? tier;
}
