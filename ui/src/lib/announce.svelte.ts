// What a screen reader should say when the window changes on its own: a new screen, a step
// of a flow, an outcome. One polite live region (App.svelte) reads `announcer.text`.

class Announcer {
  text = $state("");

  /** Says `message` (again, when it is the same as the last one). */
  say(message: string): void {
    this.text = "";
    queueMicrotask(() => (this.text = message));
  }
}

export const announcer = new Announcer();

/** Moves the keyboard focus to `node` once it is on the page (a new screen's heading or its
 * first field), so that keyboard users continue where the new screen starts. */
export function focusOnMount(node: HTMLElement): void {
  queueMicrotask(() => node.focus({ preventScroll: false }));
}
