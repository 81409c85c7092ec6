// Shares status polls between everything waiting in one process: requests that arrive within a
// short window are merged into one DescribeInstancesStatus call per 100 distinct ids, so several
// sets waiting at once (one `pulumi up` with many sets) cost the calls of one.

type Fetch = (ids: string[]) => Promise<Map<string, string>>;

interface Waiter {
  ids: readonly string[];
  resolve: (statuses: Map<string, string>) => void;
  reject: (error: unknown) => void;
}

export class CoalescingStatusReader {
  private waiting: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fetch: Fetch,
    private readonly windowMs = 25,
  ) {}

  read(ids: readonly string[]): Promise<Map<string, string>> {
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
      const statuses = await this.fetch([...new Set(batch.flatMap((w) => w.ids))]);
      for (const w of batch) w.resolve(statuses);
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}

const readers = new Map<string, CoalescingStatusReader>();

/** The process-wide reader for one endpoint and key. */
export function sharedStatusReader(key: string, fetch: Fetch): CoalescingStatusReader {
  let reader = readers.get(key);
  if (!reader) {
    reader = new CoalescingStatusReader(fetch);
    readers.set(key, reader);
  }
  return reader;
}
