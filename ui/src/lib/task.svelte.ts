// One call at a time from a component, with its busy flag and its error: the pattern every
// step of the window repeats (set busy, clear the error, call, keep the error, clear busy).
import { asAppError, type AppError } from "../ipc/api";

export class Task {
  busy = $state(false);
  error = $state<AppError | null>(null);

  /** Runs `f`; its error is kept in `error` and the result is `undefined`. */
  async run<T>(f: () => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    this.error = null;
    try {
      return await f();
    } catch (e) {
      this.error = asAppError(e);
      return undefined;
    } finally {
      this.busy = false;
    }
  }
}
