// Issue 8, "nothing leaked, nothing lost": every operation of an InstanceSet with a fault at each of
// its steps — API errors, throttling, timeouts, lost answers, failed and vanished instances, a killed
// provider — against the emulator, through the provider runtime and (a subset) the real provider host.
// Each row of the matrix is one generic scenario (scenario.ts); the checks are the same for all.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { exposedSources, expectNoSecretExposed, expose } from "./exposure";
import {
  CREATION,
  FAULTS,
  type FaultCase,
  type OperationName,
  runScenario,
  type Scenario,
  step,
  summaryLine,
  TRANSIENT,
  tally,
  titleOf,
} from "./scenario";

interface Row {
  operation: OperationName;
  count?: number;
  step: Scenario["step"];
  faults: FaultCase[];
  via?: Scenario["via"];
}

// The steps, by the n-th request of an action during the operation.
const CREATE = step("CreateInstances", 1, "the first batch");
const SECOND_CREATE = step("CreateInstances", 2, "the second batch");
const LOOKUP = step("DescribeInstances", 1, "recorded ids and tag lookup");
const CREATE_WAIT = step("DescribeInstances", 2, "waiting for RUNNING");
const SCALE_OUT_WAIT = step("DescribeInstances", 3, "waiting for RUNNING");
const STATUSES = step("DescribeInstancesStatus", 1, "before terminating");
const RECYCLE_WAIT = step("DescribeInstancesStatus", 2, "waiting for the recycle bin");
const TERMINATE = step("TerminateInstance", 1, "the first instance");
const SECOND_TERMINATE = step("TerminateInstance", 2, "the second instance");
const RELEASE = step("ReleaseInstances", 1, "forceDelete");
const RENAME = step("ModifyInstancesAttribute", 1, "renaming");
const RETAG = step("ModifyResourceTags", 1, "the first instance");
const START = step("StartInstances", 1, "the stopped instance");

const ALL = [...TRANSIENT, ...CREATION];

const MATRIX: Row[] = [
  // the real provider host (first: the slowest): killed mid-create, and a few faults end to end over gRPC
  { operation: "create", count: 150, step: SECOND_CREATE, faults: [FAULTS.killed, FAULTS.createFailed], via: "host" },
  { operation: "create", count: 150, step: CREATE_WAIT, faults: [FAULTS.killed], via: "host" },
  // killed mid-update and mid-delete: the engine keeps the old outputs, and the next up or destroy starts from them
  ...(
    [
      ["scale out", CREATE],
      ["scale out", SCALE_OUT_WAIT],
      ["scale in", TERMINATE],
      ["scale in", RECYCLE_WAIT],
      ["delete", SECOND_TERMINATE],
      ["delete", RELEASE],
    ] as const
  ).map(([operation, at]): Row => ({ operation, step: at, faults: [FAULTS.killed], via: "host" })),
  { operation: "create", step: CREATE, faults: [FAULTS.dropped], via: "host" },
  { operation: "delete", step: TERMINATE, faults: [FAULTS.http500], via: "host" },
  // an update of a set without tags refused before it found the set: its partial failure must still
  // encode (an `undefined` in it once left the host without an answer)
  { operation: "scale in", step: LOOKUP, faults: [FAULTS.refused], via: "host" },
  // create 3 (one CreateInstances) and create 150 (two: 100 + 50)
  { operation: "create", step: LOOKUP, faults: TRANSIENT },
  { operation: "create", step: CREATE, faults: ALL },
  { operation: "create", step: CREATE_WAIT, faults: TRANSIENT },
  { operation: "create", count: 150, step: SECOND_CREATE, faults: ALL },
  // scale out 2 → 4
  { operation: "scale out", step: LOOKUP, faults: TRANSIENT },
  { operation: "scale out", step: CREATE, faults: ALL },
  { operation: "scale out", step: SCALE_OUT_WAIT, faults: TRANSIENT },
  // scale in 4 → 2, and delete 3, both with forceDelete
  ...[LOOKUP, STATUSES, TERMINATE, RECYCLE_WAIT, RELEASE].map(
    (at): Row => ({ operation: "scale in", step: at, faults: TRANSIENT }),
  ),
  ...[LOOKUP, TERMINATE, RECYCLE_WAIT, RELEASE].map((at): Row => ({ operation: "delete", step: at, faults: TRANSIENT })),
  // in place, 3 instances: rename a-1.. → b-1.., tags {team: a, old: x} → {team: b}, start one stopped out of band
  { operation: "rename", step: RENAME, faults: [...TRANSIENT, FAULTS.refused] },
  { operation: "retag", step: RETAG, faults: [...TRANSIENT, FAULTS.refused] },
  { operation: "restart", step: START, faults: [...TRANSIENT, FAULTS.refused] },
];

const SCENARIOS: Scenario[] = MATRIX.flatMap(({ faults, via = "runtime", ...row }) =>
  faults.map((fault) => ({ ...row, fault, via })),
);

// Debug-level client lines (the token scenarios turn `zenlayer:debug` on) go to stderr: keep them
// for the secret scan instead of printing thousands of them.
beforeAll(() => {
  const write = process.stderr.write.bind(process.stderr) as (chunk: unknown, ...rest: unknown[]) => boolean;
  vi.spyOn(process.stderr, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    if (!String(chunk).startsWith("zenlayer ")) return write(chunk, ...rest);
    expose("client debug log", String(chunk));
    return true;
  }) as typeof process.stderr.write);
});

afterAll(() => {
  vi.restoreAllMocks();
  console.log(summaryLine());
  if (tally.scenarios > 0)
    expect(Object.keys(exposedSources())).toEqual(expect.arrayContaining(["create outputs", "check inputs"]));
  expectNoSecretExposed();
  expect(tally.leaked).toBe(0);
});

// The scenarios mostly wait (deploys, polls, backoff), so more of them run at once than vitest's
// maxConcurrency (5) allows: the selected ones are started up front, PARALLEL at a time, and each
// test awaits its own.
const PARALLEL = 12;
const runs: Promise<void>[] = [];

describe.concurrent("fault matrix", () => {
  beforeAll((suite) => {
    const selected = suite.tasks.flatMap((task, index) => (task.mode === "run" ? [index] : []));
    const lane = async (): Promise<void> => {
      for (let index = selected.shift(); index !== undefined; index = selected.shift()) {
        const run = runScenario(SCENARIOS[index]!, index);
        runs[index] = run;
        await run.catch(() => {}); // reported by the scenario's own test
      }
    };
    for (let i = 0; i < PARALLEL; i++) void lane();
  });

  SCENARIOS.forEach((scenario, index) => {
    it(titleOf(scenario), async () => {
      while (!runs[index]) await new Promise((resolve) => setTimeout(resolve, 50));
      await runs[index];
    });
  });
});
