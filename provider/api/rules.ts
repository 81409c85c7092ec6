// Documented constraints of the VM API (reference §4.1, §6). Both the InstanceSet `check` and the
// emulator's request validation apply these, so a rule is written once.

export const LIMITS = {
  instancesPerCreate: 100,
  idsPerCall: 100,
  maxPageSize: 1000,
  defaultPageSize: 20,
  dataDisksPerInstance: 10,
  initScriptBytes: 32 * 1024,
  instanceNameLength: 64,
  tagKeyValueLength: 64,
  tagFilters: 20,
} as const;

export const INSTANCE_STATUSES = [
  "PENDING",
  "DEPLOYING",
  "RUNNING",
  "CREATE_FAILED",
  "STOPPING",
  "STOPPED",
  "BOOTING",
  "REBOOT",
  "REBUILDING",
  "IMAGING",
  "RECYCLING",
  "RECYCLE",
  "RELEASING",
] as const;

export const CHARGE_TYPES = ["PREPAID", "POSTPAID"] as const;
export const INTERNET_CHARGE_TYPES = [
  "ByBandwidth",
  "ByTrafficPackage",
  "ByInstanceBandwidth95",
  "ByClusterBandwidth95",
  "BandwidthCluster",
] as const;
export const DISK_CATEGORIES = ["STANDARD", "SSD"] as const;
export const NETWORK_MODES = ["Virtio", "Vf"] as const;
export const API_VERSIONS = ["2026-04-01", "2023-03-13"] as const;

/** Special characters the password rule allows. */
const PASSWORD_SPECIALS = "!@#$%^&*~()-+=";

/** Why a password breaks the API's rule, or `undefined` when it is fine. Never echoes the password. */
export function passwordProblem(password: string): string | undefined {
  const rule = `8 to 16 characters with at least one lower-case letter, one upper-case letter, one digit and one of ${PASSWORD_SPECIALS}, and no other characters`;
  if (password.length < 8 || password.length > 16) return `must be ${rule}`;
  const allowed = [...password].every((c) => /[a-zA-Z0-9]/.test(c) || PASSWORD_SPECIALS.includes(c));
  const complete =
    /[a-z]/.test(password) &&
    /[A-Z]/.test(password) &&
    /[0-9]/.test(password) &&
    [...password].some((c) => PASSWORD_SPECIALS.includes(c));
  return allowed && complete ? undefined : `must be ${rule}`;
}

/** A batch naming pattern `[begin,bits]`: begin 0-99999, bits 1-6. */
const NAME_PATTERN = /\[(\d*),?(\d*)\]/g;

/** Why an instance name breaks the API's rule, or `undefined`. */
export function instanceNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > LIMITS.instanceNameLength) return `must be 1 to ${LIMITS.instanceNameLength} characters`;
  for (const match of name.matchAll(NAME_PATTERN)) {
    const begin = match[1] === "" ? 0 : Number(match[1]);
    const bits = match[2] === "" ? 6 : Number(match[2]);
    if (begin > 99999 || bits < 1 || bits > 6) return `has a batch pattern ${match[0]} outside [begin 0-99999, bits 1-6]`;
  }
  // The docs' own example uses "_" in a patterned name although "_" is not listed; it is accepted.
  const plain = name.replace(NAME_PATTERN, "");
  if (!/^[A-Za-z0-9._-]*$/.test(plain)) return "may contain only letters, digits, '-', '.', '_' and [begin,bits] patterns";
  return undefined;
}

/** Expands a batch naming pattern for the `index`-th instance (0-based) of one CreateInstances call. */
export function expandInstanceName(name: string, index: number): string {
  return name.replace(NAME_PATTERN, (_all, beginText: string, bitsText: string) => {
    const begin = beginText === "" ? 0 : Number(beginText);
    const bits = bitsText === "" ? 6 : Number(bitsText);
    return String(begin + index).padStart(bits, "0");
  });
}

/** Why a NIC name (wanName/lanName) breaks the rule, or `undefined`. */
export function nicNameProblem(name: string): string | undefined {
  return /^[a-z][a-z0-9]{3,14}$/.test(name) ? undefined : "must be 4 to 15 lower-case letters or digits, starting with a letter";
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** Shifts every batch pattern's begin by `offset`, so a later CreateInstances continues the numbering. */
export function offsetInstanceName(name: string, offset: number): string {
  return name.replace(NAME_PATTERN, (_all, beginText: string, bitsText: string) => {
    const begin = beginText === "" ? 0 : Number(beginText);
    return `[${begin + offset},${bitsText === "" ? 6 : Number(bitsText)}]`;
  });
}
