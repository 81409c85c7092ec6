// Two ways to call the InstanceSet provider, behind one interface: the runtime in this process (as
// the serialized shim calls it) and the SDK's real dynamic-provider host in a child process, over
// gRPC (as the engine calls it). Both report an operation as an Outcome, the way the engine sees
// it: outputs, a partial failure (recorded id + properties), or a plain error.
import * as path from "node:path";
import { PartialFailure } from "../../provider/instanceSet/operations";
import { InstanceSetRuntime } from "../../provider/runtime";
import { HostCallError, type ProviderHost, serializeProvider, startProviderHost, urn } from "../harness/providerHost";
import { expose } from "./exposure";

export type Props = Record<string, unknown>;

export type Outcome =
  | { kind: "ok"; id: string; outs: Props }
  | { kind: "partial"; id: string; outs: Props; reasons: string[] }
  | { kind: "error"; message: string };

export interface Driver {
  /** check as the engine runs it; returns the inputs create/update receive (with `__provider`). */
  check(olds: Props, news: Props): Promise<Props>;
  create(inputs: Props): Promise<Outcome>;
  update(id: string, olds: Props, news: Props, oldInputs: Props): Promise<Outcome>;
  delete(id: string, props: Props, oldInputs: Props): Promise<Outcome>;
  /** Kills the provider process at once (SIGKILL); the next call starts a fresh one. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export const PROJECT = "fault-suite";
const ROOT = path.resolve(__dirname, "../..");

/** Runs one provider call and turns its result or error into an Outcome, exposing everything it let out. */
async function outcomeOf(what: string, call: () => Promise<{ id: string; outs: Props }>): Promise<Outcome> {
  try {
    const { id, outs } = await call();
    expose(`${what} outputs`, outs);
    return { kind: "ok", id, outs };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    expose(`${what} error message`, message);
    const partial = error instanceof PartialFailure ? error : error instanceof HostCallError ? error.partial : undefined;
    if (!partial) return { kind: "error", message };
    expose(`${what} partial-failure properties`, partial.properties);
    expose(`${what} partial-failure reasons`, partial.reasons.join("\n"));
    return { kind: "partial", id: partial.id, outs: partial.properties, reasons: partial.reasons };
  }
}

function checked(result: { inputs?: Props; failures?: Array<{ property: string; reason: string }> }): Props {
  expose("check inputs", result.inputs);
  expose("check failures", result.failures);
  if (result.failures && result.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
  return result.inputs ?? {};
}

/** What the host passes as `__provider` in runtime-driven scenarios (the real text in host-driven ones). */
const SHIM_TEXT = "exports.handler = __f0; /* stands in for the serialized shim */";

export function runtimeDriver(config: Record<string, string>): Driver {
  const runtime = new InstanceSetRuntime((line) => expose("runtime log", line));
  runtime.configure({ get: (key) => config[key] });
  return {
    check: async (olds, news) => ({ ...checked(await runtime.check(olds, news)), __provider: SHIM_TEXT }),
    create: (inputs) => outcomeOf("create", () => runtime.create(inputs)),
    update: (id, olds, news) => outcomeOf("update", async () => ({ id, outs: (await runtime.update(id, olds, news)).outs })),
    delete: (id, props) =>
      outcomeOf("delete", async () => {
        await runtime.delete(id, props);
        return { id, outs: {} };
      }),
    kill: () => Promise.reject(new Error("the in-process runtime cannot be killed: use the host driver")),
    close: async () => {},
  };
}

let providerText: Promise<string> | undefined;
/** `__provider` exactly as `dynamic.Resource` builds it, from the installed package (dist). */
function realProviderText(): Promise<string> {
  providerText ??= serializeProvider(
    (require("pulumi-zenlayer-vm/provider") as typeof import("../../provider")).instanceSetProvider,
  ).then((text) => {
    expose("__provider text", text);
    return text;
  });
  return providerText;
}

export async function hostDriver(config: Record<string, string>, resourceName: string): Promise<Driver> {
  const resourceUrn = urn(PROJECT, "dev", "pulumi-nodejs:dynamic/zenlayer:InstanceSet", resourceName);
  const text = await realProviderText();
  let host: ProviderHost | undefined;
  const running = async () => {
    if (!host) {
      host = await startProviderHost({ cwd: ROOT, project: PROJECT });
      await host.configure(config);
    }
    return host;
  };
  const stop = async () => {
    if (!host) return;
    const stopped = host;
    host = undefined;
    await stopped.close();
    for (const line of stopped.output()) expose("provider host output", line);
  };
  return {
    check: async (olds, news) => checked(await (await running()).check(resourceUrn, olds, { ...news, __provider: text })),
    create: async (inputs) => {
      const h = await running();
      return outcomeOf("create", () => h.create(resourceUrn, inputs).then((r) => ({ id: r.id, outs: r.properties })));
    },
    update: async (id, olds, news, oldInputs) => {
      const h = await running();
      return outcomeOf("update", async () => ({ id, outs: (await h.update(resourceUrn, id, olds, news, oldInputs)).properties }));
    },
    delete: async (id, props, oldInputs) => {
      const h = await running();
      return outcomeOf("delete", async () => {
        await h.delete(resourceUrn, id, props, oldInputs);
        return { id, outs: {} };
      });
    },
    kill: stop,
    close: stop,
  };
}
