// Small, pure formatting helpers for the screens, in the person's language (./i18n).
import type { ClockVerdict, ProblemCode, SettingSource } from "../ipc/api";
import { intlLocale, t } from "./i18n.svelte";

export function formatOffset(ms: number): string {
  const abs = Math.abs(ms);
  const amount = abs < 1000 ? t("duration-ms", { n: abs }) : t("duration-s", { n: abs / 1000 });
  return t("clock-offset", { direction: ms > 0 ? "ahead" : ms < 0 ? "behind" : "same", amount });
}

export function verdictLabel(v: ClockVerdict): string {
  return t(`clock-verdict-${v}`);
}

export function sourceLabel(s: SettingSource): string {
  return t(`setting-source-${s.replaceAll("_", "-")}`);
}

export function settingLabel(key: string): string {
  return t(`setting-${key.replaceAll("_", "-")}`);
}

/** Problems that block the user; others are advice. */
export function isBlocking(code: ProblemCode): boolean {
  return code !== "clock_warn" && code !== "not_joined" && code !== "managed_settings_unknown";
}

export function yesNo(v: boolean | null, unknown = t("value-unknown")): string {
  return v === null ? unknown : v ? t("value-yes") : t("value-no");
}

export function timeOfDay(ms: number): string {
  return new Date(ms).toLocaleTimeString(intlLocale(), { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function factorLabel(kind: string): string {
  return t(`factor-${kind.replaceAll("_", "-")}`);
}

/** "23 Nov, 14:05" in the person's language. */
export function dayAndTime(ms: number): string {
  return new Date(ms).toLocaleString(intlLocale(), { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

export function tierLabel(tier: string): string {
  return t(`tier-${tier.replaceAll("_", "-")}`);
}
