// The InstanceSet resource: N Zenlayer VMs in one zone, created together, awaited until RUNNING,
// and scaled, renamed, repaired, replaced and destroyed as one Pulumi resource.
import * as pulumi from "@pulumi/pulumi";
import { instanceSetProvider } from "../provider";
import type { InstanceSetInputsIn } from "../provider/instanceSet/inputs";
import type { InstanceRecord, InstanceSetState } from "../provider/instanceSet/outputs";

/** What a program passes: every input of the provider except the identity the resource sets itself. */
type UserInputs = Omit<InstanceSetInputsIn, "setName" | "setKey">;

/** Arguments of an {@link InstanceSet}; each field may be a `pulumi.Input`. Field docs say which changes replace the set. */
export type InstanceSetArgs = { [K in keyof UserInputs]: pulumi.Input<UserInputs[K]> };

export type { InstanceRecord };

/** Output names, seeded so that the SDK creates an `Output` for each (see the class comment). */
const OUTPUT_NAMES = [
  "setKey",
  "instanceIds",
  "instances",
  "orderNumbers",
  "status",
  "publicIpAddresses",
  "privateIpAddresses",
] as const satisfies ReadonlyArray<keyof InstanceSetState>;

/**
 * A set of identical Zenlayer Cloud VM instances.
 *
 * `pulumi up` creates `instanceCount` instances (in `CreateInstances` calls of at most 100), waits
 * until every one is RUNNING and records them. Each instance carries the tag `pulumi-instance-set`
 * with the set's key, so an interrupted create is adopted, not repeated, on the next run.
 *
 * Credentials come from stack config (`zenlayer:accessKeyId`, secret `zenlayer:accessKeyPassword`,
 * or `zenlayer:token`; `zenlayer:domain`, `zenlayer:scheme` for the endpoint) or from the
 * `ZENLAYERCLOUD_*` environment variables, never from resource inputs.
 */
export class InstanceSet extends pulumi.dynamic.Resource {
  // `declare`: no class field may be emitted, or it would reset the Outputs after `super()`.
  /** The tag value every instance of this set carries (`pulumi-instance-set` tag). */
  declare readonly setKey: pulumi.Output<string>;
  /** Instance ids, oldest first. */
  declare readonly instanceIds: pulumi.Output<string[]>;
  /** Per instance: id, name, status, zone, public/private IPv4 and IPv6 addresses, createTime. */
  declare readonly instances: pulumi.Output<InstanceRecord[]>;
  /** Billing order numbers of the CreateInstances calls. */
  declare readonly orderNumbers: pulumi.Output<string[]>;
  /** `RUNNING` when every instance runs and the count is met, else `INCOMPLETE` (the next `up` repairs). */
  declare readonly status: pulumi.Output<"RUNNING" | "INCOMPLETE">;
  /** Public IPv4 addresses of all instances, flattened in instance order (per instance: `instances[i].publicIpAddresses`). */
  declare readonly publicIpAddresses: pulumi.Output<string[]>;
  /** Private IPv4 addresses of all instances, flattened in instance order (per instance: `instances[i].privateIpAddresses`). */
  declare readonly privateIpAddresses: pulumi.Output<string[]>;
  declare readonly zoneId: pulumi.Output<string>;
  declare readonly instanceType: pulumi.Output<string>;
  declare readonly imageId: pulumi.Output<string>;
  declare readonly instanceCount: pulumi.Output<number>;

  constructor(name: string, args: InstanceSetArgs, opts?: pulumi.CustomResourceOptions) {
    const seeds = Object.fromEntries(OUTPUT_NAMES.map((k) => [k, undefined]));
    const props = {
      ...seeds,
      ...args,
      // Secret in state whatever the program passed; the engine keeps the output secret too.
      password: args.password === undefined ? undefined : pulumi.secret(args.password),
      setName: identityOf(name, opts),
    };
    super(
      instanceSetProvider,
      name,
      props,
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["password"] }),
      "zenlayer",
      "InstanceSet",
    );
  }
}

/**
 * The set's identity, from which its instances' tag derives: organization, project, stack, the
 * parent's URN (one name may be used under several parents) and the resource name, which comes last.
 */
function identityOf(name: string, opts: pulumi.CustomResourceOptions | undefined): pulumi.Output<string> {
  const scope = [organization(), pulumi.getProject(), pulumi.getStack()];
  return pulumi.output(opts?.parent?.urn).apply((parent) => [...scope, ...(parent ? [parent] : []), name].join("/"));
}

/** The stack's organization; engines that do not pass one (older CLIs, mocks) get the DIY backends' name. */
function organization(): string {
  try {
    return pulumi.getOrganization();
  } catch {
    return "organization";
  }
}
