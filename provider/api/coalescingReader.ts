// Shares reads between everything waiting in one process: requests that arrive within a short
// window are merged into one fetch of the distinct ids (the client splits it into ≤100 ids per
// call), so several sets waiting at once (one `pulumi up` with many sets) cost the calls of one.

type Fetch<T> = (ids: string[]) => Promise<Map<string, T>>;

interface Waiter<T> {
  ids: readonly string[];
  resolve: (found: Map<string, T>) => void;
  reject: (error: unknown) => void;
}

export class CoalescingReader<T> {
  private waiting: Waiter<T>[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fetch: Fetch<T>,
    private readonly windowMs = 25,
  ) {}

  /** What the API knows of `ids` (absent: not found); the map may hold other callers' ids too. */
  read(ids: readonly string[]): Promise<Map<string, T>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ids, resolve, reject });
      this.timer ??= setTimeout(() => void this.flush(), this.windowMs);
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.timer = undefined;
    try {
      const found = await this.fetch([...new Set(batch.flatMap((w) => w.ids))]);
      for (const w of batch) w.resolve(found);
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}

const readers = new Map<string, CoalescingReader<unknown>>();

/** The process-wide reader of one kind (e.g. "statuses") for one endpoint and key. */
export function sharedReader<T>(key: string, kind: string, fetch: Fetch<T>): CoalescingReader<T> {
  const id = `${kind}|${key}`;
  let reader = readers.get(id) as CoalescingReader<T> | undefined;
  if (!reader) {
    reader = new CoalescingReader(fetch);
    readers.set(id, reader as CoalescingReader<unknown>);
  }
  return reader;
}
