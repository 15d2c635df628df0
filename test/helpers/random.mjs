// A small seeded generator (mulberry32) for the fuzz tests, so a failing run can be repeated.

/** Returns a function giving numbers in [0, 1), the same sequence for the same seed. */
export function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
