/**
 * Runs the analysis after a quiet period (the debounce), one run at a time. Edits during the quiet
 * period restart it, so a burst of edits costs one run; edits during a run schedule one more.
 * Requests that need current results wait for `settled()` or force the run with `flush()`.
 */
export class Scheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly delay: () => number,
    private readonly work: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Something changed: run after the quiet period. */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.running) {
      this.again = true;
      return;
    }
    this.timer = setTimeout(() => this.fire(), this.delay());
  }

  get idle(): boolean {
    return !this.timer && !this.running;
  }

  private fire(): void {
    this.timer = undefined;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        await this.work();
      } catch (err) {
        this.onError(err);
      }
    })().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.fire();
        return;
      }
      if (!this.timer) {
        const w = this.waiters;
        this.waiters = [];
        for (const f of w) f();
      }
    });
  }

  /** Resolves once nothing is scheduled or running (after the pending quiet period, if any). */
  settled(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Run now instead of after the quiet period, and resolve when done. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.fire();
    }
    return this.settled();
  }
}
