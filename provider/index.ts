// `pulumi-zenlayer-vm/provider`: the dynamic provider of InstanceSet.
//
// Pulumi serializes the provider object into state (`__provider`) and runs that text later, in
// another process, from the stack's folder. So the object below is a thin shim: every method loads
// this package's implementation at run time. It captures no client, schema or credential, stays
// small, and `destroy`/`refresh` run the installed code rather than a copy frozen at deploy time.
import type * as pulumi from "@pulumi/pulumi";
import { InstanceSetRuntime } from "./runtime";

export type { ConfigSource } from "./runtime";
export { InstanceSetRuntime, settingsFromConfig } from "./runtime";

/** The process-wide runtime, loaded by package name (the provider host resolves it from the stack's folder). */
function implementation(): InstanceSetRuntime {
  const loaded = require("pulumi-zenlayer-vm/provider") as { sharedRuntime(): InstanceSetRuntime };
  return loaded.sharedRuntime();
}

export const instanceSetProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    implementation().configure(req.config);
  },
  async check(olds, news) {
    return implementation().check(olds, news);
  },
  async diff(id, olds, news) {
    return implementation().diff(id, olds, news);
  },
  async create(inputs) {
    return implementation().create(inputs);
  },
  async read(id, props) {
    return implementation().read(id, props ?? {});
  },
  async update(id, olds, news) {
    return implementation().update(id, olds, news);
  },
  async delete(id, props) {
    return implementation().delete(id, props);
  },
};

let runtime: InstanceSetRuntime | undefined;
/** The runtime every shim in this process shares (configure once, then CRUD). */
export function sharedRuntime(): InstanceSetRuntime {
  runtime ??= new InstanceSetRuntime();
  return runtime;
}
