// The generic fault scenario: one operation (create, scale out, scale in, delete, or an in-place
// update: rename, retag, restart) of one InstanceSet against its own emulator, one fault at one step
// of it, then the checks that nothing leaked and nothing was lost: what runs with the set's tag is
// what Pulumi recorded, a further `up` brings the set to exactly instanceCount RUNNING instances
// with the operation's change in effect, and delete leaves nothing running.
import { expect } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { ZenlayerClient } from "../../provider/api/client";
import type { ActionName } from "../../provider/api/schemas";
import { SET_TAG_KEY } from "../../provider/instanceSet/inputs";
import {
  type AuditedInstance,
  audit,
  clearFaults,
  type Fault,
  injectFault,
  isLive,
  pendingFaults,
  tagValue,
} from "../support/emulatorControl";
import { type Driver, hostDriver, type Outcome, PROJECT, type Props, runtimeDriver } from "./drivers";
import { SECRETS } from "./exposure";

/** Per-request timeout of every provider in the suite (`zenlayer:requestTimeoutSeconds`). */
const REQUEST_TIMEOUT_SECONDS = 1;
/** An injected latency beyond the request timeout: the client gives up, the API acts half a second later. */
const SLOW_MS = 1500;
/** How long a request is held at the emulator while the suite aims a fault at it or kills the provider. */
const HOLD_MS = 500;
const POLL_MS = 20;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---- the matrix's vocabulary ------------------------------------------------------------------

/** The n-th request of an action during the operation. */
export interface Step {
  action: ActionName;
  occurrence: number;
  label: string;
}

export const step = (action: ActionName, occurrence: number, what: string): Step => ({
  action,
  occurrence,
  label: `${action} #${occurrence} (${what})`,
});

export interface FaultCase {
  label: string;
  /** What the operation must end in: absorbed, a partial failure, or the provider process gone. */
  expect: "ok" | "partial" | "killed";
  /** Shown in a partial failure's reasons. */
  reason?: RegExp;
  /** The emulator fault, aimed at the step's action; none: the provider process is killed at the step. */
  fault?: (action: ActionName) => Fault;
}

const apiError = (label: string, status: number, code: string, times: number): FaultCase => ({
  label,
  expect: "ok",
  fault: (action) => ({ action, kind: "error", status, code, times }),
});

export const FAULTS = {
  http500: apiError("HTTP 500", 500, "INTERNAL_SERVER_ERROR", 1),
  http503: apiError("HTTP 503", 503, "SERVICE_TEMPORARY_UNAVAILABLE", 1),
  throttled: apiError("three 429s in a row", 429, "REQUEST_LIMIT_EXCEEDED", 3),
  slow: {
    label: `${SLOW_MS} ms latency (timeout ${REQUEST_TIMEOUT_SECONDS} s)`,
    expect: "ok",
    fault: (action) => ({ action, kind: "latency", ms: SLOW_MS, times: 1 }),
  },
  dropped: {
    label: "connection dropped after the action",
    expect: "ok",
    fault: (action) => ({ action, kind: "drop", times: 1 }),
  },
  createFailed: {
    label: "2 instances end CREATE_FAILED",
    expect: "partial",
    reason: /CREATE_FAILED/,
    fault: () => ({ action: "CreateInstances", kind: "create-failed", times: 2 }),
  },
  vanished: {
    label: "2 instances vanish while deploying",
    expect: "partial",
    reason: /vanished/,
    fault: () => ({ action: "CreateInstances", kind: "vanish", times: 2 }),
  },
  refused: {
    label: "refused (HTTP 403, not retryable)",
    expect: "partial",
    reason: /OPERATION_DENIED_BY_POLICY/,
    fault: (action) => ({ action, kind: "error", status: 403, code: "OPERATION_DENIED_BY_POLICY", times: 1 }),
  },
  killed: { label: "provider process killed", expect: "killed" },
} satisfies Record<string, FaultCase>;

export const TRANSIENT: FaultCase[] = [FAULTS.http500, FAULTS.http503, FAULTS.throttled, FAULTS.slow, FAULTS.dropped];
export const CREATION: FaultCase[] = [FAULTS.createFailed, FAULTS.vanished];

interface Operation {
  /** The set's size before (none: the operation creates it) and after. */
  before?: number;
  after: number;
  /** Whether delete releases. */
  forceDelete: boolean;
  /** Inputs of the set before and after the operation, besides its size (the same when only `from`). */
  from?: Props;
  to?: Props;
  /** Done to the set out of band between setting it up and the operation. */
  meanwhile?: (client: ZenlayerClient, instanceIds: readonly string[], url: string) => Promise<void>;
  /** What holds of the set's live instances once the next `up` has converged. */
  holds?: (live: readonly AuditedInstance[], setKey: string) => void;
}

const tagsOf = (i: AuditedInstance) => Object.fromEntries((i.tags?.tags ?? []).map((t) => [t.key, t.value]));

/** Stops an instance the way someone at the console would, and waits until it is STOPPED. */
async function stopOne(client: ZenlayerClient, instanceIds: readonly string[], url: string): Promise<void> {
  const instanceId = instanceIds[1]!;
  await client.call("StopInstances", { instanceIds: [instanceId] });
  while ((await audit(url)).find((i) => i.instanceId === instanceId)?.instanceStatus !== "STOPPED") await sleep(POLL_MS);
}

export const OPERATIONS = {
  create: { after: 3, forceDelete: false },
  "scale out": { before: 2, after: 4, forceDelete: false },
  "scale in": { before: 4, after: 2, forceDelete: true },
  delete: { before: 3, after: 0, forceDelete: true },
  rename: {
    before: 3,
    after: 3,
    forceDelete: false,
    from: { instanceName: "a-[1,1]" },
    to: { instanceName: "b-[1,1]" },
    holds: (live) => expect(live.map((i) => i.instanceName).sort()).toEqual(["b-1", "b-2", "b-3"]),
  },
  retag: {
    before: 3,
    after: 3,
    forceDelete: false,
    from: { tags: { team: "a", old: "x" } },
    to: { tags: { team: "b" } },
    holds: (live, setKey) => {
      for (const i of live) expect(tagsOf(i)).toEqual({ team: "b", [SET_TAG_KEY]: setKey });
    },
  },
  // The same inputs: only the instance stopped meanwhile needs repair.
  restart: {
    before: 3,
    after: 3,
    forceDelete: false,
    meanwhile: stopOne,
    holds: (live) => expect(live.map((i) => i.instanceStatus)).toEqual(["RUNNING", "RUNNING", "RUNNING"]),
  },
} satisfies Record<string, Operation>;
export type OperationName = keyof typeof OPERATIONS;

export interface Scenario {
  operation: OperationName;
  step: Step;
  fault: FaultCase;
  via: "runtime" | "host";
  /** Overrides the set's size (e.g. 150 for a create in two CreateInstances batches). */
  count?: number;
}

export const titleOf = (s: Scenario) =>
  `${s.operation}${s.count ? ` ${s.count}` : ""} · ${s.step.label} · ${s.fault.label}${s.via === "host" ? " · via the provider host" : ""}`;

// ---- what the suite measured --------------------------------------------------------------------

export const tally = { scenarios: 0, faultsInjected: 0, instancesCreated: 0, leaked: 0 };

export const summaryLine = () =>
  `fault suite: ${tally.scenarios} scenarios, ${tally.faultsInjected} faults injected, ` +
  `${tally.instancesCreated} instances created, ${tally.leaked} leaked`;

// ---- aiming a fault at a step -----------------------------------------------------------------

interface Aimed {
  /** After the operation: waits out requests still held, fails if a fault went unused; how many faults applied. */
  settle(): Promise<{ applied: number; killed: boolean }>;
}

/**
 * Injects the scenario's fault so that it hits the step. Earlier requests of the action are let
 * through by a zero latency; a fault that cannot be queued ahead (it would hit the earlier
 * requests) or a kill is aimed by holding the step's request at the emulator and acting while it
 * is held. A fault the operation never reaches fails the scenario: the step did not happen.
 */
async function aim(url: string, target: Step, fault: FaultCase, kill: () => Promise<void>): Promise<Aimed> {
  // Every injected fault; `counts`: the scenario's own (not a skip or a hold); `usedAt`: first seen applied.
  const injected = new Map<number, { times: number; counts: boolean; ms: number; usedAt?: number }>();
  const add = async (f: Fault, counts: boolean) => {
    const { fault: made } = (await injectFault(url, f)) as { fault: { id: number } };
    injected.set(made.id, { times: f.times, counts, ms: f.kind === "latency" ? f.ms : 0 });
    return made.id;
  };
  const action = target.action;
  if (target.occurrence > 1) await add({ action, kind: "latency", ms: 0, times: target.occurrence - 1 }, false);
  const real = fault.fault?.(action);
  let onHold: (() => Promise<void>) | undefined;
  let holdId: number | undefined;
  let killed = false;
  if (real && (real.kind === "latency" || target.occurrence === 1)) await add(real, true);
  else {
    holdId = await add({ action, kind: "latency", ms: HOLD_MS, times: 1 }, false);
    onHold = real
      ? async () => void (await add(real, true))
      : async () => {
          killed = true;
          await kill();
        };
  }

  let stopped = false;
  const watch = (async () => {
    while (!stopped) {
      const pending = new Map((await pendingFaults(url)).map((f) => [f.id, f.remaining]));
      const now = Date.now();
      for (const [id, f] of injected) if (f.usedAt === undefined && pending.get(id) !== f.times) f.usedAt = now;
      if (holdId !== undefined && !pending.has(holdId) && onHold) {
        const act = onHold;
        onHold = undefined;
        await act();
      }
      await sleep(POLL_MS);
    }
  })();

  return {
    async settle() {
      await sleep(2 * POLL_MS);
      stopped = true;
      await watch;
      const pending = new Map((await pendingFaults(url)).map((f) => [f.id, f.remaining]));
      // Requests still held at the emulator act when their latency ends: let them, as time would.
      const heldUntil = Math.max(0, ...[...injected.values()].map((f) => (f.usedAt ?? 0) + f.ms));
      await sleep(heldUntil + 150 - Date.now());
      await clearFaults(url);
      const own = [...injected].filter(([, f]) => f.counts);
      const unused = own.filter(([id]) => pending.has(id)).map(([id]) => id);
      expect(unused, `faults never reached — the step "${target.label}" did not happen`).toEqual([]);
      if (!real) expect(killed, `the provider was not killed at "${target.label}"`).toBe(true);
      const applied = own.reduce((n, [, f]) => n + f.times, 0) + (killed ? 1 : 0);
      return { applied, killed };
    },
  };
}

// ---- the scenario ---------------------------------------------------------------------------

const IMAGE = "img-yKK4q6XybymPgfx7ynUUqC3N8";

/** A client of the emulator's API, for changes made out of band. */
const clientOf = (emu: RunningEmulator) =>
  new ZenlayerClient({
    accessKeyId: emu.accessKeyId,
    accessKeyPassword: emu.accessKeyPassword,
    domain: emu.domain,
    scheme: "HTTP",
    env: {},
  });

function configOf(emu: RunningEmulator, auth: "key" | "token"): Record<string, string> {
  const credentials: Record<string, string> =
    auth === "key"
      ? { "zenlayer:accessKeyId": emu.accessKeyId, "zenlayer:accessKeyPassword": emu.accessKeyPassword }
      : { "zenlayer:token": emu.token!, "zenlayer:debug": "true" };
  return {
    ...credentials,
    "zenlayer:domain": emu.domain,
    "zenlayer:scheme": "HTTP",
    "zenlayer:requestTimeoutSeconds": String(REQUEST_TIMEOUT_SECONDS),
    "zenlayer:maxRequestsPerSecond": "500",
  };
}

/** The program's inputs for the set, as the SDK passes them; `extra` adds to or overrides them. */
const argsOf = (name: string, instanceCount: number, forceDelete: boolean, extra: Props = {}): Props => ({
  zoneId: "SEL-A",
  instanceType: "c.1c2g",
  imageId: IMAGE,
  instanceCount,
  instanceName: `${name}-[1,3]`,
  password: SECRETS.instancePassword,
  readyTimeoutSeconds: 30,
  pollIntervalSeconds: 1,
  forceDelete,
  setName: `${PROJECT}/dev/${name}`,
  ...extra,
});

/** What the engine holds for the resource: its id and outputs. */
interface Recorded {
  id: string;
  outs: Props;
}

const idsOf = (outs: Props | undefined) => (outs?.instanceIds as string[] | undefined) ?? [];
const sorted = (ids: readonly string[]) => [...ids].sort();

async function liveTagged(url: string, setKey: string): Promise<AuditedInstance[]> {
  return (await audit(url)).filter((i) => isLive(i) && tagValue(i, SET_TAG_KEY) === setKey);
}

function expectOk(outcome: Outcome, what: string): Recorded {
  if (outcome.kind !== "ok")
    expect.fail(`${what} failed: ${outcome.kind === "partial" ? outcome.reasons.join("; ") : outcome.message}`);
  return outcome;
}

/** The set is complete: instanceCount RUNNING instances, exactly the tagged live ones. */
async function expectExactly(url: string, setKey: string, recorded: Recorded, instanceCount: number) {
  expect(recorded.outs.status).toBe("RUNNING");
  expect(idsOf(recorded.outs)).toHaveLength(instanceCount);
  const live = await liveTagged(url, setKey);
  expect(sorted(live.map((i) => i.instanceId))).toEqual(sorted(idsOf(recorded.outs)));
  expect(live.every((i) => i.instanceStatus === "RUNNING")).toBe(true);
}

async function play(emu: RunningEmulator, driver: Driver, s: Scenario, name: string): Promise<number> {
  const plan: Operation = OPERATIONS[s.operation];
  const count = s.count ?? plan.after;
  const isCreate = plan.before === undefined;
  const isDelete = s.operation === "delete";

  // The set as it stands before the operation.
  const before = await driver.check({}, argsOf(name, plan.before ?? count, plan.forceDelete, plan.from));
  const existing = isCreate ? undefined : expectOk(await driver.create(before), "setting up the set");
  const after =
    isCreate || isDelete ? before : await driver.check(before, argsOf(name, count, plan.forceDelete, plan.to ?? plan.from));
  if (plan.meanwhile) await plan.meanwhile(clientOf(emu), idsOf(existing?.outs), emu.url);
  const setKey = after.setKey as string;
  const instanceCount = isDelete ? plan.before! : count;

  // The operation, with the fault at its step.
  const aimed = await aim(emu.url, s.step, s.fault, () => driver.kill());
  const outcome = isCreate
    ? await driver.create(after)
    : isDelete
      ? await driver.delete(existing!.id, existing!.outs, before)
      : await driver.update(existing!.id, existing!.outs, after, before);
  const { applied, killed } = await aimed.settle();
  const result = killed ? "killed" : outcome.kind;
  const said = outcome.kind === "error" ? outcome.message : outcome.kind === "partial" ? outcome.reasons.join("; ") : "";
  expect(result, said).toBe(s.fault.expect);
  if (outcome.kind === "partial" && s.fault.reason) expect(outcome.reasons.join("; ")).toMatch(s.fault.reason);

  // What Pulumi records now: the outputs or the partial failure's properties; on a plain error, or
  // when the process died before the operation returned, the previous state: the old outputs of an
  // update or delete, nothing for a create.
  const recorded: Recorded | undefined =
    !killed && (outcome.kind === "ok" || outcome.kind === "partial") ? { id: outcome.id, outs: outcome.outs } : existing;
  const live = await liveTagged(emu.url, setKey);
  expect(live.length).toBeLessThanOrEqual(Math.max(plan.before ?? 0, instanceCount));
  const known = new Set(idsOf(recorded?.outs));
  const unknown = live.map((i) => i.instanceId).filter((id) => !known.has(id));
  if (killed && instanceCount > (plan.before ?? 0)) {
    // A create or scale out killed mid-way did not record the instances it made: they are known only
    // by their tag, and the next `up` must adopt them or scale them in (checked below).
    expect(unknown.length).toBeGreaterThan(0);
  } else {
    // Every instance of the set that runs is known to the engine.
    expect(unknown).toEqual([]);
  }

  if (isDelete) {
    // `pulumi destroy` again: the resource is still in state with what was recorded.
    if (outcome.kind !== "ok" || killed) expectOk(await driver.delete(recorded!.id, recorded!.outs, before), "deleting again");
  } else {
    // One more `pulumi up`: an update of what was recorded, or the create again when nothing was.
    const next = recorded ? await driver.update(recorded.id, recorded.outs, after, before) : await driver.create(after);
    const final = expectOk(next, "the next up");
    await expectExactly(emu.url, setKey, final, instanceCount);
    if (plan.forceDelete) {
      // forceDelete: whatever the faulted run left in the recycle bin, the next up releases.
      const inBin = (await audit(emu.url)).filter(
        (i) => !i.released && tagValue(i, SET_TAG_KEY) === setKey && ["RECYCLING", "RECYCLE"].includes(i.instanceStatus),
      );
      expect(
        inBin.map((i) => i.instanceId),
        "left in the recycle bin despite forceDelete",
      ).toEqual([]);
    }
    plan.holds?.(await liveTagged(emu.url, setKey), setKey);
    expectOk(await driver.delete(final.id, final.outs, after), "delete");
  }
  expect(await liveTagged(emu.url, setKey)).toEqual([]);
  return applied;
}

/** Runs one scenario on its own emulator and adds what it measured to the tally. */
export async function runScenario(s: Scenario, index: number): Promise<void> {
  const emu = await startEmulator({
    port: 0,
    deploySeconds: 0.3,
    terminateSeconds: 0.1,
    releaseSeconds: 0.6,
    powerSeconds: 0.1,
    accessKeyPassword: SECRETS.accessKeyPassword,
    token: SECRETS.token,
  });
  const name = `f${index}`;
  // Half the runtime scenarios authenticate with a bearer token (and log every call at debug level).
  const config = configOf(emu, s.via === "runtime" && index % 2 === 1 ? "token" : "key");
  let driver: Driver | undefined;
  let leaked: AuditedInstance[] = [];
  try {
    driver = s.via === "host" ? await hostDriver(config, name) : runtimeDriver(config);
    const applied = await play(emu, driver, s, name);
    tally.faultsInjected += applied;
    tally.scenarios += 1;
  } finally {
    await driver?.close();
    const everything = await audit(emu.url);
    leaked = everything.filter(isLive);
    tally.instancesCreated += everything.length;
    tally.leaked += leaked.length;
    await emu.close();
  }
  expect(
    leaked.map((i) => i.instanceId),
    "instances left running",
  ).toEqual([]);
}
