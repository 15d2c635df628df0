/** Int32 slots of the buffer shared with the sigint anchor worker. */
export const ANCHOR_SLOTS = {
  /** Set to 1 and notified to make the anchor return. */
  stop: 0,
  /** How many times the anchor has entered its wait (it is registered with the watchdog); notified. */
  entered: 1,
} as const;
export const ANCHOR_BYTES = 8;
