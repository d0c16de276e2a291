/**
 * Work a reader waits for goes first: background work (badge counts) calls
 * `quiet()` between its small steps, which waits while a foreground job runs and
 * for `quietMs` after the last one ended (a reader refining a query types the
 * next one soon) or after the last `touch`.
 */
export class ForegroundGate {
  private running = 0;
  private lastEnd = -Infinity;
  private waiting: (() => void)[] = [];

  constructor(
    private readonly quietMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Runs a job a reader waits for; background steps hold off until it is done. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await job();
    } finally {
      this.lastEnd = this.now();
      if (--this.running === 0) {
        const wake = this.waiting;
        this.waiting = [];
        for (const w of wake) w();
      }
    }
  }

  /**
   * Marks foreground activity that is no job with an end, such as a scroll event:
   * background steps wait until `quietMs` after the last such moment.
   */
  touch(): void {
    this.lastEnd = Math.max(this.lastEnd, this.now());
  }

  /** Resolves once no foreground job runs and none ended in the last `quietMs`. */
  async quiet(): Promise<void> {
    for (;;) {
      if (this.running) await new Promise<void>((resolve) => this.waiting.push(resolve));
      const left = this.lastEnd + this.quietMs - this.now();
      if (!this.running && left <= 0) return;
      if (!this.running) await new Promise((resolve) => setTimeout(resolve, left));
    }
  }
}
