// Approach C of /work/shared/reference/e2e-harness.md: the real program, run by the SDK's own language entry point
// (`@pulumi/pulumi/cmd/run`), against a small in-test ResourceMonitor + Engine gRPC server. Every dynamic resource it
// registers is forwarded to the real provider host (providerHost.ts).
//
// The planning below (create / same / update / replace / delete, and what preview returns) is this harness's own
// simplification of the engine. Asserting on it tests the harness and the provider, not Pulumi's engine.
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type * as GrpcJs from "@grpc/grpc-js";
import {
  grpc,
  HostCallError,
  killChild,
  type ProviderHost,
  type Props,
  sdkDir,
  startProviderHost,
  toStruct,
  urn as makeUrn,
} from "./providerHost";

type ResourcePb = typeof import("@pulumi/pulumi/proto/resource_pb");
type EnginePb = typeof import("@pulumi/pulumi/proto/engine_pb");
const resproto: ResourcePb = require("@pulumi/pulumi/proto/resource_pb");
const engproto: EnginePb = require("@pulumi/pulumi/proto/engine_pb");
const resrpc: typeof import("@pulumi/pulumi/proto/resource_grpc_pb") = require("@pulumi/pulumi/proto/resource_grpc_pb");
const engrpc: typeof import("@pulumi/pulumi/proto/engine_grpc_pb") = require("@pulumi/pulumi/proto/engine_grpc_pb");
const { Empty }: typeof import("google-protobuf/google/protobuf/empty_pb") = require(
  require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [sdkDir] }),
);

export const programPreload = path.join(__dirname, "program-preload.js");
const tsxLoader = pathToFileURL(path.join(path.dirname(require.resolve("tsx/package.json")), "dist", "loader.mjs")).href;

export type StepOp =
  | "create"
  | "same"
  | "update"
  | "replace"
  | "delete"
  | "delete-replaced"
  | "check-failed"
  | "create-failed"
  | "update-failed"
  | "delete-failed"
  | "refresh"
  | "refresh-removed"
  | "refresh-failed";

export interface Step {
  urn: string;
  type: string;
  op: StepOp;
  /** True during a dry run: nothing was called beyond Check and Diff. */
  planned: boolean;
  id?: string;
  /** Error message or init-error reasons, for the *-failed ops. */
  detail?: string;
}

export type Severity = "debug" | "info" | "warning" | "error";
export interface LogLine {
  severity: Severity;
  message: string;
  urn: string;
}

export interface StateEntry {
  urn: string;
  type: string;
  id: string;
  inputs: Props;
  outputs: Props;
  /** Set when a create/update failed with the partial-failure shape; the next run updates the resource. */
  initErrors?: string[];
}

export interface OperationResult {
  /** True when no step failed (and, for run, the program exited 0). */
  ok: boolean;
  steps: Step[];
  /** Failures the fake engine itself saw (check failures, failed CRUD calls, duplicate URNs). */
  errors: string[];
  /** stdout/stderr lines of the provider host: provider `console.log` output lands here. */
  hostOutput: string[];
}

export interface RunResult extends OperationResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Stack outputs (RegisterResourceOutputs on the stack). Unknown values in a dry run are the sentinel string. */
  outputs: Props;
  /** Engine.Log calls from the program (the SDK logs its errors here; exit code 32 means "already logged"). */
  logs: LogLine[];
  stdout: string;
  stderr: string;
}

export interface FakeEngineOptions {
  /** The stack's folder: the program's cwd and the provider host's cwd. */
  projectDir: string;
  project: string;
  stack: string;
  /** Stack config. Keys without ":" are prefixed with `<project>:`. Values are strings, as in PULUMI_CONFIG. */
  config?: Record<string, string>;
  /** Config keys to list in PULUMI_CONFIG_SECRET_KEYS. */
  secretKeys?: string[];
  /** Extra environment for the program and the provider host. */
  env?: Record<string, string | undefined>;
  /** Kills a program run that takes longer (default 120 s). */
  timeoutMs?: number;
}

export interface RunOptions {
  /** Program path, relative to projectDir (default `index.ts`). */
  program?: string;
  dryRun?: boolean;
  /** Merged over the engine's config for this run only. */
  config?: Record<string, string>;
}

interface RunContext {
  dryRun: boolean;
  config: Record<string, string>;
  stackUrn?: string;
  registered: Set<string>;
  steps: Step[];
  errors: string[];
  logs: LogLine[];
  outputs: Props;
  host?: Promise<ProviderHost>;
  hostOutput: string[];
  /** Resource operations run one at a time, in arrival order. */
  queue: Promise<unknown>;
}

const STACK_TYPE = "pulumi:pulumi:Stack";
const severities: Severity[] = ["debug", "info", "warning", "error"];

class EngineError extends Error {
  constructor(
    message: string,
    readonly code: number = grpc.status.UNKNOWN,
  ) {
    super(message);
  }
}

export class FakeEngine {
  private readonly resources = new Map<string, StateEntry>();
  /** Replaced resources still to delete (the checkpoint's pending deletes). */
  private pendingDeletes: StateEntry[] = [];
  private server?: GrpcJs.Server;
  private address?: Promise<string>;
  private current?: RunContext;
  private program?: ChildProcess;

  constructor(private readonly options: FakeEngineOptions) {
    this.options = { ...options, config: {} };
    this.setConfig(options.config ?? {});
  }

  /** Like `pulumi config set` / `config rm` (undefined removes): applies to later operations. */
  setConfig(values: Record<string, string | undefined>): void {
    const config = { ...this.options.config };
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete config[this.fullKey(k)];
      else config[this.fullKey(k)] = v;
    }
    this.options.config = config;
  }

  /** A deep copy of the state: live resources in creation order, then replaced ones awaiting deletion. */
  state(): (StateEntry & { pendingDelete?: true })[] {
    return structuredClone([
      ...this.resources.values(),
      ...this.pendingDeletes.map((e) => ({ ...e, pendingDelete: true as const })),
    ]);
  }

  async run(options: RunOptions = {}): Promise<RunResult> {
    const address = await this.listen();
    const ctx = this.begin(options.dryRun ?? false, options.config);
    const args = [
      "--require",
      programPreload,
      "--import",
      tsxLoader,
      require.resolve("@pulumi/pulumi/cmd/run", { paths: [this.options.projectDir, sdkDir] }),
      `--monitor=${address}`,
      `--engine=${address}`,
      `--project=${this.options.project}`,
      `--stack=${this.options.stack}`,
      `--root-directory=${this.options.projectDir}`,
      ...(ctx.dryRun ? ["--dry-run"] : []),
      options.program ?? "index.ts",
    ];
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.options.env, PULUMI_CONFIG: JSON.stringify(ctx.config) };
    if (this.options.secretKeys) {
      env["PULUMI_CONFIG_SECRET_KEYS"] = JSON.stringify(this.options.secretKeys.map((k) => this.fullKey(k)));
    }
    let stdout = "";
    let stderr = "";
    let exit: { code: number | null; signal: NodeJS.Signals | null };
    let timer: NodeJS.Timeout | undefined;
    try {
      const child = spawn(process.execPath, args, { cwd: this.options.projectDir, env, stdio: ["ignore", "pipe", "pipe"] });
      this.program = child;
      child.stdout.setEncoding("utf8").on("data", (c: string) => {
        stdout += c;
      });
      child.stderr.setEncoding("utf8").on("data", (c: string) => {
        stderr += c;
      });
      const timeoutMs = this.options.timeoutMs ?? 120_000;
      timer = setTimeout(() => {
        ctx.errors.push(`program did not finish within ${timeoutMs} ms`);
        child.kill("SIGKILL");
      }, timeoutMs);
      exit = await new Promise((resolve, reject) => {
        child.once("error", reject);
        child.once("exit", (code, signal) => resolve({ code, signal }));
      });
      await ctx.queue; // a handler may still be talking to the host if the program died mid-call
    } finally {
      clearTimeout(timer);
      this.program = undefined;
      await this.end(ctx);
    }
    return {
      ok: exit.code === 0 && ctx.errors.length === 0,
      exitCode: exit.code,
      signal: exit.signal,
      outputs: ctx.outputs,
      logs: ctx.logs,
      errors: ctx.errors,
      steps: ctx.steps,
      hostOutput: ctx.hostOutput,
      stdout,
      stderr,
    };
  }

  /** Reads every resource through the host (stored provider code). An empty id removes the resource from state. */
  async refresh(options: { config?: Record<string, string> } = {}): Promise<OperationResult> {
    const ctx = this.begin(false, options.config);
    try {
      for (const entry of [...this.resources.values()]) {
        const host = await this.host(ctx);
        try {
          const read = await host.read(entry.urn, entry.id, entry.outputs, entry.inputs);
          if (read.id === "") {
            this.resources.delete(entry.urn);
            this.step(ctx, entry, "refresh-removed");
            continue;
          }
          entry.id = read.id;
          entry.outputs = read.properties;
          if (read.inputs) entry.inputs = read.inputs;
          this.step(ctx, entry, "refresh");
        } catch (err) {
          this.fail(ctx, entry, "refresh-failed", err);
        }
      }
    } finally {
      await this.end(ctx);
    }
    return { ok: ctx.errors.length === 0, steps: ctx.steps, errors: ctx.errors, hostOutput: ctx.hostOutput };
  }

  /** Deletes pending replaced resources, then every resource in reverse creation order. */
  async destroy(options: { config?: Record<string, string> } = {}): Promise<OperationResult> {
    const ctx = this.begin(false, options.config);
    try {
      await this.deletePending(ctx);
      for (const entry of [...this.resources.values()].reverse()) {
        if (await this.deleteOne(ctx, entry, "delete")) this.resources.delete(entry.urn);
      }
    } finally {
      await this.end(ctx);
    }
    return { ok: ctx.errors.length === 0, steps: ctx.steps, errors: ctx.errors, hostOutput: ctx.hostOutput };
  }

  async close(): Promise<void> {
    if (this.program) await killChild(this.program);
    if (this.current) await this.end(this.current);
    this.server?.forceShutdown();
    this.server = undefined;
    this.address = undefined;
  }

  // ---- operation context and provider host ----

  private fullKey(key: string): string {
    return key.includes(":") ? key : `${this.options.project}:${key}`;
  }

  private begin(dryRun: boolean, config?: Record<string, string>): RunContext {
    if (this.current) throw new Error("FakeEngine: another operation is in progress");
    const merged: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...this.options.config, ...config })) merged[this.fullKey(k)] = v;
    this.current = {
      dryRun,
      config: merged,
      registered: new Set(),
      steps: [],
      errors: [],
      logs: [],
      outputs: {},
      hostOutput: [],
      queue: Promise.resolve(),
    };
    return this.current;
  }

  private async end(ctx: RunContext): Promise<void> {
    if (ctx.host) {
      const host = await ctx.host.catch(() => undefined);
      if (host) {
        await host.close();
        ctx.hostOutput.push(...host.output());
      }
    }
    if (this.current === ctx) this.current = undefined;
  }

  /** One host per operation, as the CLI starts the plugin per deployment; Configure'd before its first CRUD call. */
  private host(ctx: RunContext): Promise<ProviderHost> {
    ctx.host ??= (async () => {
      const host = await startProviderHost({
        cwd: this.options.projectDir,
        project: this.options.project,
        env: this.options.env,
      });
      try {
        await host.configure(ctx.config);
      } catch (err) {
        await host.close();
        throw err;
      }
      return host;
    })();
    return ctx.host;
  }

  private step(ctx: RunContext, e: { urn: string; type: string; id?: string }, op: StepOp, detail?: string): void {
    const step: Step = { urn: e.urn, type: e.type, op, planned: ctx.dryRun };
    if (e.id) step.id = e.id;
    if (detail !== undefined) step.detail = detail;
    ctx.steps.push(step);
  }

  private fail(ctx: RunContext, e: { urn: string; type: string; id?: string }, op: StepOp, err: unknown): EngineError {
    const message = err instanceof Error ? err.message : String(err);
    const reasons = err instanceof HostCallError && err.partial ? err.partial.reasons : [];
    const detail = [message, ...reasons].join("; ");
    this.step(ctx, e, op, detail);
    ctx.errors.push(`${e.urn}: ${op}: ${detail}`);
    return new EngineError(`${op} of ${e.urn} failed: ${detail}`);
  }

  // ---- gRPC server ----

  private listen(): Promise<string> {
    this.address ??= new Promise((resolve, reject) => {
      const server = new grpc.Server();
      server.addService(resrpc.ResourceMonitorService, this.monitorService() as unknown as GrpcJs.UntypedServiceImplementation);
      server.addService(engrpc.EngineService, this.engineService() as unknown as GrpcJs.UntypedServiceImplementation);
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
        if (err) return reject(err);
        this.server = server;
        resolve(`127.0.0.1:${port}`);
      });
    });
    return this.address;
  }

  private monitorService() {
    type Call<T> = { request: T };
    type Callback = GrpcJs.sendUnaryData<unknown>;
    const reply = (cb: Callback, work: () => Promise<unknown>) =>
      work().then(
        (res) => cb(null, res),
        (err: unknown) =>
          cb({
            code: err instanceof EngineError ? err.code : grpc.status.UNKNOWN,
            details: err instanceof Error ? err.message : String(err),
          } as GrpcJs.ServiceError),
      );
    const inRun = () => {
      if (!this.current) throw new EngineError("no operation in progress", grpc.status.FAILED_PRECONDITION);
      return this.current;
    };
    const enqueue = <T>(ctx: RunContext, work: () => Promise<T>): Promise<T> => {
      const p = ctx.queue.then(work);
      ctx.queue = p.catch(() => undefined);
      return p;
    };
    return {
      supportsFeature: (_call: Call<InstanceType<ResourcePb["SupportsFeatureRequest"]>>, cb: Callback) => {
        // false for every feature keeps the wire format plain JSON (no secrets, resource references or output values).
        cb(null, new resproto.SupportsFeatureResponse().setHassupport(false));
      },
      registerResource: (call: Call<InstanceType<ResourcePb["RegisterResourceRequest"]>>, cb: Callback) =>
        reply(cb, async () => {
          const ctx = inRun();
          return enqueue(ctx, () => this.register(ctx, call.request));
        }),
      registerResourceOutputs: (call: Call<InstanceType<ResourcePb["RegisterResourceOutputsRequest"]>>, cb: Callback) =>
        reply(cb, async () => {
          const ctx = inRun();
          if (call.request.getUrn() === ctx.stackUrn) ctx.outputs = (call.request.getOutputs()?.toJavaScript() ?? {}) as Props;
          return new Empty();
        }),
      invoke: (call: Call<InstanceType<ResourcePb["ResourceInvokeRequest"]>>, cb: Callback) =>
        cb({
          code: grpc.status.UNIMPLEMENTED,
          details: `the fake engine implements no invokes (${call.request.getTok()})`,
        } as GrpcJs.ServiceError),
      signalAndWaitForShutdown: (_call: unknown, cb: Callback) =>
        reply(cb, async () => {
          const ctx = inRun();
          await enqueue(ctx, () => this.shutdown(ctx));
          return new Empty();
        }),
      // readResource, call, transforms, hooks, registerPackage, getDeploymentInfo: UNIMPLEMENTED (grpc-js default).
    };
  }

  private engineService() {
    type Callback = GrpcJs.sendUnaryData<unknown>;
    return {
      log: (call: { request: InstanceType<EnginePb["LogRequest"]> }, cb: Callback) => {
        const r = call.request;
        this.current?.logs.push({ severity: severities[r.getSeverity()] ?? "info", message: r.getMessage(), urn: r.getUrn() });
        cb(null, new Empty());
      },
      getRootResource: (_call: unknown, cb: Callback) =>
        cb(null, new engproto.GetRootResourceResponse().setUrn(this.current?.stackUrn ?? "")),
      setRootResource: (_call: unknown, cb: Callback) => cb(null, new engproto.SetRootResourceResponse()),
      requirePulumiVersion: (_call: unknown, cb: Callback) => cb(null, new engproto.RequirePulumiVersionResponse()),
    };
  }

  // ---- deployment logic ----

  private response(urn: string, id: string, object: Props) {
    return new resproto.RegisterResourceResponse().setUrn(urn).setId(id).setObject(toStruct(object));
  }

  private urnFor(ctx: RunContext, type: string, name: string, parent: string): string {
    let qualified = type;
    if (parent && parent !== ctx.stackUrn) {
      const parentType = parent.split("::")[2] ?? "";
      qualified = `${parentType}$${type}`;
    }
    return makeUrn(this.options.project, this.options.stack, qualified, name);
  }

  private async register(ctx: RunContext, req: InstanceType<ResourcePb["RegisterResourceRequest"]>) {
    const type = req.getType();
    const name = req.getName();
    if (type === STACK_TYPE) {
      ctx.stackUrn = makeUrn(this.options.project, this.options.stack, type, name);
      return this.response(ctx.stackUrn, "", {});
    }
    const urn = this.urnFor(ctx, type, name, req.getParent());
    if (ctx.registered.has(urn)) {
      ctx.errors.push(`${urn}: duplicate resource URN`);
      throw new EngineError(`Duplicate resource URN '${urn}'; try giving it a unique name`);
    }
    ctx.registered.add(urn);
    // Component resources are passed through and not tracked in state.
    if (!req.getCustom()) return this.response(urn, "", {});
    if (!type.startsWith("pulumi-nodejs:dynamic")) {
      ctx.errors.push(`${urn}: unsupported resource type`);
      throw new EngineError(`the fake engine only runs dynamic resources, not ${type}`, grpc.status.UNIMPLEMENTED);
    }
    const inputs = (req.getObject()?.toJavaScript() ?? {}) as Props;
    const { id, outputs } = await this.registerDynamic(ctx, urn, type, inputs);
    return this.response(urn, id, outputs);
  }

  private async registerDynamic(
    ctx: RunContext,
    urn: string,
    type: string,
    inputs: Props,
  ): Promise<{ id: string; outputs: Props }> {
    const host = await this.host(ctx);
    const old = this.resources.get(urn);
    const checked = await host.check(urn, old?.inputs ?? {}, inputs).catch((err) => {
      throw this.fail(ctx, { urn, type }, "check-failed", err);
    });
    if (checked.failures.length > 0) {
      const reasons = checked.failures.map((f) => `${f.property}: ${f.reason}`);
      this.step(ctx, { urn, type }, "check-failed", reasons.join("; "));
      for (const r of reasons) ctx.errors.push(`${urn}: check-failed: ${r}`);
      throw new EngineError(`check of ${urn} failed: ${reasons.join("; ")}`);
    }
    const news = checked.inputs;

    if (!old) {
      if (ctx.dryRun) {
        this.step(ctx, { urn, type }, "create");
        return { id: "", outputs: news };
      }
      return this.create(ctx, urn, type, news, "create");
    }

    const diff = await host.diff(urn, old.id, old.outputs, news, old.inputs).catch((err) => {
      throw this.fail(ctx, old, "update-failed", err);
    });
    const changed =
      diff.changes === "some" || (diff.changes === "unknown" && JSON.stringify(old.inputs) !== JSON.stringify(news));
    // A resource with init errors gets an update even without changes ("continue awaiting initialization").
    const op: StepOp =
      changed && diff.replaces.length > 0 ? "replace" : changed || (old.initErrors?.length ?? 0) > 0 ? "update" : "same";
    if (op === "replace") {
      // As the engine's step generator does before a replacement: check the new inputs again without
      // the old ones (so that defaults such as auto-names are computed afresh); the replacement gets those.
      const rechecked = await host.check(urn, {}, inputs).catch((err) => {
        throw this.fail(ctx, old, "check-failed", err);
      });
      return this.replace(ctx, old, type, rechecked.inputs, diff.deleteBeforeReplace);
    }

    if (ctx.dryRun) {
      this.step(ctx, old, op);
      if (op === "same") return { id: old.id, outputs: old.outputs };
      return { id: old.id, outputs: news };
    }
    if (op === "same") {
      this.step(ctx, old, "same");
      return { id: old.id, outputs: old.outputs };
    }
    try {
      const updated = await host.update(urn, old.id, old.outputs, news, old.inputs);
      this.resources.set(urn, { urn, type, id: old.id, inputs: news, outputs: updated.properties });
      this.step(ctx, old, "update");
      return { id: old.id, outputs: updated.properties };
    } catch (err) {
      if (err instanceof HostCallError && err.partial) {
        // As the engine does for a partially failed update: old inputs, new outputs, init errors.
        this.resources.set(urn, { ...old, outputs: err.partial.properties, initErrors: err.partial.reasons });
      }
      throw this.fail(ctx, old, "update-failed", err);
    }
  }

  /** Replace: create the new one, and delete the old one at shutdown (or first, with deleteBeforeReplace). */
  private async replace(
    ctx: RunContext,
    old: StateEntry,
    type: string,
    news: Props,
    deleteBeforeReplace: boolean | undefined,
  ): Promise<{ id: string; outputs: Props }> {
    const { urn } = old;
    if (ctx.dryRun) {
      this.step(ctx, old, "replace");
      return { id: "", outputs: news };
    }
    if (deleteBeforeReplace) {
      if (!(await this.deleteOne(ctx, old, "delete-replaced"))) throw new EngineError(`delete of ${urn} before replace failed`);
      this.resources.delete(urn);
      return this.create(ctx, urn, type, news, "replace");
    }
    try {
      const created = await this.create(ctx, urn, type, news, "replace");
      this.pendingDeletes.push(old);
      return created;
    } catch (err) {
      if (this.resources.get(urn) !== old) this.pendingDeletes.push(old); // a partial create replaced the entry
      throw err;
    }
  }

  private async create(ctx: RunContext, urn: string, type: string, news: Props, op: "create" | "replace") {
    const host = await this.host(ctx);
    try {
      const created = await host.create(urn, news);
      if (!created.id) throw new Error("provider did not return an ID from Create");
      this.resources.set(urn, { urn, type, id: created.id, inputs: news, outputs: created.properties });
      this.step(ctx, { urn, type, id: created.id }, op);
      return { id: created.id, outputs: created.properties };
    } catch (err) {
      const partial = err instanceof HostCallError ? err.partial : undefined;
      if (partial) {
        this.resources.set(urn, {
          urn,
          type,
          id: partial.id,
          inputs: news,
          outputs: partial.properties,
          initErrors: partial.reasons,
        });
      }
      throw this.fail(ctx, { urn, type, id: partial?.id }, "create-failed", err);
    }
  }

  private async deleteOne(ctx: RunContext, entry: StateEntry, op: "delete" | "delete-replaced"): Promise<boolean> {
    if (ctx.dryRun) {
      this.step(ctx, entry, op);
      return false;
    }
    try {
      const host = await this.host(ctx);
      await host.delete(entry.urn, entry.id, entry.outputs, entry.inputs);
      this.step(ctx, entry, op);
      return true;
    } catch (err) {
      this.fail(ctx, entry, "delete-failed", err);
      return false;
    }
  }

  private async deletePending(ctx: RunContext): Promise<void> {
    for (const entry of [...this.pendingDeletes].reverse()) {
      if (await this.deleteOne(ctx, entry, "delete-replaced"))
        this.pendingDeletes = this.pendingDeletes.filter((e) => e !== entry);
    }
  }

  /** SignalAndWaitForShutdown: the program finished successfully; delete what was replaced or is no longer declared. */
  private async shutdown(ctx: RunContext): Promise<void> {
    await this.deletePending(ctx);
    const gone = [...this.resources.values()].filter((e) => !ctx.registered.has(e.urn)).reverse();
    for (const entry of gone) {
      if (await this.deleteOne(ctx, entry, "delete")) this.resources.delete(entry.urn);
    }
  }
}
