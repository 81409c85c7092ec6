// Benchmark of InstanceSet create/delete (issue 7): `npm run bench`.
//
// Starts the emulator as a child process (--deploy-seconds D, --qps QPS), then
//  - ours: for N in {1, 10, 100, 1000}, the provider runtime's check → create → delete;
//  - baseline: for N in {1, 10, 100}, the same work done the way the official Terraform provider's
//    `zenlayercloud_zvm_instance` does it (one CreateInstances with instanceCount 1 per resource,
//    then DescribeInstances {instanceIds:[id]} at the Terraform cadence, 10 resources in flight),
//    with the same client, in this process, against the same emulator; N = 1000 is extrapolated.
// Records wall time, API calls by action and 429s (emulator stats, reset before each measured run),
// peak RSS / heap of this process (sampled every 50 ms), and a per-call trace of the client (which
// shows where the time and the calls go). Writes bench-results/instance-sets.{json,svg}.
// Exits 0 when targets fail (they are reported), non-zero on a crash.
//
// Knob: BENCH_BASELINE_SCALE (default 1 = the real Terraform cadence) scales the baseline's poll
// schedule down if the run must be shorter; the output says so when it is not 1.
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import type * as pulumiTypes from "@pulumi/pulumi";
import { ZenlayerClient } from "../../provider/api/client";
import type { InstanceSetInputs } from "../../provider/instanceSet/inputs";
import { createRequest } from "../../provider/instanceSet/operations";
import { InstanceSetRuntime } from "../../provider/runtime";
import { audit, isLive, resetEmulator, type Stats, stats } from "../support/emulatorControl";
import { type Panel, renderChart } from "./chart";

// ---- parameters -------------------------------------------------------------------------------

const D = 5; // emulator --deploy-seconds
const QPS = 20; // emulator --qps, and the client's maxRequestsPerSecond
const OUR_NS = [1, 10, 100, 1000];
const BASELINE_NS = [1, 10, 100];
const EXTRAPOLATED_N = 1000;
const BASELINE_IN_FLIGHT = 10; // Terraform's default -parallelism
/** Terraform cadence: polls 10, 15 and 25 s after the wait starts, then every 10 s. */
const TF_POLLS_S = [10, 15, 25];
const TF_EVERY_S = 10;
const BASELINE_SCALE = Number(process.env.BENCH_BASELINE_SCALE ?? 1);
const BASELINE_GIVE_UP_S = 120;
const OUR_READY_TIMEOUT_S = 60;
const SAMPLE_MS = 50;
/** The whole benchmark (after the build) must end by itself within this. */
const WATCHDOG_MS = 345_000;

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "dist/emulator/cli.js");
const OUT_DIR = path.join(ROOT, "bench-results");
const KEY = { id: "ZLEMULATORKEYID", secret: "zl-emulator-secret" };

const TARGETS = {
  wallOverD: 1.25,
  // ceil(N/100) × (2 + D / poll interval), the poll interval being the waiter's floor of 1 s (it polls
  // every 1 s while less than 5 s have passed, then every fifth of the time waited).
  callsPerBatch: 2 + D / 1,
  baselineFactorAt100: 20,
  peakRssMb1000: 200,
  providerBytes: 4096,
};

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
const s = (ms: number, digits = 2) => (ms / 1000).toFixed(digits);
const batches = (n: number) => Math.ceil(n / 100);

// ---- the emulator child -----------------------------------------------------------------------

let emulatorChild: ChildProcess | undefined;

function stopEmulator(): void {
  const child = emulatorChild;
  emulatorChild = undefined;
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
}

async function startEmulator(): Promise<{ url: string; domain: string }> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const args = [CLI, "--port", "0", "--deploy-seconds", String(D), "--qps", String(QPS)];
  args.push("--access-key-id", KEY.id, "--access-key-password", KEY.secret);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  emulatorChild = child;
  child.stderr!.on("data", (chunk: Buffer) => process.stderr.write(`[emulator] ${chunk.toString()}`));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the emulator did not report its address within 20 s")), 20_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited (${code ?? signal}) before listening`));
    });
  });
  child.once("exit", (code, signal) => {
    if (emulatorChild === child) process.stderr.write(`[emulator] exited unexpectedly (${code ?? signal})\n`);
  });
  return { url, domain: url.replace(/^http:\/\//, "") };
}

function statsDiff(after: Stats, before: Stats): Stats {
  const diff = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(a)
        .map(([k, v]) => [k, v - (b[k] ?? 0)] as const)
        .filter(([, v]) => v !== 0),
    );
  return {
    total: after.total - before.total,
    byAction: diff(after.byAction, before.byAction),
    byStatus: diff(after.byStatus, before.byStatus),
  };
}

// ---- measuring --------------------------------------------------------------------------------

interface TracedCall {
  action: string;
  /** ms since the run started: when the caller asked (before the client's rate budget) and when it got the answer. */
  start: number;
  end: number;
  /** Ids asked about, or instances asked for. */
  items: number;
  /** RUNNING instances in the answer (DescribeInstances / DescribeInstancesStatus). */
  running: number;
  ok: boolean;
}

let trace: { origin: number; calls: TracedCall[] } | undefined;

/** Wraps ZenlayerClient.call (the class both the provider runtime and the baseline use) to record every call. */
function installTrace(): void {
  type Call = (this: ZenlayerClient, action: string, params: Record<string, unknown>) => Promise<unknown>;
  const proto = ZenlayerClient.prototype as unknown as { call: Call };
  const original = proto.call;
  proto.call = async function (this: ZenlayerClient, action, params) {
    const current = trace;
    if (!current) return original.call(this, action, params);
    const start = performance.now() - current.origin;
    const ids = params.instanceIds;
    const items = Array.isArray(ids) ? ids.length : typeof params.instanceCount === "number" ? params.instanceCount : 0;
    const entry: TracedCall = { action, start, end: start, items, running: 0, ok: false };
    current.calls.push(entry);
    try {
      const answer = (await original.call(this, action, params)) as { dataSet?: Array<{ instanceStatus?: string }> | null };
      entry.ok = true;
      entry.running = (answer?.dataSet ?? []).filter((i) => i.instanceStatus === "RUNNING").length;
      return answer;
    } finally {
      entry.end = performance.now() - current.origin;
    }
  };
}

class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  startRss = 0;
  peakRss = 0;
  peakHeapUsed = 0;
  peakHeapTotal = 0;
  samples = 0;

  private sample = () => {
    const m = process.memoryUsage();
    this.samples += 1;
    this.peakRss = Math.max(this.peakRss, m.rss);
    this.peakHeapUsed = Math.max(this.peakHeapUsed, m.heapUsed);
    this.peakHeapTotal = Math.max(this.peakHeapTotal, m.heapTotal);
  };

  start(): void {
    this.startRss = process.memoryUsage().rss;
    this.sample();
    this.timer = setInterval(this.sample, SAMPLE_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.sample();
    return {
      startRssMb: this.startRss / MB,
      peakRssMb: this.peakRss / MB,
      peakHeapUsedMb: this.peakHeapUsed / MB,
      peakHeapTotalMb: this.peakHeapTotal / MB,
      samples: this.samples,
    };
  }
}
type Memory = ReturnType<MemorySampler["stop"]>;

const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.();

interface Measured {
  n: number;
  wallMs: number;
  createStats: Stats;
  /** API calls of the measured create(+wait) run. */
  calls: number;
  throttled: number;
  memory: Memory;
  deleteMs: number;
  deleteStats: Stats;
  /** Instances still live in the emulator after the delete. */
  leftLive: number;
  calls429Delete: number;
  /** Attempts the emulator received beyond the calls the client was asked for (retries, e.g. after a 429), by action. */
  retriesCreate: Record<string, number>;
  retriesDelete: Record<string, number>;
  /** When (ms into the delete) the client calls that needed a retry had been asked for. */
  retriedDeleteAt: number[];
}

interface Round {
  at: number;
  end: number;
  calls: number;
  ids: number;
  running: number;
}

interface OurRun extends Measured {
  timeline: {
    firstCreateStart: number;
    lastCreateEnd: number;
    createCalls: number;
    /** Upper bounds: each CreateInstances answer time + D (the emulator starts the deploy while handling it). */
    firstReadyBy: number;
    lastReadyBy: number;
    rounds: Round[];
    firstRunningSeen: number | undefined;
    allRunningSeen: number | undefined;
    /** allRunningSeen − lastReadyBy: how late the waiter noticed the last instance. */
    detectionLag: number | undefined;
    tail: Array<{ action: string; start: number; end: number }>;
    before: Array<{ action: string; start: number; end: number }>;
  };
  log: string[];
}

interface BaselineRun extends Measured {
  /** Per resource: ms from its CreateInstances answer to the poll that saw RUNNING, and polls used. */
  pollsPerResource: number;
  lastRunningSeen: number;
  firstRunningSeen: number;
}

/** Emulator attempts minus client calls, per action: the retried attempts. */
function retriesOf(stats: Stats, calls: TracedCall[]): Record<string, number> {
  const asked: Record<string, number> = {};
  for (const c of calls) asked[c.action] = (asked[c.action] ?? 0) + 1;
  return Object.fromEntries(
    Object.entries(stats.byAction)
      .map(([a, v]) => [a, v - (asked[a] ?? 0)] as const)
      .filter(([, v]) => v !== 0),
  );
}

/** Calls that took long enough to have waited out a 429 pause (1 s) or a retry backoff. */
const slowCalls = (calls: TracedCall[]) => calls.filter((c) => c.end - c.start >= 900).map((c) => Math.round(c.start));

/** Poll rounds: describe calls by id after the first CreateInstances, grouped when they start within 25 ms. */
function roundsOf(calls: TracedCall[]): Round[] {
  const rounds: Round[] = [];
  const firstCreate = calls.find((c) => c.action === "CreateInstances")?.start ?? 0;
  const polls = calls.filter((x) => x.action.startsWith("DescribeInstances") && x.items > 0 && x.start > firstCreate);
  for (const c of polls) {
    const last = rounds.at(-1);
    if (last && c.start - last.at < 25) {
      last.calls += 1;
      last.ids += c.items;
      last.running += c.running;
      last.end = Math.max(last.end, c.end);
    } else rounds.push({ at: c.start, end: c.end, calls: 1, ids: c.items, running: c.running });
  }
  return rounds;
}

function timelineOf(calls: TracedCall[]): OurRun["timeline"] {
  const creates = calls.filter((c) => c.action === "CreateInstances");
  const rounds = roundsOf(calls);
  const firstCreate = creates[0];
  const lastCreateEnd = Math.max(...creates.map((c) => c.end));
  const firstSeen = rounds.find((r) => r.running > 0);
  const lastRound = rounds.at(-1);
  const lastReadyBy = lastCreateEnd + D * 1000;
  return {
    firstCreateStart: firstCreate?.start ?? 0,
    lastCreateEnd,
    createCalls: creates.length,
    firstReadyBy: (firstCreate?.end ?? 0) + D * 1000,
    lastReadyBy,
    rounds,
    firstRunningSeen: firstSeen?.end,
    allRunningSeen: lastRound?.end,
    detectionLag: lastRound ? lastRound.end - lastReadyBy : undefined,
    before: calls.filter((c) => c.start < (firstCreate?.start ?? 0)).map(({ action, start, end }) => ({ action, start, end })),
    tail: calls
      .filter((c) => c.start >= (lastRound?.end ?? lastCreateEnd))
      .map(({ action, start, end }) => ({ action, start, end })),
  };
}

// ---- the runs ---------------------------------------------------------------------------------

interface Env {
  url: string;
  domain: string;
}

const baseInputs = (n: number) => ({
  zoneId: "SEL-A",
  instanceType: "c.1c2g",
  imageId: "img-yKK4q6XybymPgfx7ynUUqC3N8",
  instanceCount: n,
  setName: `bench/bench/set-${n}`,
  readyTimeoutSeconds: OUR_READY_TIMEOUT_S,
  catalogCheck: false,
});

function configured(env: Env, log: (line: string) => void): InstanceSetRuntime {
  const config: Record<string, string> = {
    "zenlayer:accessKeyId": KEY.id,
    "zenlayer:accessKeyPassword": KEY.secret,
    "zenlayer:domain": env.domain,
    "zenlayer:scheme": "HTTP",
    "zenlayer:maxRequestsPerSecond": String(QPS),
  };
  const runtime = new InstanceSetRuntime(log);
  runtime.configure({ get: (key) => config[key] });
  return runtime;
}

async function checked(runtime: InstanceSetRuntime, n: number): Promise<Record<string, unknown>> {
  const result = await runtime.check({}, baseInputs(n));
  if (result.failures?.length || !result.inputs) throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
  return result.inputs;
}

async function liveCount(env: Env): Promise<number> {
  return (await audit(env.url)).filter(isLive).length;
}

/**
 * One measured run: from a reset emulator and a rested rate budget, `create` (timed, traced, memory
 * sampled), then `remove` (timed, traced); the emulator's stats of each, and what is left live.
 */
async function measure<T>(
  env: Env,
  n: number,
  create: () => Promise<T>,
  remove: (created: T) => Promise<void>,
): Promise<{ created: T; measured: Measured; calls: TracedCall[] }> {
  await resetEmulator(env.url);
  collectGarbage();
  await sleep(1100); // let the client's rate budget refill after the previous run

  const memory = new MemorySampler();
  memory.start();
  const c0 = performance.now();
  trace = { origin: c0, calls: [] };
  const created = await create();
  const wallMs = performance.now() - c0;
  const calls = trace.calls;
  trace = undefined;
  const mem = memory.stop();
  const createStats = await stats(env.url);

  const d0 = performance.now();
  trace = { origin: d0, calls: [] };
  await remove(created);
  const deleteMs = performance.now() - d0;
  const deleteCalls = trace.calls;
  trace = undefined;
  const deleteStats = statsDiff(await stats(env.url), createStats);
  const leftLive = await liveCount(env);
  await resetEmulator(env.url);

  const measured: Measured = {
    n,
    wallMs,
    createStats,
    calls: createStats.total,
    throttled: createStats.byStatus["429"] ?? 0,
    memory: mem,
    deleteMs,
    deleteStats,
    leftLive,
    calls429Delete: deleteStats.byStatus["429"] ?? 0,
    retriesCreate: retriesOf(createStats, calls),
    retriesDelete: retriesOf(deleteStats, deleteCalls),
    retriedDeleteAt: slowCalls(deleteCalls),
  };
  return { created, measured, calls };
}

async function runOurs(env: Env, n: number): Promise<OurRun> {
  const log: string[] = [];
  let origin = performance.now();
  const runtime = configured(env, (line) => log.push(`${s(performance.now() - origin)}s ${line}`));
  const inputs = await checked(runtime, n);
  const { measured, calls } = await measure(
    env,
    n,
    async () => {
      origin = performance.now();
      const created = await runtime.create(inputs);
      const ids = created.outs.instanceIds as string[] | undefined;
      if (created.outs.status !== "RUNNING" || ids?.length !== n) {
        throw new Error(
          `ours N=${n}: create returned status ${String(created.outs.status)} with ${ids?.length ?? 0} instance(s)`,
        );
      }
      return created;
    },
    ({ id, outs }) => runtime.delete(id, outs),
  );
  return { ...measured, timeline: timelineOf(calls), log };
}

function* terraformPollOffsetsMs(): Generator<number> {
  for (const at of TF_POLLS_S) yield at * 1000 * BASELINE_SCALE;
  for (let at = TF_POLLS_S.at(-1)! + TF_EVERY_S; ; at += TF_EVERY_S) yield at * 1000 * BASELINE_SCALE;
}

/** One `zenlayercloud_zvm_instance`: CreateInstances (1 instance), then DescribeInstances by id at the Terraform cadence. */
async function terraformInstance(
  client: ZenlayerClient,
  inputs: InstanceSetInputs,
  index: number,
  origin: number,
): Promise<{ id: string; polls: number; seenAt: number }> {
  const created = await client.call("CreateInstances", createRequest(inputs, 1, index));
  const id = created.instanceIdSet[0];
  if (!id) throw new Error("CreateInstances returned no instance id");
  const waitStart = performance.now();
  let polls = 0;
  for (const offset of terraformPollOffsetsMs()) {
    if (offset > BASELINE_GIVE_UP_S * 1000) break;
    await sleep(waitStart + offset - performance.now());
    polls += 1;
    const page = await client.call("DescribeInstances", { instanceIds: [id] });
    const status = page.dataSet?.[0]?.instanceStatus;
    if (status === "RUNNING") return { id, polls, seenAt: performance.now() - origin };
    if (status === "CREATE_FAILED") throw new Error(`baseline: ${id} is CREATE_FAILED`);
  }
  throw new Error(`baseline: ${id} not RUNNING after ${BASELINE_GIVE_UP_S} s`);
}

async function runBaseline(env: Env, n: number): Promise<BaselineRun> {
  const runtime = configured(env, () => {});
  const inputs = (await checked(runtime, n)) as unknown as InstanceSetInputs;
  const client = new ZenlayerClient({
    accessKeyId: KEY.id,
    accessKeyPassword: KEY.secret,
    domain: env.domain,
    scheme: "HTTP",
    maxRequestsPerSecond: QPS,
    env: {},
  });
  const { created: done, measured } = await measure(
    env,
    n,
    async () => {
      const origin = performance.now();
      const resources: Array<{ id: string; polls: number; seenAt: number }> = [];
      let next = 0;
      const worker = async () => {
        for (let index = next++; index < n; index = next++) {
          resources.push(await terraformInstance(client, inputs, index, origin));
        }
      };
      await Promise.all(Array.from({ length: Math.min(BASELINE_IN_FLIGHT, n) }, worker));
      return resources;
    },
    // Delete the way Terraform would start to: one TerminateInstance per resource, 10 in flight.
    async (resources) => {
      const queue = resources.map((d) => d.id);
      const terminator = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          await client.call("TerminateInstance", { instanceId: id });
        }
      };
      await Promise.all(Array.from({ length: BASELINE_IN_FLIGHT }, terminator));
    },
  );
  return {
    ...measured,
    pollsPerResource: done.reduce((sum, d) => sum + d.polls, 0) / Math.max(1, done.length),
    firstRunningSeen: Math.min(...done.map((d) => d.seenAt)),
    lastRunningSeen: Math.max(...done.map((d) => d.seenAt)),
  };
}

/** The serialized `__provider` text, from the built package as Pulumi would store it. */
async function providerText(): Promise<string> {
  const pulumi = require("@pulumi/pulumi") as typeof pulumiTypes;
  const provider = (require("pulumi-zenlayer-vm/provider") as { instanceSetProvider: unknown }).instanceSetProvider;
  return (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}

// ---- reporting --------------------------------------------------------------------------------

const ACTION_SHORT: Record<string, string> = {
  CreateInstances: "Create",
  DescribeInstances: "DescInst",
  DescribeInstancesStatus: "DescStatus",
  TerminateInstance: "Terminate",
  ReleaseInstances: "Release",
};
const byActionText = (stats: Stats) =>
  Object.entries(stats.byAction)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([a, v]) => `${ACTION_SHORT[a] ?? a} ${v}`)
    .join(", ");

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

interface Ratio {
  n: number;
  wallOverD: number;
  callsPerBatch: number;
  baselineCalls: number | undefined;
  baselineWallMs: number | undefined;
  baselineExtrapolated: boolean;
  baselineOverOurCalls: number | undefined;
  baselineOverOurWall: number | undefined;
}

interface Target {
  name: string;
  pass: boolean;
  detail: string;
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: still running after ${WATCHDOG_MS / 1000} s, giving up\n`);
    stopEmulator();
    process.exit(3);
  }, WATCHDOG_MS);
  watchdog.unref();
  const benchStart = performance.now();
  installTrace();
  const env = await startEmulator();
  const idleRss = process.memoryUsage().rss / MB;
  console.log(
    `emulator ${env.url} (child pid ${emulatorChild?.pid}): --deploy-seconds ${D} --qps ${QPS}; client maxRequestsPerSecond ${QPS}`,
  );
  console.log(
    `machine: ${os.cpus().length} cores, node ${process.version}; benchmark process RSS before the runs ${idleRss.toFixed(0)} MB`,
  );
  if (BASELINE_SCALE !== 1) {
    console.log(
      `NOTE: the baseline's Terraform poll cadence is scaled by ${BASELINE_SCALE} (BENCH_BASELINE_SCALE), not real time`,
    );
  }

  const ours: OurRun[] = [];
  for (const n of OUR_NS) {
    const run = await runOurs(env, n);
    ours.push(run);
    const t = run.timeline;
    console.log(
      `ours     N=${String(n).padEnd(4)} create ${s(run.wallMs)} s, ${run.calls} calls (${byActionText(run.createStats)}), ` +
        `429s ${run.throttled}, peak RSS ${run.memory.peakRssMb.toFixed(0)} MB; all RUNNING seen at ${s(t.allRunningSeen ?? 0)} s; ` +
        `delete ${s(run.deleteMs, 1)} s, ${run.deleteStats.total} calls`,
    );
  }
  const baseline: BaselineRun[] = [];
  for (const n of BASELINE_NS) {
    const run = await runBaseline(env, n);
    baseline.push(run);
    console.log(
      `baseline N=${String(n).padEnd(4)} create ${s(run.wallMs)} s, ${run.calls} calls (${byActionText(run.createStats)}), ` +
        `429s ${run.throttled}, peak RSS ${run.memory.peakRssMb.toFixed(0)} MB; ` +
        `delete ${s(run.deleteMs, 1)} s, ${run.deleteStats.total} calls`,
    );
  }
  stopEmulator();

  const providerSource = await providerText();
  const providerBytes = Buffer.byteLength(providerSource, "utf8");

  // Baseline at N = 1000: linear in N (100 waves of 10 resources instead of 10; 1000 creates + polls).
  const b100 = baseline.find((b) => b.n === 100)!;
  const scale = EXTRAPOLATED_N / b100.n;
  const baselineExtrapolated = {
    n: EXTRAPOLATED_N,
    wallMs: b100.wallMs * scale,
    calls: Math.round(b100.calls * scale),
    method: `linear from N=${b100.n}: wall × ${scale} (${EXTRAPOLATED_N / BASELINE_IN_FLIGHT} waves of ${BASELINE_IN_FLIGHT} instead of ${b100.n / BASELINE_IN_FLIGHT}), calls × ${scale}`,
  };

  const ratios: Ratio[] = ours.map((o) => {
    const b = baseline.find((x) => x.n === o.n);
    const bCalls = b?.calls ?? (o.n === EXTRAPOLATED_N ? baselineExtrapolated.calls : undefined);
    const bWall = b?.wallMs ?? (o.n === EXTRAPOLATED_N ? baselineExtrapolated.wallMs : undefined);
    return {
      n: o.n,
      wallOverD: o.wallMs / 1000 / D,
      callsPerBatch: o.calls / batches(o.n),
      baselineCalls: bCalls,
      baselineWallMs: bWall,
      baselineExtrapolated: !b,
      baselineOverOurCalls: bCalls === undefined ? undefined : bCalls / o.calls,
      baselineOverOurWall: bWall === undefined ? undefined : bWall / o.wallMs,
    };
  });

  // ---- targets
  const targets: Target[] = [];
  for (const r of ratios) {
    targets.push({
      name: `wall(N)/D <= ${TARGETS.wallOverD} at N=${r.n}`,
      pass: r.wallOverD <= TARGETS.wallOverD,
      detail: `${r.wallOverD.toFixed(3)} (${(r.wallOverD * D).toFixed(2)} s)`,
    });
  }
  const retryText = (r: Record<string, number>) =>
    Object.keys(r).length === 0
      ? ""
      : ` [retried: ${Object.entries(r)
          .map(([a, v]) => `${ACTION_SHORT[a] ?? a} ${v}`)
          .join(", ")}]`;
  const create429 = ours.reduce((sum, o) => sum + o.throttled, 0);
  targets.push({
    name: "zero 429s during create+wait (ours, all N)",
    pass: create429 === 0,
    detail: `${create429} (${ours.map((o) => `N=${o.n}: ${o.throttled}${retryText(o.retriesCreate)}`).join(", ")})`,
  });
  const delete429 = ours.reduce((sum, o) => sum + o.calls429Delete, 0);
  targets.push({
    name: "zero 429s during delete (ours, all N)",
    pass: delete429 === 0,
    detail: `${delete429} (${ours.map((o) => `N=${o.n}: ${o.calls429Delete}${retryText(o.retriesDelete)}`).join(", ")})`,
  });
  for (const o of ours) {
    const limit = batches(o.n) * TARGETS.callsPerBatch;
    targets.push({
      name: `create+wait calls <= ceil(N/100)x(2+D/1s) = ${limit} at N=${o.n}`,
      pass: o.calls <= limit,
      detail: `${o.calls} (${byActionText(o.createStats)})`,
    });
  }
  const r100 = ratios.find((r) => r.n === 100)!;
  targets.push({
    name: `>= ${TARGETS.baselineFactorAt100}x fewer calls than the baseline at N=100`,
    pass: (r100.baselineOverOurCalls ?? 0) >= TARGETS.baselineFactorAt100,
    detail: `${r100.baselineOverOurCalls?.toFixed(1)}x (${r100.baselineCalls} vs ${ours.find((o) => o.n === 100)!.calls})`,
  });
  const o1000 = ours.find((o) => o.n === 1000)!;
  targets.push({
    name: `peak RSS at N=1000 < ${TARGETS.peakRssMb1000} MB`,
    pass: o1000.memory.peakRssMb < TARGETS.peakRssMb1000,
    detail: `${o1000.memory.peakRssMb.toFixed(1)} MB (heap used ${o1000.memory.peakHeapUsedMb.toFixed(1)} MB)`,
  });
  targets.push({
    name: `__provider <= ${TARGETS.providerBytes} bytes`,
    pass: providerBytes <= TARGETS.providerBytes,
    detail: `${providerSource.length} chars, ${providerBytes} bytes`,
  });

  // ---- terminal output
  console.log("");
  console.log(
    `InstanceSet create (+ wait for RUNNING) vs one-instance-per-resource baseline; D = ${D} s, ${QPS} req/s limit. ` +
      "calls = API requests the emulator received during the measured create (incl. 429s).",
  );
  const rowOf = (n: string, impl: string, m: Measured) => [
    n,
    impl,
    s(m.wallMs),
    (m.wallMs / 1000 / D).toFixed(2),
    String(m.calls),
    byActionText(m.createStats),
    String(m.throttled),
    m.memory.peakRssMb.toFixed(1),
    m.memory.peakHeapUsedMb.toFixed(1),
    `${s(m.deleteMs, 1)} s / ${m.deleteStats.total}`,
  ];
  const rows: string[][] = [];
  for (const n of OUR_NS) {
    const o = ours.find((x) => x.n === n)!;
    rows.push(rowOf(`${n}`, "ours", o));
    const b = baseline.find((x) => x.n === n);
    if (b) {
      rows.push(rowOf("", "baseline", b));
    } else if (n === EXTRAPOLATED_N) {
      rows.push([
        "",
        "baseline*",
        s(baselineExtrapolated.wallMs, 1),
        (baselineExtrapolated.wallMs / 1000 / D).toFixed(1),
        String(baselineExtrapolated.calls),
        "extrapolated",
        "-",
        "-",
        "-",
        "-",
      ]);
    }
  }
  console.log(
    table(
      ["N", "impl", "wall s", "wall/D", "calls", "calls by action", "429", "peak RSS MB", "peak heap MB", "delete wall/calls"],
      rows,
    ),
  );
  console.log(`* baseline N=${EXTRAPOLATED_N} not run: ${baselineExtrapolated.method}.`);
  console.log(
    `  baseline cadence: per resource, DescribeInstances ${TF_POLLS_S.map((x) => x * BASELINE_SCALE).join(", ")} s after its ` +
      `CreateInstances answered, then every ${TF_EVERY_S * BASELINE_SCALE} s; ${BASELINE_IN_FLIGHT} resources in flight` +
      (BASELINE_SCALE === 1 ? " (real Terraform timing, not scaled)." : ` (SCALED by ${BASELINE_SCALE}).`) +
      ` Baseline delete = TerminateInstance per resource only (no wait for the recycle bin).`,
  );

  console.log("");
  console.log("Key ratios");
  console.log(
    table(
      ["N", "wall/D", "calls/ceil(N/100)", "baseline calls / ours", "baseline wall / ours"],
      ratios.map((r) => [
        String(r.n),
        r.wallOverD.toFixed(3),
        r.callsPerBatch.toFixed(1),
        r.baselineOverOurCalls === undefined
          ? "-"
          : `${r.baselineOverOurCalls.toFixed(1)}x${r.baselineExtrapolated ? " (est.)" : ""}`,
        r.baselineOverOurWall === undefined
          ? "-"
          : `${r.baselineOverOurWall.toFixed(1)}x${r.baselineExtrapolated ? " (est.)" : ""}`,
      ]),
    ),
  );
  console.log(`serialized __provider: ${providerSource.length} chars (${providerBytes} bytes)`);

  console.log("");
  console.log(
    "Where the time goes (ours; seconds since create started; 'RUNNING by' = CreateInstances answer + D, an upper bound; " +
      "round = one status poll: calls/ids asked → RUNNING seen, duration)",
  );
  const spans = (calls: Array<{ action: string; start: number; end: number }>) => {
    const groups: Array<{ action: string; n: number; start: number; end: number }> = [];
    for (const c of calls) {
      const last = groups.at(-1);
      if (last && last.action === c.action) {
        last.n += 1;
        last.end = Math.max(last.end, c.end);
      } else groups.push({ action: c.action, n: 1, start: c.start, end: c.end });
    }
    return groups
      .map((g) => `${ACTION_SHORT[g.action] ?? g.action}${g.n > 1 ? ` ×${g.n}` : ""} ${s(g.start)}-${s(g.end)}`)
      .join(", ");
  };
  for (const o of ours) {
    const t = o.timeline;
    const before = spans(t.before);
    const rounds = t.rounds
      .map((r) => `${s(r.at)}(${r.calls}c/${r.ids}ids→${r.running}R, ${Math.round(r.end - r.at)}ms)`)
      .join(" ");
    const tail = spans(t.tail);
    console.log(
      `  N=${o.n}: before create [${before}]; ${t.createCalls} CreateInstances ${s(t.firstCreateStart)}-${s(t.lastCreateEnd)} s; ` +
        `RUNNING in emulator by ${s(t.firstReadyBy)} (first) / ${s(t.lastReadyBy)} (last) s`,
    );
    console.log(`         status rounds at: ${rounds}`);
    console.log(
      `         first RUNNING seen ${s(t.firstRunningSeen ?? 0)} s, all seen ${s(t.allRunningSeen ?? 0)} s ` +
        `(lag after last ready ≥ ${s(t.detectionLag ?? 0)} s); after: [${tail}]; end ${s(o.wallMs)} s`,
    );
    const retried = Object.entries(o.retriesDelete).map(([a, v]) => `${ACTION_SHORT[a] ?? a} ${v}`);
    console.log(
      `         delete ${s(o.deleteMs)} s: ${byActionText(o.deleteStats)}; 429s ${o.calls429Delete}` +
        (retried.length > 0
          ? ` (retried attempts: ${retried.join(", ")}; slow calls asked at ${o.retriedDeleteAt.map((x) => s(x)).join(", ")} s)`
          : "") +
        `; live instances left ${o.leftLive}`,
    );
  }
  for (const b of baseline) {
    console.log(
      `  baseline N=${b.n}: RUNNING first seen ${s(b.firstRunningSeen)} s, last ${s(b.lastRunningSeen)} s; ` +
        `${b.pollsPerResource.toFixed(2)} DescribeInstances per resource`,
    );
  }

  console.log("");
  console.log("Targets");
  for (const t of targets) console.log(`  ${t.pass ? "PASS" : "FAIL"}  ${t.name}: ${t.detail}`);
  const failed = targets.filter((t) => !t.pass).length;
  console.log(`${targets.length - failed}/${targets.length} targets met.`);

  // ---- files
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const jsonFile = path.join(OUT_DIR, "instance-sets.json");
  const svgFile = path.join(OUT_DIR, "instance-sets.svg");
  const result = {
    generatedAt: new Date().toISOString(),
    machine: { cores: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.release()}` },
    parameters: {
      deploySeconds: D,
      emulatorQps: QPS,
      clientMaxRequestsPerSecond: QPS,
      ours: { ns: OUR_NS, inputs: baseInputs(0), pollIntervalSeconds: "default (10)" },
      baseline: {
        ns: BASELINE_NS,
        inFlight: BASELINE_IN_FLIGHT,
        pollsAtSeconds: `${TF_POLLS_S.join(", ")}, then every ${TF_EVERY_S}`,
        cadenceScale: BASELINE_SCALE,
      },
      memorySampleMs: SAMPLE_MS,
    },
    idleRssMb: idleRss,
    ours: ours.map(({ log, ...rest }) => ({ ...rest, providerLog: log })),
    baseline,
    baselineExtrapolated,
    ratios,
    provider: { chars: providerSource.length, bytes: providerBytes, text: providerSource },
    targets,
    benchSeconds: (performance.now() - benchStart) / 1000,
  };
  fs.writeFileSync(jsonFile, `${JSON.stringify(result, null, 2)}\n`);

  const oursColor = "#1f6feb";
  const baseColor = "#d9480f";
  const baselinePoints = (value: (b: BaselineRun) => number, extrapolated: number) => [
    ...baseline.map((b) => ({ x: b.n, y: value(b) })),
    { x: EXTRAPOLATED_N, y: extrapolated, estimated: true },
  ];
  const panels: Panel[] = [
    {
      title: "Wall time to create N VMs and see them RUNNING",
      xLabel: "N (instances, log scale)",
      yLabel: "wall time, s (log scale)",
      series: [
        { name: "ours (InstanceSet)", color: oursColor, points: ours.map((o) => ({ x: o.n, y: o.wallMs / 1000 })) },
        {
          name: "baseline (1 VM per resource)",
          color: baseColor,
          marker: "square",
          points: baselinePoints((b) => b.wallMs / 1000, baselineExtrapolated.wallMs / 1000),
        },
        {
          name: `target 1.25 D = ${1.25 * D} s`,
          color: "#2b8a3e",
          reference: true,
          points: OUR_NS.map((n) => ({ x: n, y: TARGETS.wallOverD * D })),
        },
      ],
    },
    {
      title: "API calls to create N VMs and wait",
      xLabel: "N (instances, log scale)",
      yLabel: "API calls (log scale)",
      integers: true,
      series: [
        { name: "ours (InstanceSet)", color: oursColor, points: ours.map((o) => ({ x: o.n, y: o.calls })) },
        {
          name: "baseline (1 VM per resource)",
          color: baseColor,
          marker: "square",
          points: baselinePoints((b) => b.calls, baselineExtrapolated.calls),
        },
        {
          name: "target ceil(N/100)(2+D/1s)",
          color: "#2b8a3e",
          reference: true,
          points: OUR_NS.map((n) => ({ x: n, y: batches(n) * TARGETS.callsPerBatch })),
        },
      ],
    },
  ];
  fs.writeFileSync(
    svgFile,
    renderChart(
      "pulumi-zenlayer-vm InstanceSet benchmark",
      panels,
      `Emulator: deploy ${D} s, ${QPS} req/s. Hollow markers / dashed: baseline at N=${EXTRAPOLATED_N} extrapolated linearly from N=${b100.n}. ` +
        `Baseline polls at ${TF_POLLS_S.join("/")} s then every ${TF_EVERY_S} s${BASELINE_SCALE === 1 ? "" : ` (scaled ×${BASELINE_SCALE})`}, ${BASELINE_IN_FLIGHT} in flight.`,
    ),
  );
  console.log("");
  console.log(`wrote ${path.relative(process.cwd(), jsonFile)} and ${path.relative(process.cwd(), svgFile)}`);
  console.log(`benchmark took ${s(performance.now() - benchStart, 0)} s`);
}

process.on("exit", stopEmulator);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}, stopping the emulator\n`);
    stopEmulator();
    process.exit(130);
  });
}

main().then(
  () => {
    stopEmulator();
    process.exit(0); // the client's keep-alive pool would otherwise hold the process open
  },
  (error: unknown) => {
    process.stderr.write(`bench: crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    stopEmulator();
    process.exit(1);
  },
);
