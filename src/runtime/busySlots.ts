// What the scheduler tells the world, without a message, while user code runs: the Int32 slots
// of a SharedArrayBuffer that another thread can read at any time (the terminal thread reads
// them to decide whether Ctrl-C needs a real SIGINT, and which process it would stop).
export const BUSY_SLOTS = {
  /** 1 while the scheduler runs a batch of user code, 0 while idle. */
  busy: 0,
  /** Pid number of the process running right now (0 when none). */
  runningPid: 1,
} as const;
export const BUSY_BYTES = 4 * 4;
