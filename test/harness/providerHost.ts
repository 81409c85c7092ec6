// Approach B of /work/shared/reference/e2e-harness.md: the SDK's own dynamic-provider host
// (`@pulumi/pulumi/cmd/dynamic-provider`) in a child process, driven over real gRPC the way the engine drives it.
// Everything wire-related (grpc-js, messages, Struct) is taken from the copies the SDK itself resolves.
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import type * as GrpcJs from "@grpc/grpc-js";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";

type ProviderPb = typeof import("@pulumi/pulumi/proto/provider_pb");
type ProviderGrpcPb = typeof import("@pulumi/pulumi/proto/provider_grpc_pb");
type StatusPb = typeof import("@pulumi/pulumi/proto/status_pb");

export const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
export const grpc: typeof GrpcJs = require(require.resolve("@grpc/grpc-js", { paths: [sdkDir] }));
export const { Struct }: typeof StructPb = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [sdkDir] }),
);
const provproto: ProviderPb = require("@pulumi/pulumi/proto/provider_pb");
const provrpc: ProviderGrpcPb = require("@pulumi/pulumi/proto/provider_grpc_pb");
const statusproto: StatusPb = require("@pulumi/pulumi/proto/status_pb");

/** Preview's placeholder for values not known yet (`runtime/rpc.js` `unknownValue`). */
export const UNKNOWN: string = require("@pulumi/pulumi/runtime/rpc").unknownValue;

export type Props = Record<string, unknown>;

/** `urn:pulumi:<stack>::<project>::<type>::<name>`, for a resource whose parent is the stack (or none). */
export function urn(project: string, stack: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/** `__provider`, built exactly as `dynamic.Resource` builds it (`dynamic/index.js` serializeFunctionMaybeSecret). */
export async function serializeProvider(provider: object): Promise<string> {
  const pulumi: typeof import("@pulumi/pulumi") = require("@pulumi/pulumi");
  return (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}

/** Drops `undefined` (Struct.fromJavaScript throws "Unexpected struct type." on it), recursively. */
export function toStruct(props: Props): StructPb.Struct {
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(props)));
}

function fromStruct(s: StructPb.Struct | undefined): Props {
  return (s?.toJavaScript() ?? {}) as Props;
}

/** `ErrorResourceInitFailed` as the host packs it into `grpc-status-details-bin` when a create/update error has an `id`. */
export interface PartialFailure {
  id: string;
  properties: Props;
  reasons: string[];
}

/** A failed RPC. `message` is the provider's own message (the gRPC details). */
export class HostCallError extends Error {
  constructor(
    message: string,
    readonly method: string,
    readonly grpcCode: number,
    readonly partial?: PartialFailure,
  ) {
    super(message);
    this.name = "HostCallError";
  }
}

export function decodePartialFailure(metadata: GrpcJs.Metadata | undefined): PartialFailure | undefined {
  const raw = metadata?.get("grpc-status-details-bin")[0];
  if (raw === undefined) return undefined;
  const status = statusproto.Status.deserializeBinary(typeof raw === "string" ? Buffer.from(raw, "base64") : raw);
  for (const any of status.getDetailsList()) {
    if (any.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
    const detail = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
    return { id: detail.getId(), properties: fromStruct(detail.getProperties()), reasons: detail.getReasonsList() };
  }
  return undefined;
}

export type DiffChanges = "none" | "some" | "unknown";

export interface ProviderHost {
  readonly port: number;
  readonly pid: number;
  /** Sends ConfigureRequest with the map both as `variables` and as `args` (keys like `counter:label`), as the engine does. */
  configure(config: Record<string, string>): Promise<{ acceptSecrets: boolean; supportsPreview: boolean }>;
  check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
  diff(
    urn: string,
    id: string,
    olds: Props,
    news: Props,
    oldInputs?: Props,
  ): Promise<{ changes: DiffChanges; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(urn: string, properties: Props): Promise<{ id: string; properties: Props }>;
  read(urn: string, id: string, properties: Props, inputs?: Props): Promise<{ id: string; properties: Props; inputs?: Props }>;
  update(urn: string, id: string, olds: Props, news: Props, oldInputs?: Props): Promise<{ properties: Props }>;
  delete(urn: string, id: string, properties: Props, oldInputs?: Props): Promise<void>;
  /** The host's stdout (after the port line) and stderr, line by line, prefixed `stdout: ` / `stderr: `. */
  output(): string[];
  /** True once the process has exited. */
  exited(): boolean;
  close(): Promise<void>;
}

export interface StartProviderHostOptions {
  /** The stack's folder: `require()` inside `__provider` resolves from here. */
  cwd: string;
  /** Sets PULUMI_NODEJS_PROJECT, which `Config.get("key")` in `configure()` uses to expand short keys. */
  project?: string;
  env?: Record<string, string | undefined>;
  startTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

/** Kills the process and waits for its exit. */
export function killChild(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

/** Spawned with `--require parent-watchdog.js`, so the host also exits if this process dies without closing it. */
const watchdog = path.join(__dirname, "parent-watchdog.js");

export async function startProviderHost(options: StartProviderHostOptions): Promise<ProviderHost> {
  killAllOnExit();
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (options.project !== undefined) env["PULUMI_NODEJS_PROJECT"] = options.project;
  // Resolved from the stack's folder, as the `pulumi-resource-pulumi-nodejs` shim does: the stack's own SDK version.
  const hostPath = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [options.cwd, sdkDir] });
  const child = spawn(process.execPath, ["--require", watchdog, hostPath, "127.0.0.1:1"], {
    cwd: options.cwd,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  live.add(child);
  child.once("exit", () => live.delete(child));
  // "close" comes after "exit", once stdout and stderr are drained: output() is complete only then.
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));

  const lines: string[] = [];
  const collect = (stream: "stdout" | "stderr", onLine?: (line: string) => boolean) => {
    let buffered = "";
    child[stream]!.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!onLine?.(line)) lines.push(`${stream}: ${line}`);
        nl = buffered.indexOf("\n");
      }
    });
  };

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      let resolved = false;
      const timer = setTimeout(
        () =>
          reject(new Error(`provider host printed no port within ${options.startTimeoutMs ?? 20_000} ms\n${lines.join("\n")}`)),
        options.startTimeoutMs ?? 20_000,
      );
      collect("stdout", (line) => {
        if (resolved) return false;
        resolved = true;
        clearTimeout(timer);
        const p = Number.parseInt(line.trim(), 10);
        if (Number.isInteger(p) && p > 0) resolve(p);
        else reject(new Error(`provider host printed ${JSON.stringify(line)} instead of a port`));
        return true;
      });
      collect("stderr");
      child.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`provider host exited (${code ?? signal}) before printing its port\n${lines.join("\n")}`));
      });
    });
  } catch (err) {
    await killChild(child);
    throw err;
  }

  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

  const unary = <Res>(method: string, req: unknown): Promise<Res> =>
    new Promise<Res>((resolve, reject) => {
      // biome-ignore lint/suspicious/noExplicitAny: one adapter over the callback-style methods of the generated client.
      (client as any)[method](req, (err: GrpcJs.ServiceError | null, res: Res) => {
        if (err) {
          const partial = method === "create" || method === "update" ? decodePartialFailure(err.metadata) : undefined;
          reject(new HostCallError(err.details || err.message, method, err.code, partial));
        } else resolve(res);
      });
    });

  const typeAndName = (u: string) => {
    const parts = u.split("::");
    const qualified = parts[2] ?? "";
    return { type: qualified.slice(qualified.lastIndexOf("$") + 1), name: parts[3] ?? "" };
  };

  return {
    port,
    pid: child.pid!,
    async configure(config) {
      const req = new provproto.ConfigureRequest();
      const vars = req.getVariablesMap();
      for (const [k, v] of Object.entries(config)) vars.set(k, v);
      req.setArgs(toStruct(config));
      req.setAcceptsecrets(true);
      req.setAcceptresources(true);
      req.setSendsOldInputs(true);
      req.setSendsOldInputsToDelete(true);
      const res = await unary<InstanceType<ProviderPb["ConfigureResponse"]>>("configure", req);
      return { acceptSecrets: res.getAcceptsecrets(), supportsPreview: res.getSupportspreview() };
    },
    async check(u, olds, news) {
      const req = new provproto.CheckRequest();
      const { type, name } = typeAndName(u);
      req.setUrn(u).setName(name).setType(type).setOlds(toStruct(olds)).setNews(toStruct(news));
      const res = await unary<InstanceType<ProviderPb["CheckResponse"]>>("check", req);
      return {
        inputs: fromStruct(res.getInputs()),
        failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(u, id, olds, news, oldInputs) {
      const req = new provproto.DiffRequest();
      const { type, name } = typeAndName(u);
      req.setUrn(u).setId(id).setName(name).setType(type).setOlds(toStruct(olds)).setNews(toStruct(news));
      if (oldInputs) req.setOldInputs(toStruct(oldInputs));
      const res = await unary<InstanceType<ProviderPb["DiffResponse"]>>("diff", req);
      const Changes = provproto.DiffResponse.DiffChanges;
      const c = res.getChanges();
      return {
        changes: c === Changes.DIFF_NONE ? "none" : c === Changes.DIFF_SOME ? "some" : "unknown",
        replaces: res.getReplacesList(),
        deleteBeforeReplace: res.getDeletebeforereplace(),
      };
    },
    async create(u, properties) {
      const req = new provproto.CreateRequest();
      const { type, name } = typeAndName(u);
      req.setUrn(u).setName(name).setType(type).setProperties(toStruct(properties)).setPreview(false);
      const res = await unary<InstanceType<ProviderPb["CreateResponse"]>>("create", req);
      return { id: res.getId(), properties: fromStruct(res.getProperties()) };
    },
    async read(u, id, properties, inputs) {
      const req = new provproto.ReadRequest();
      const { type, name } = typeAndName(u);
      req.setUrn(u).setId(id).setName(name).setType(type).setProperties(toStruct(properties));
      if (inputs) req.setInputs(toStruct(inputs));
      const res = await unary<InstanceType<ProviderPb["ReadResponse"]>>("read", req);
      const out: { id: string; properties: Props; inputs?: Props } = {
        id: res.getId(),
        properties: fromStruct(res.getProperties()),
      };
      if (res.hasInputs()) out.inputs = fromStruct(res.getInputs());
      return out;
    },
    async update(u, id, olds, news, oldInputs) {
      const req = new provproto.UpdateRequest();
      const { type, name } = typeAndName(u);
      req.setUrn(u).setId(id).setName(name).setType(type).setOlds(toStruct(olds)).setNews(toStruct(news)).setPreview(false);
      if (oldInputs) req.setOldInputs(toStruct(oldInputs));
      const res = await unary<InstanceType<ProviderPb["UpdateResponse"]>>("update", req);
      return { properties: fromStruct(res.getProperties()) };
    },
    async delete(u, id, properties, oldInputs) {
      const req = new provproto.DeleteRequest();
      const { type, name } = typeAndName(u);
      req.setUrn(u).setId(id).setName(name).setType(type).setProperties(toStruct(properties));
      if (oldInputs) req.setOldInputs(toStruct(oldInputs));
      await unary<unknown>("delete", req);
    },
    output: () => [...lines],
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async close() {
      client.close();
      await killChild(child);
      await closed;
    },
  };
}
