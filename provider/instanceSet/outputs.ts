// The InstanceSet's outputs: plain JSON only (an `undefined` anywhere makes the provider host fail
// after the VMs exist), built from what DescribeInstances reports.
import { z } from "zod";
import type { InstanceInfo } from "../api/schemas";
import type { InstanceSetInputs } from "./inputs";

export const InstanceRecord = z.object({
  instanceId: z.string(),
  instanceName: z.string().nullable(),
  status: z.string(),
  zoneId: z.string().nullable(),
  publicIpAddresses: z.array(z.string()),
  privateIpAddresses: z.array(z.string()),
  publicIpv6Addresses: z.array(z.string()),
  createTime: z.string().nullable(),
});
export type InstanceRecord = z.infer<typeof InstanceRecord>;

export const SetStatus = z.enum(["RUNNING", "INCOMPLETE"]);

/** What the provider computes; stored next to the inputs in the resource's outputs. */
export const InstanceSetState = z.object({
  setKey: z.string(),
  instanceIds: z.array(z.string()),
  instances: z.array(InstanceRecord),
  orderNumbers: z.array(z.string()),
  status: SetStatus,
  publicIpAddresses: z.array(z.string()),
  privateIpAddresses: z.array(z.string()),
});
export type InstanceSetState = z.infer<typeof InstanceSetState>;

export type InstanceSetOutputs = InstanceSetInputs & InstanceSetState;

/** Reads the state part of stored outputs, tolerating outputs written by a partial failure. */
export const StoredState = InstanceSetState.partial();
/** Stored outputs as the provider reads them back: inputs and state, any field possibly missing. */
export type StoredOutputs = Partial<InstanceSetInputs> & z.infer<typeof StoredState> & Record<string, unknown>;

export function recordOf(info: InstanceInfo): InstanceRecord {
  return {
    instanceId: info.instanceId,
    instanceName: info.instanceName ?? null,
    status: info.instanceStatus,
    zoneId: info.zoneId ?? null,
    publicIpAddresses: info.publicIpAddresses ?? [],
    privateIpAddresses: info.privateIpAddresses ?? [],
    publicIpv6Addresses: info.publicIpv6Addresses ?? [],
    createTime: info.createTime ?? null,
  };
}

export function stateOf(
  setKey: string,
  instanceCount: number,
  members: InstanceRecord[],
  orderNumbers: string[],
): InstanceSetState {
  const complete = members.length === instanceCount && members.every((m) => m.status === "RUNNING");
  return {
    setKey,
    instanceIds: members.map((m) => m.instanceId),
    instances: members,
    orderNumbers,
    status: complete ? "RUNNING" : "INCOMPLETE",
    publicIpAddresses: members.flatMap((m) => m.publicIpAddresses),
    privateIpAddresses: members.flatMap((m) => m.privateIpAddresses),
  };
}
