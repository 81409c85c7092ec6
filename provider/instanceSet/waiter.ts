// Waits for many instances to reach a state with one read (a describe call per 100 ids) per round.
// Rounds are spaced by a fifth of the time waited so far (between a floor and a cap): short
// deploys are seen within ~20% of their duration, long ones cost few calls.

/** Reads the statuses of `ids` (absent: not found), e.g. `client.describeStatusesByIds`. */
export type ReadStatuses = (ids: readonly string[]) => Promise<ReadonlyMap<string, string>>;

/** How one instance's status (undefined: not found) counts for a wait. */
export type Verdict = "done" | "pending" | "failed";
export type Classifier = (status: string | undefined, missedPolls: number) => Verdict;

export interface WaitOptions {
  /** Shown in progress lines, e.g. "web: 12/300 RUNNING". */
  label: string;
  /** Word for the target state in progress lines. */
  target: string;
  timeoutMs: number;
  maxIntervalMs: number;
  minIntervalMs?: number;
  log: (line: string) => void;
}

export interface WaitResult {
  statuses: Map<string, string | undefined>;
  failed: string[];
  /** Still pending when the time ran out. */
  notReady: string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const PROGRESS_EVERY_MS = 5000;
/** Polls land on a process-wide grid, so sets waiting at once poll together and share calls. */
const GRID_MS = 250;
const onGrid = (time: number) => Math.ceil(time / GRID_MS) * GRID_MS;

export async function waitForStatuses(
  read: ReadStatuses,
  ids: readonly string[],
  classify: Classifier,
  options: WaitOptions,
): Promise<WaitResult> {
  const started = Date.now();
  const minInterval = options.minIntervalMs ?? 1000;
  const statuses = new Map<string, string | undefined>();
  const missed = new Map<string, number>();
  const failed: string[] = [];
  let pending = [...ids];
  let lastProgress = 0;
  let lastDone = -1;

  let lastRound = started;
  let lastReadEnd = started;
  while (pending.length > 0) {
    // Sleep first: whoever starts a wait has just changed these instances, so an immediate poll is wasted.
    // The interval counts from the previous round's slot, so neither a call's duration nor a late
    // timer pushes the next round to a later grid slot.
    const waited = Date.now() - started;
    const interval = Math.min(options.maxIntervalMs, Math.max(minInterval, waited / 5));
    const now = Date.now();
    // A slow read (e.g. while throttled) still leaves half an interval of rest before the next one.
    const earliest = Math.max(now, lastRound + interval, lastReadEnd + interval / 2);
    lastRound = onGrid(Math.min(earliest, Math.max(now, started + options.timeoutMs)));
    await sleep(lastRound - now);
    const seen = await read(pending);
    lastReadEnd = Date.now();
    const stillPending: string[] = [];
    for (const id of pending) {
      const status = seen.get(id);
      missed.set(id, status === undefined ? (missed.get(id) ?? 0) + 1 : 0);
      statuses.set(id, status);
      const verdict = classify(status, missed.get(id) ?? 0);
      if (verdict === "pending") stillPending.push(id);
      else if (verdict === "failed") failed.push(id);
    }
    pending = stillPending;

    const elapsed = Date.now() - started;
    const done = ids.length - pending.length - failed.length;
    if (pending.length === 0 || (done !== lastDone && Date.now() - lastProgress >= PROGRESS_EVERY_MS)) {
      options.log(`${options.label}: ${done}/${ids.length} ${options.target} after ${Math.round(elapsed / 1000)}s`);
      lastProgress = Date.now();
      lastDone = done;
    }
    if (pending.length > 0 && elapsed >= options.timeoutMs) return { statuses, failed, notReady: pending };
  }
  return { statuses, failed, notReady: [] };
}

const CREATING = new Set(["PENDING", "DEPLOYING"]);
const SETTLING = new Set(["PENDING", "DEPLOYING", "BOOTING", "REBOOT", "REBUILDING", "STOPPING", "IMAGING"]);
/** Consecutive polls an instance may be missing before it counts as vanished (the API may lag just after create). */
const VANISHED_AFTER_MISSES = 2;

/** Waiting for RUNNING: CREATE_FAILED, a vanished instance or any other settled state fails. */
export const untilRunning: Classifier = (status, missedPolls) => {
  if (status === "RUNNING") return "done";
  if (status === undefined) return missedPolls >= VANISHED_AFTER_MISSES ? "failed" : "pending";
  return SETTLING.has(status) ? "pending" : "failed";
};

/** Waiting for a terminated instance to reach the recycle bin (or to be gone). */
export const untilRecycled: Classifier = (status) => (status === undefined || status === "RECYCLE" ? "done" : "pending");

/** Waiting for a released instance to disappear. */
export const untilGone: Classifier = (status) => (status === undefined ? "done" : "pending");

/** Waiting for an instance on its way down to be stopped (whatever else it turns out to be). */
export const untilStopped: Classifier = (status) => (status === "STOPPING" ? "pending" : "done");

/** Waiting for an instance to finish being created (whatever the result). */
export const untilCreated: Classifier = (status) => (status !== undefined && CREATING.has(status) ? "pending" : "done");
