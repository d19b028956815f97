// The enrollment steps the server can recommend, and how the window words and opens them.
import type { NextStepView } from "../ipc/api";
import { t } from "./i18n.svelte";

/** A flow of the window: one enrollment, or recovery after a loss. */
export type FlowName = "security_key" | "totp" | "recovery_codes" | "recover";

/** The flow a recommended step (or a link's step) opens, if the window has one for it. */
export function flowFor(step: string): FlowName | null {
  switch (step) {
    case "security_key":
    case "plug_in_security_key":
      return "security_key";
    case "totp":
    case "recovery_codes":
    case "recover":
      return step;
    default:
      return null; // Windows Hello is set up in Windows itself
  }
}

export function startsAFlow(step: string): boolean {
  return flowFor(step) !== null;
}

/** "Register your YubiKey 5 NFC", "Set up an authenticator app", in the person's language. */
export function nextStepLabel(next: NextStepView): string {
  return t(`next-${next.step.replaceAll("_", "-")}`, { model: next.model ?? "none" });
}
