// One request budget per endpoint and key, shared by everything in this process (every InstanceSet
// and lookup), so that concurrent operations together stay under the API's rate limit.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Rate (GCRA token bucket with a burst of half a second's worth) plus a cap on requests in flight.
 * Slots are reserved synchronously, so callers are served in the order they asked. The burst is
 * kept below the API's (assumed one second's worth): requests reach the server with some jitter,
 * and a client that drains the server's whole bucket turns that jitter into 429s.
 */
export class RequestBudget {
  private theoreticalArrival = 0;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly intervalMs: number;
  private readonly burstMs: number;

  constructor(
    readonly requestsPerSecond: number,
    readonly maxInFlight: number,
  ) {
    this.intervalMs = 1000 / requestsPerSecond;
    this.burstMs = Math.max(0, Math.floor(requestsPerSecond / 2) - 1) * this.intervalMs;
  }

  /** Waits for a slot; call the returned function when the request has finished. */
  async acquire(): Promise<() => void> {
    const now = Date.now();
    this.theoreticalArrival = Math.max(this.theoreticalArrival, now);
    const wait = this.theoreticalArrival - now - this.burstMs;
    this.theoreticalArrival += this.intervalMs;
    if (wait > 0) await sleep(wait);
    // A finished request hands its slot straight to the next waiter, so nobody can slip in between.
    if (this.inFlight >= this.maxInFlight) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.inFlight--;
    };
  }

  /** After a throttling answer: hold every caller back for `ms`. */
  pause(ms: number): void {
    this.theoreticalArrival = Math.max(this.theoreticalArrival, Date.now() + ms + this.burstMs);
  }
}

const budgets = new Map<string, RequestBudget>();

/** The process-wide budget for one endpoint and key at these limits (callers with other limits get another). */
export function sharedBudget(key: string, requestsPerSecond: number, maxInFlight: number): RequestBudget {
  const id = `${key}|${requestsPerSecond}|${maxInFlight}`;
  let budget = budgets.get(id);
  if (!budget) {
    budget = new RequestBudget(requestsPerSecond, maxInFlight);
    budgets.set(id, budget);
  }
  return budget;
}
