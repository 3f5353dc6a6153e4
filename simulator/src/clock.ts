// Simulated clock: sim ms = start + (real elapsed) × speed. At speed 1 with the default start it
// is the wall clock, which the server needs (it rejects device timestamps from the future).

export interface Clock {
  readonly startSimMs: number;
  readonly speed: number;
  now(): number;
}

export interface ClockOptions {
  startSimMs?: number;
  speed?: number;
  /** Real time source, injectable for tests. */
  realNow?: () => number;
}

export function createClock({ startSimMs, speed = 1, realNow = Date.now }: ClockOptions = {}): Clock {
  if (!(speed > 0)) throw new Error(`speed must be > 0, got ${speed}`);
  const realStart = realNow();
  const start = startSimMs ?? realStart;
  return { startSimMs: start, speed, now: () => start + (realNow() - realStart) * speed };
}
