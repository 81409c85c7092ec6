// Test access to the emulator's unsigned control and audit API (`/_emulator/*`).
import { request } from "undici";

export interface AuditedInstance {
  instanceId: string;
  instanceName: string | null;
  instanceStatus: string;
  zoneId: string;
  createTime: string;
  tags?: { tags: Array<{ key: string; value: string }> } | null;
  released: boolean;
  releaseTime: string | null;
}

export interface Stats {
  total: number;
  byAction: Record<string, number>;
  byStatus: Record<string, number>;
}

export type Fault =
  | { action: string; kind: "error"; times: number; status: number; code: string; message?: string }
  | { action: string; kind: "latency"; times: number; ms: number }
  | { action: string; kind: "drop" | "create-failed" | "vanish"; times: number };

async function control<T>(url: string, method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
  const res = await request(`${url}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`emulator ${method} ${path}: HTTP ${res.statusCode} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export const audit = async (url: string) => (await control<{ instances: AuditedInstance[] }>(url, "GET", "instances")).instances;
export const stats = (url: string) => control<Stats>(url, "GET", "stats");
export const injectFault = (url: string, fault: Fault) => control(url, "POST", "faults", fault);
export const clearFaults = (url: string) => control(url, "DELETE", "faults");
export const resetEmulator = (url: string) => control(url, "POST", "reset");

const LIVE_STATUSES = new Set([
  "PENDING",
  "DEPLOYING",
  "RUNNING",
  "STOPPING",
  "STOPPED",
  "BOOTING",
  "REBOOT",
  "REBUILDING",
  "CREATE_FAILED",
]);

/** Instances that still exist and are not on their way out (recycle bin or released). */
export const isLive = (i: AuditedInstance) => !i.released && LIVE_STATUSES.has(i.instanceStatus);

export const tagValue = (i: AuditedInstance, key: string) => i.tags?.tags.find((t) => t.key === key)?.value;

/** Actions that change something, for "a no-op run made no write calls" assertions. */
export const WRITE_ACTIONS = [
  "CreateInstances",
  "TerminateInstance",
  "ReleaseInstances",
  "ModifyInstancesAttribute",
  "StartInstances",
  "StopInstances",
  "RebootInstances",
];
export const writeCalls = (s: Stats) => WRITE_ACTIONS.reduce((n, a) => n + (s.byAction[a] ?? 0), 0);

/** Faults not used up yet, with what remains of each (`remaining`). */
export const pendingFaults = async (url: string) =>
  (await control<{ faults: Array<{ id: number; remaining: number }> }>(url, "GET", "faults")).faults;
