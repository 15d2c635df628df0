// The corners of Erlang's `erlang` (its clocks and refs; api.ts adds the process BIFs) and
// `timer` modules that programs reach for.
import { error } from './errors';
import { Ref } from './pid';
import { after, receive, type Receive } from './receive';
import { currentProcess, markFreshRef } from './scheduler';

export type TimeUnit = 'second' | 'millisecond' | 'microsecond' | 'nanosecond' | 'native';

const NANOS_PER_UNIT: Record<TimeUnit, number> = {
  second: 1e9,
  millisecond: 1e6,
  microsecond: 1e3,
  nanosecond: 1,
  native: 1,
};

let lastNowMicros = 0;

export const clock = {
  /** `[megaSecs, secs, microSecs]` since the epoch, strictly increasing across calls. */
  now(): [number, number, number] {
    let micros = Math.floor(epochMillis() * 1000);
    if (micros <= lastNowMicros) micros = lastNowMicros + 1;
    lastNowMicros = micros;
    return [Math.floor(micros / 1e12), Math.floor(micros / 1e6) % 1e6, micros % 1e6];
  },
  make_ref(): Ref {
    const ref = new Ref();
    const proc = currentProcess();
    if (proc !== undefined) markFreshRef(proc, ref);
    return ref;
  },
  error(reason: unknown): never {
    return error(reason);
  },
  /** Time from an arbitrary fixed point, never going back; native unit = nanoseconds. */
  monotonic_time(unit: TimeUnit = 'native'): number {
    return Math.floor((performance.now() * 1e6) / nanosPer(unit));
  },
  /** Time since the epoch; native unit = nanoseconds (precision is a microsecond). */
  system_time(unit: TimeUnit = 'native'): number {
    return Math.floor((epochMillis() * 1e6) / nanosPer(unit));
  },
};

/** Milliseconds since the epoch, with the sub-millisecond part Date.now() drops. */
function epochMillis(): number {
  return performance.timeOrigin + performance.now();
}

function nanosPer(unit: TimeUnit): number {
  const nanos = NANOS_PER_UNIT[unit];
  if (nanos === undefined) error('badarg', `unknown time unit '${String(unit)}'`);
  return nanos;
}

export const timer = {
  /** `return timer.sleep(ms)` in a process loop, or `await timer.sleep(ms)`; resolves to 'ok'. */
  sleep(ms: number): Receive {
    return receive(after(ms, () => 'ok'));
  },
};
