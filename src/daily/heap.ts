/** One entry of a {@link DueHeap}: a key (a server id) and when it is due (epoch ms). */
export interface DueEntry {
  readonly key: string;
  readonly at: number;
}

/**
 * A binary min-heap of keys ordered by due time, with an index from key to position so a key can
 * be moved or removed in O(log n). Each key appears at most once. Keys and times live in two
 * parallel arrays, which keeps 100,000 entries small and cache-friendly.
 */
export class DueHeap {
  #keys: string[] = [];
  #ats: number[] = [];
  #index = new Map<string, number>();

  /** Builds a heap from entries in O(n) (Floyd's heapify). A repeated key keeps its last time. */
  static from(entries: Iterable<readonly [string, number]>): DueHeap {
    const heap = new DueHeap();
    heap.#bulk(entries);
    return heap;
  }

  get size(): number {
    return this.#keys.length;
  }

  has(key: string): boolean {
    return this.#index.has(key);
  }

  /** When `key` is due, or undefined when it is not in the heap. */
  dueAt(key: string): number | undefined {
    const i = this.#index.get(key);
    return i === undefined ? undefined : this.#ats[i];
  }

  /** The earliest entry, without removing it. */
  peek(): DueEntry | undefined {
    const key = this.#keys[0];
    return key === undefined ? undefined : { key, at: this.#ats[0] as number };
  }

  /** Removes and returns the earliest entry. */
  pop(): DueEntry | undefined {
    const top = this.peek();
    if (top) this.#removeAt(0);
    return top;
  }

  /** Adds `key`, or moves it to its new time when it is already there. */
  set(key: string, at: number): void {
    const i = this.#index.get(key);
    if (i === undefined) {
      this.#keys.push(key);
      this.#ats.push(at);
      this.#index.set(key, this.#keys.length - 1);
      this.#up(this.#keys.length - 1);
      return;
    }
    const old = this.#ats[i] as number;
    this.#ats[i] = at;
    if (at < old) this.#up(i);
    else if (at > old) this.#down(i);
  }

  /** Removes `key`; false when it was not there. */
  delete(key: string): boolean {
    const i = this.#index.get(key);
    if (i === undefined) return false;
    this.#removeAt(i);
    return true;
  }

  /**
   * Adds many entries at once in O(n + m): keys already in the heap keep their time (they were set
   * more recently than whatever a bulk load read), new ones are added, then the heap is rebuilt.
   */
  addMissing(entries: Iterable<readonly [string, number]>): void {
    const fresh: Array<readonly [string, number]> = [];
    for (const entry of entries) if (!this.#index.has(entry[0])) fresh.push(entry);
    this.#bulk(fresh);
  }

  #bulk(entries: Iterable<readonly [string, number]>): void {
    for (const [key, at] of entries) {
      const i = this.#index.get(key);
      if (i !== undefined) {
        this.#ats[i] = at;
        continue;
      }
      this.#index.set(key, this.#keys.length);
      this.#keys.push(key);
      this.#ats.push(at);
    }
    // Heapify on the two arrays alone, then record every key's final position once.
    const keys = this.#keys;
    const ats = this.#ats;
    const n = keys.length;
    for (let start = (n >> 1) - 1; start >= 0; start--) {
      let i = start;
      const key = keys[i] as string;
      const at = ats[i] as number;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && (ats[right] as number) < (ats[left] as number) ? right : left;
        if ((ats[child] as number) >= at) break;
        keys[i] = keys[child] as string;
        ats[i] = ats[child] as number;
        i = child;
      }
      keys[i] = key;
      ats[i] = at;
    }
    for (let i = 0; i < n; i++) this.#index.set(keys[i] as string, i);
  }

  #removeAt(i: number): void {
    const lastIndex = this.#keys.length - 1;
    const key = this.#keys[i] as string;
    this.#index.delete(key);
    if (i === lastIndex) {
      this.#keys.pop();
      this.#ats.pop();
      return;
    }
    const movedKey = this.#keys.pop() as string;
    const movedAt = this.#ats.pop() as number;
    this.#keys[i] = movedKey;
    this.#ats[i] = movedAt;
    this.#index.set(movedKey, i);
    this.#down(i);
    this.#up(i);
  }

  #up(i: number): void {
    const key = this.#keys[i] as string;
    const at = this.#ats[i] as number;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentAt = this.#ats[parent] as number;
      if (parentAt <= at) break;
      this.#place(i, this.#keys[parent] as string, parentAt);
      i = parent;
    }
    this.#place(i, key, at);
  }

  #down(i: number): void {
    const n = this.#keys.length;
    const key = this.#keys[i] as string;
    const at = this.#ats[i] as number;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && (this.#ats[right] as number) < (this.#ats[left] as number) ? right : left;
      const childAt = this.#ats[child] as number;
      if (childAt >= at) break;
      this.#place(i, this.#keys[child] as string, childAt);
      i = child;
    }
    this.#place(i, key, at);
  }

  #place(i: number, key: string, at: number): void {
    this.#keys[i] = key;
    this.#ats[i] = at;
    this.#index.set(key, i);
  }
}
