// The InstanceSet's inputs: one zod schema that `check` validates against (so `pulumi preview`
// shows every problem before any API call) and that every other operation takes its types from.
import { z } from "zod";
import {
  byteLength,
  CHARGE_TYPES,
  DISK_CATEGORIES,
  INTERNET_CHARGE_TYPES,
  instanceNameProblem,
  LIMITS,
  NETWORK_MODES,
  nicNameProblem,
  passwordProblem,
} from "../api/rules";

/** The most instances one set may hold (split into CreateInstances calls of at most 100). */
export const MAX_INSTANCE_COUNT = 1000;
/** Tag every instance of a set carries; its value is the set key. */
export const SET_TAG_KEY = "pulumi-instance-set";
/** Preview's placeholder for a value not known yet (`runtime/rpc.js` `unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const ruled = (problem: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const reason = problem(value);
    if (reason) ctx.addIssue({ code: "custom", message: reason });
  });

const id = (what: string) => z.string().min(1, `must be a non-empty ${what}`);
const seconds = (min: number, max: number) =>
  z.number().min(min, `must be at least ${min} seconds`).max(max, `must be at most ${max} seconds`);

const tagText = z
  .string()
  .min(1, "must not be empty")
  .max(LIMITS.tagKeyValueLength, `must be at most ${LIMITS.tagKeyValueLength} characters`);

export const InstanceSetInputs = z
  .object({
    // ---- placement and image (changing any of these replaces the set) ----
    /** Zone to create the instances in, e.g. `SEL-A` (see `getZones`). Changing it replaces the set. */
    zoneId: id("zone id such as SEL-A"),
    /** Instance type, e.g. `c.1c2g` (see `getInstanceTypes`). Changing it replaces the set. */
    instanceType: id("instance type such as c.1c2g"),
    /** Image id, e.g. `img-yKK4q6XybymPgfx7ynUUqC3N8` (see `getImage`). Changing it replaces the set. */
    imageId: id("image id such as img-yKK4q6XybymPgfx7ynUUqC3N8"),
    /** `POSTPAID` (pay as you go, default) or `PREPAID` (subscription; needs `instanceChargePrepaid`). Replaces the set. */
    instanceChargeType: z.enum(CHARGE_TYPES).default("POSTPAID"),
    /** Subscription period in months; required with `PREPAID`. Replaces the set. */
    instanceChargePrepaid: z.object({ period: z.number().int().min(1, "must be at least 1 month") }).optional(),
    /** Postpaid commitment period in months (API 2026-04-01). Replaces the set. */
    instanceChargePostpaid: z.object({ period: z.number().int().min(1, "must be at least 1 month") }).optional(),
    /** `ByBandwidth` (default), `ByTrafficPackage`, `ByInstanceBandwidth95`, `ByClusterBandwidth95` or `BandwidthCluster`. Replaces the set. */
    internetChargeType: z.enum(INTERNET_CHARGE_TYPES).default("ByBandwidth"),
    /** Public bandwidth cap in Mbps (API default 1; at most the type's limit). Replaces the set. */
    internetMaxBandwidthOut: z.number().int().min(1, "must be at least 1 Mbps").optional(),
    /** Traffic package in TB; only with `ByTrafficPackage`. Replaces the set. */
    trafficPackageSize: z.number().positive("must be a positive number of TB").optional(),
    /** Login password: 8-16 characters with lower and upper case, a digit and one of `!@#$%^&*~()-+=`. Not with `keyId`. Kept secret. Replaces the set. */
    password: ruled(passwordProblem).optional(),
    /** SSH key pair id (Linux images); not with `password`. Neither: the API generates a password. Replaces the set. */
    keyId: id("SSH key pair id").optional(),
    /** VPC subnet id. Replaces the set. */
    subnetId: id("subnet id").optional(),
    /** Security group id. Replaces the set. */
    securityGroupId: id("security group id").optional(),
    /** Resource group id (default resource group if unset). Replaces the set. */
    resourceGroupId: id("resource group id").optional(),
    /** System disk size (GiB) and category (`STANDARD`/`SSD`). Replaces the set. */
    systemDisk: z
      .object({
        diskSize: z.number().int().min(1, "must be a positive number of GiB").optional(),
        diskCategory: z.enum(DISK_CATEGORIES).optional(),
      })
      .optional(),
    /** Data disks created with each instance: at most 10 per instance in total (`diskAmount` counts). Replaces the set. */
    dataDisks: z
      .array(
        z.object({
          diskSize: z.number().int().min(1, "must be a positive number of GiB"),
          diskCategory: z.enum(DISK_CATEGORIES).optional(),
          diskAmount: z.number().int().min(1, "must be at least 1").optional(),
        }),
      )
      .optional(),
    /** Assign a public IPv4 address. Replaces the set. */
    enableIpv4: z.boolean().optional(),
    /** Assign a public IPv6 address. Replaces the set. */
    enableIpv6: z.boolean().optional(),
    /** CPU pass-through (the zone must support it). Replaces the set. */
    cpuPassThrough: z.boolean().optional(),
    /** Initialisation script run at first boot, at most 32 KB. Replaces the set. */
    initScript: z
      .string()
      .refine((s) => byteLength(s) <= LIMITS.initScriptBytes, `must be at most ${LIMITS.initScriptBytes} bytes (32 KB)`)
      .optional(),
    /** `Virtio` or `Vf`. Replaces the set. */
    networkMode: z.enum(NETWORK_MODES).optional(),
    /** Pre-allocate disk space. Replaces the set. */
    diskPreAllocated: z.boolean().optional(),
    /** NIC names: 4-15 lower-case letters or digits, starting with a letter (defaults `eth0`/`eth1`). Replaces the set. */
    nic: z.object({ wanName: ruled(nicNameProblem).optional(), lanName: ruled(nicNameProblem).optional() }).optional(),
    /** Bandwidth cluster id. Replaces the set. */
    clusterId: id("bandwidth cluster id").optional(),
    /** Allocate public IPs from this owned CIDR block (API 2026-04-01). Replaces the set. */
    cidrBlockId: id("CIDR block id").optional(),
    /** First address to allocate from `cidrBlockId`. Replaces the set. */
    startCidrIpv4: id("IPv4 address").optional(),

    // ---- changed in place ----
    /** Number of instances, 1 to 1000 (created in calls of at most 100). Changed in place: scale out creates, scale in terminates the newest. */
    instanceCount: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(MAX_INSTANCE_COUNT, `must be at most ${MAX_INSTANCE_COUNT}`),
    /** Name, at most 64 letters, digits, `-`, `.`, `_`; `[begin,bits]` numbers the instances (`web-[1,2]` → `web-01`, `web-02`). Changed in place (renames). */
    instanceName: ruled(instanceNameProblem).optional(),
    /** Tags for the instances as a plain map (at most 19; the key `pulumi-instance-set` is reserved). Changed in place (`ModifyResourceTags` per instance); tags set by other tools are kept. */
    tags: z
      .record(tagText, tagText)
      .refine((tags) => Object.keys(tags).length < LIMITS.tagFilters, `must have at most ${LIMITS.tagFilters - 1} tags`)
      .refine((tags) => !Object.hasOwn(tags, SET_TAG_KEY), `must not use the reserved key ${SET_TAG_KEY}`)
      .optional(),
    /** How long create and update wait for RUNNING (default 1200). Pulumi's `customTimeouts` does not reach dynamic providers. In place. */
    readyTimeoutSeconds: seconds(1, 86_400).default(1200),
    /** Longest pause between status polls (default 10; polls start at 1 s and stretch to a fifth of the time waited). In place. */
    pollIntervalSeconds: seconds(1, 300).default(10),
    /** On delete (and scale in), also release instances from the recycle bin (default false, as in the Terraform provider); update also releases recorded instances it finds there. In place. */
    forceDelete: z.boolean().default(false),
    /** Take over these existing instances instead of creating new ones (the way to import: `pulumi import` does not work for dynamic providers). Used at create. */
    adoptInstanceIds: z.array(id("instance id")).optional(),
    /** At check time, verify zoneId, imageId and instanceType against the API's catalogue (default true; skipped while preview does not know them). */
    catalogCheck: z.boolean().default(true),

    // ---- identity, set by the SDK ----
    /** `organization/project/stack[/parent URN]/resource name`, passed by the SDK; the set key derives from it. */
    setName: id("set identity"),
    /** Assigned by `check`; tags every instance of the set. */
    setKey: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    const fail = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (v.password !== undefined && v.keyId !== undefined) fail("password", "must not be set together with keyId (choose one)");
    if (v.instanceChargeType === "PREPAID" && v.instanceChargePrepaid === undefined) {
      fail("instanceChargePrepaid", "is required when instanceChargeType is PREPAID (set period in months)");
    }
    if (v.instanceChargeType !== "PREPAID" && v.instanceChargePrepaid !== undefined) {
      fail("instanceChargePrepaid", "may only be set when instanceChargeType is PREPAID");
    }
    if (v.trafficPackageSize !== undefined && v.internetChargeType !== "ByTrafficPackage") {
      fail("trafficPackageSize", "may only be set when internetChargeType is ByTrafficPackage");
    }
    const dataDiskCount = (v.dataDisks ?? []).reduce((n, d) => n + (d.diskAmount ?? 1), 0);
    if (dataDiskCount > LIMITS.dataDisksPerInstance) {
      fail("dataDisks", `must add up to at most ${LIMITS.dataDisksPerInstance} data disks per instance (got ${dataDiskCount})`);
    }
    if (v.adoptInstanceIds) {
      if (new Set(v.adoptInstanceIds).size !== v.adoptInstanceIds.length) fail("adoptInstanceIds", "must not list an id twice");
      if (v.adoptInstanceIds.length > v.instanceCount) fail("adoptInstanceIds", "must not list more ids than instanceCount");
    }
    if (v.startCidrIpv4 !== undefined && v.cidrBlockId === undefined) fail("startCidrIpv4", "needs cidrBlockId");
  });

export type InstanceSetInputs = z.infer<typeof InstanceSetInputs>;
/** What a program may pass: defaulted fields optional. */
export type InstanceSetInputsIn = z.input<typeof InstanceSetInputs>;

/** Fields the API cannot change on existing instances: a change replaces the whole set. */
export const REPLACE_FIELDS = [
  "zoneId",
  "instanceType",
  "imageId",
  "instanceChargeType",
  "instanceChargePrepaid",
  "instanceChargePostpaid",
  "internetChargeType",
  "internetMaxBandwidthOut",
  "trafficPackageSize",
  "password",
  "keyId",
  "subnetId",
  "securityGroupId",
  "resourceGroupId",
  "systemDisk",
  "dataDisks",
  "enableIpv4",
  "enableIpv6",
  "cpuPassThrough",
  "initScript",
  "networkMode",
  "diskPreAllocated",
  "nic",
  "clusterId",
  "cidrBlockId",
  "startCidrIpv4",
] as const satisfies ReadonlyArray<keyof InstanceSetInputs>;

/** Fields an update applies to the existing set. */
export const IN_PLACE_FIELDS = [
  "instanceCount",
  "instanceName",
  "tags",
  "readyTimeoutSeconds",
  "pollIntervalSeconds",
  "forceDelete",
] as const satisfies ReadonlyArray<keyof InstanceSetInputs>;

export interface CheckFailure {
  property: string;
  reason: string;
}

/** The value at `path`, and whether it or anything on the way to it is preview's unknown placeholder. */
function lookup(root: unknown, path: ReadonlyArray<PropertyKey>): { value: unknown; unknown: boolean } {
  let value: unknown = root;
  for (const key of path) {
    if (value === UNKNOWN) return { value, unknown: true };
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return { value: undefined, unknown: false };
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return { value, unknown: value === UNKNOWN };
}

export type Validation = { ok: true; inputs: InstanceSetInputs } | { ok: false; failures: CheckFailure[] };

/**
 * Validates raw inputs. Problems with values that preview does not know yet are not failures: when
 * those are the only problems, `failures` is empty and the caller passes the inputs through.
 */
export function validateInputs(raw: unknown): Validation {
  const parsed = InstanceSetInputs.safeParse(raw);
  if (parsed.success) return { ok: true, inputs: parsed.data };
  const failures: CheckFailure[] = [];
  for (const issue of parsed.error.issues) {
    const at = lookup(raw, issue.path);
    if (at.unknown) continue;
    const property = issue.path.length > 0 ? issue.path.map(String).join(".") : "inputs";
    failures.push({ property, reason: describeIssue(issue, at.value) });
  }
  return { ok: false, failures };
}

/**
 * Raw inputs with the defaults of the fields they leave out, for inputs that preview cannot fully
 * validate yet: diff would otherwise take a default (stored in the outputs) for a change.
 */
export function withDefaults(raw: Record<string, unknown>): Record<string, unknown> {
  const filled = { ...raw };
  for (const [key, field] of Object.entries(InstanceSetInputs.shape)) {
    if (filled[key] !== undefined) continue;
    const fallback = field.safeParse(undefined);
    if (fallback.success && fallback.data !== undefined) filled[key] = fallback.data;
  }
  return filled;
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === "invalid_type") {
    if (value === undefined) return "is required";
    return issue.expected === "int" ? "must be a whole number" : `must be ${article(issue.expected)}${issue.expected}`;
  }
  if (issue.code === "invalid_value") return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  if (issue.code === "unrecognized_keys") return `has unknown fields ${issue.keys.join(", ")}`;
  return issue.message;
}

const article = (word: string) => (/^[aeiou]/.test(word) ? "an " : "a ");
