// The clock that receive timeouts run on. The real one is performance.now() with Node's
// timers. A test installs a SimulatedClock (as XState v5's actor system takes a clock) and
// moves time itself, so a test of `after` waits for no real time and cannot be late.

export interface Clock {
  /** Milliseconds, from any origin; only differences count. */
  now(): number;
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/** A timer the clock handed out: Node's Timeout can also stop keeping the event loop alive. */
export interface ClockTimer {
  ref?(): unknown;
  unref?(): unknown;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/** A clock that stands still until `advance` moves it, running the timers that come due. */
export class SimulatedClock implements Clock {
  private time = 0;
  private readonly timers = new Map<ClockTimer, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    const timer: ClockTimer = {};
    this.timers.set(timer, { at: this.time + ms, callback });
    return timer;
  }

  clearTimeout(timer: ClockTimer): void {
    this.timers.delete(timer);
  }

  /** Moves time forward by `ms`; each timer due by then runs, earliest first, at its time. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [ClockTimer, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].callback();
    }
    this.time = end;
  }
}
