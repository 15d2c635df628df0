// A FIFO ring buffer: the scheduler's run queue. Array#shift would move every element on
// each dequeue once the queue is large (a million freshly spawned processes).

const INITIAL_SIZE = 1024;

export class RunQueue<T> {
  private items: (T | undefined)[] = new Array(INITIAL_SIZE);
  private head = 0;
  private mask = INITIAL_SIZE - 1;
  length = 0;

  push(item: T): void {
    if (this.length > this.mask) this.grow();
    this.items[(this.head + this.length) & this.mask] = item;
    this.length++;
  }

  /** The oldest item; call only when `length > 0`. */
  shift(): T {
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.length--;
    return item;
  }

  /**
   * Lets go of a large buffer once the queue is empty again: a million processes spawned at
   * once would otherwise leave 8 MB of empty slots behind for good.
   */
  compact(): void {
    if (this.length === 0 && this.mask > INITIAL_SIZE - 1) {
      this.items = new Array(INITIAL_SIZE);
      this.head = 0;
      this.mask = INITIAL_SIZE - 1;
    }
  }

  private grow(): void {
    const old = this.items;
    const size = old.length;
    const next: (T | undefined)[] = new Array(size * 2);
    for (let i = 0; i < size; i++) next[i] = old[(this.head + i) & this.mask];
    this.items = next;
    this.head = 0;
    this.mask = size * 2 - 1;
  }
}
