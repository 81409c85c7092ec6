// The VM actions (reference §4). Each handler gets parameters already checked against the action's
// request schema (provider/api/schemas.ts), applies the documented rules (provider/api/rules.ts)
// and the state-conflict rules of §3.3, and returns the `response` fields typed from the response schema.
import { randomInt } from "node:crypto";
import type { z } from "zod";
import {
  byteLength,
  expandInstanceName,
  instanceNameProblem,
  LIMITS,
  nicNameProblem,
  passwordProblem,
} from "../provider/api/rules";
import {
  ACTIONS,
  type ActionName,
  type ActionResponse,
  type ImageInfo,
  type InstanceStatus,
  type InstanceTypeQuota,
  type Tag,
  type ZoneInfo,
} from "../provider/api/schemas";
import type { Catalog, CatalogImage, Offering } from "./catalog";
import type { FaultQueue } from "./faults";
import { type InstanceRecord, type InstanceStore, isoSeconds, type StoredInfo } from "./state";

/** A failure answered as `{requestId, code, message}` with `status`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (field: string, problem: string) =>
  new ApiError(400, "INVALID_PARAMETER_VALUE", `The parameter \`${field}\` is invalid: ${problem}.`);
const notFound = (instanceId: string) =>
  new ApiError(404, "INVALID_INSTANCE_NOT_FOUND", `The specified instance \`${instanceId}\` is not found.`);
const denied = (code: string, instanceId: string, why: string) =>
  new ApiError(403, `OPERATION_DENIED_${code}`, `The operation on instance \`${instanceId}\` is denied: ${why}.`);

/** A pre-serialised JSON value, written into the answer verbatim (see `InstanceStore.instanceJson`). */
export class RawJson {
  constructor(readonly text: string) {}
}
type Wire<T> = { [K in keyof T]: T[K] | RawJson };
export type Reply<A extends ActionName> = Wire<Omit<ActionResponse<A>, "requestId">>;
type Params<A extends ActionName> = z.infer<(typeof ACTIONS)[A]["request"]>;

export interface ActionContext {
  version: string;
  now: number;
  store: InstanceStore;
  catalog: Catalog;
  faults: FaultQueue;
}

// ---- parameter parsing ----------------------------------------------------------------------------

const fieldName = (path: PropertyKey[]) =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i > 0 ? "." : ""}${String(p)}`)).join("") || "(body)";

/** Parses a body with the action's request schema; the error names the first offending field. */
function parseParams<A extends ActionName>(action: A, body: unknown): Params<A> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new ApiError(400, "INVALID_PARAMETER_VALUE", "The request body must be a JSON object.");
  const parsed = ACTIONS[action].request.safeParse(body, { reportInput: true });
  if (parsed.success) return parsed.data as Params<A>;
  const issue = parsed.error.issues[0]!;
  const field = fieldName(issue.path);
  // JSON cannot carry `undefined`, so an issue whose input is undefined is about an absent key.
  if (issue.input === undefined) throw new ApiError(400, "MISSING_PARAMETER", `The parameter \`${field}\` is missing.`);
  throw invalid(field, issue.message);
}

function paging(params: { pageSize?: number; pageNum?: number }) {
  const pageSize = params.pageSize ?? LIMITS.defaultPageSize;
  const pageNum = params.pageNum ?? 1;
  if (pageSize < 1 || pageSize > LIMITS.maxPageSize) throw invalid("pageSize", `must be 1 to ${LIMITS.maxPageSize}`);
  if (pageNum < 1) throw invalid("pageNum", "must be at least 1");
  return <T>(items: T[]) => ({ totalCount: items.length, page: items.slice((pageNum - 1) * pageSize, pageNum * pageSize) });
}

function limitList(field: string, list: readonly unknown[] | undefined, max: number): void {
  if (list && list.length > max) throw invalid(field, `at most ${max} items are allowed`);
}

// ---- instance look-ups and state rules ------------------------------------------------------------

const CREATING: ReadonlySet<InstanceStatus> = new Set(["PENDING", "DEPLOYING"]);
const RECYCLED: ReadonlySet<InstanceStatus> = new Set(["RECYCLING", "RECYCLE", "RELEASING"]);

interface Target {
  record: InstanceRecord;
  status: InstanceStatus;
}

/**
 * The instances a batch action names: 1-100 ids, every one known, or a 404 before anything changes.
 * `allowed` rejects a target with an error; batch actions are all-or-nothing.
 */
function targets(ids: string[], ctx: ActionContext, allowed: (t: Target, id: string) => ApiError | undefined): Target[] {
  if (ids.length === 0) throw new ApiError(400, "MISSING_PARAMETER", "The parameter `instanceIds` is missing.");
  limitList("instanceIds", ids, LIMITS.idsPerCall);
  const found = [...new Set(ids)].map((id) => {
    const target = ctx.store.find(id, ctx.now);
    if (!target) throw notFound(id);
    return target;
  });
  for (const target of found) {
    const error = allowed(target, target.record.info.instanceId);
    if (error) throw error;
  }
  return found;
}

/** The conflicts shared by operations on a live instance: still being created, or in the recycle bin. */
function commonConflict({ status }: Target, id: string): ApiError | undefined {
  if (CREATING.has(status)) return denied("INSTANCE_CREATING", id, `it is still being created (${status})`);
  if (RECYCLED.has(status)) return denied("INSTANCE_RECYCLED", id, `it is in the recycle bin (${status})`);
  return undefined;
}

const requireStatus =
  (wanted: InstanceStatus, code: string) =>
  (target: Target, id: string): ApiError | undefined =>
    commonConflict(target, id) ??
    (target.status === wanted ? undefined : denied(code, id, `it is ${target.status}, not ${wanted}`));

// ---- CreateInstances ------------------------------------------------------------------------------

function checkTags(tags: Tag[], field = "tags.tags"): void {
  const keys = new Set<string>();
  for (const [i, { key, value }] of tags.entries()) {
    for (const [name, text] of [
      ["key", key],
      ["value", value],
    ] as const)
      if (text.length < 1 || text.length > LIMITS.tagKeyValueLength)
        throw invalid(`${field}[${i}].${name}`, `must be 1 to ${LIMITS.tagKeyValueLength} characters`);
    if (keys.has(key)) throw invalid(`${field}[${i}].key`, `duplicate tag key ${JSON.stringify(key)}`);
    keys.add(key);
  }
}

function checkName(field: string, name: string): void {
  if (name.length > LIMITS.instanceNameLength)
    throw new ApiError(
      400,
      "INVALID_PARAMETER_INSTANCE_NAME_EXCEED",
      `The parameter \`${field}\` must be at most ${LIMITS.instanceNameLength} characters.`,
    );
  const problem = instanceNameProblem(name);
  if (problem) throw invalid(field, problem);
}

/** The catalogue entries a creation uses, or the 404/400 that says which is wrong. */
function resolveCatalog(
  p: Params<"CreateInstances">,
  catalog: Catalog,
): { offering: Offering; image: CatalogImage; zone: ZoneInfo } {
  const zone = catalog.zones.get(p.zoneId);
  if (!zone) throw new ApiError(404, "INVALID_ZONE_NOT_FOUND", `The specified zoneId \`${p.zoneId}\` is not found.`);
  if (!catalog.knowsType(p.instanceType))
    throw new ApiError(404, "INVALID_INSTANCE_TYPE_NOT_FOUND", `The specified instanceType \`${p.instanceType}\` is not found.`);
  const offering = catalog.offering(p.zoneId, p.instanceType);
  if (!offering)
    throw new ApiError(
      400,
      "INVALID_INSTANCE_TYPE_ZONE_NO_SELL",
      `The instanceType \`${p.instanceType}\` is not sold in zone \`${p.zoneId}\`.`,
    );
  const image = catalog.images.get(p.imageId);
  if (!image?.zoneIds.includes(p.zoneId))
    throw new ApiError(
      404,
      "INVALID_IMAGE_NOT_FOUND",
      `The specified imageId \`${p.imageId}\` is not found in zone \`${p.zoneId}\`.`,
    );
  if (image.imageStatus !== "AVAILABLE")
    throw new ApiError(400, "INVALID_IMAGE_STATUS", `The image \`${p.imageId}\` is ${image.imageStatus}, not AVAILABLE.`);
  return { offering, image, zone };
}

/** What CreateInstances builds from, once every rule has passed. */
interface CreatePlan {
  count: number;
  name: string;
  offering: Offering;
  image: CatalogImage;
  period: number | null;
  bandwidth: number;
  systemDiskSize: number;
}

/** Applies every documented CreateInstances rule; throws the first violation. */
function validateCreate(p: Params<"CreateInstances">, catalog: Catalog): CreatePlan {
  const count = p.instanceCount ?? 1;
  if (count < 1 || count > LIMITS.instancesPerCreate) throw invalid("instanceCount", `must be 1 to ${LIMITS.instancesPerCreate}`);

  if (p.password !== undefined && p.keyId !== undefined)
    throw new ApiError(400, "INVALID_PARAMETER_INSTANCE_LOGIN_CONFLICT", "Pass either `password` or `keyId`, not both.");
  const passwordIssue = p.password !== undefined && passwordProblem(p.password);
  if (passwordIssue)
    throw new ApiError(400, "INVALID_PARAMETER_VALUE_PASSWORD_MALFORMED", `The parameter \`password\` ${passwordIssue}.`);

  const name = p.instanceName ?? "instance";
  checkName("instanceName", name);
  for (let i = 0; i < count; i++) checkName("instanceName", expandInstanceName(name, i));

  for (const field of ["wanName", "lanName"] as const) {
    const value = p.nic?.[field];
    const problem = value !== undefined && nicNameProblem(value);
    if (problem) throw invalid(`nic.${field}`, problem);
  }
  if (p.initScript !== undefined && byteLength(p.initScript) > LIMITS.initScriptBytes)
    throw invalid("initScript", `must be at most ${LIMITS.initScriptBytes} bytes`);
  checkTags(p.tags?.tags ?? []);

  const { offering, image, zone } = resolveCatalog(p, catalog);

  if (!offering.instanceChargeTypes.includes(p.instanceChargeType))
    throw new ApiError(
      400,
      "INVALID_CHARGE_TYPE_NOT_SUPPORT",
      `The instanceChargeType \`${p.instanceChargeType}\` is not supported for ${p.instanceType} in ${p.zoneId}.`,
    );
  if (!offering.internetChargeTypes.includes(p.internetChargeType))
    throw new ApiError(
      400,
      "INVALID_CHARGE_TYPE_NOT_SUPPORT",
      `The internetChargeType \`${p.internetChargeType}\` is not supported for ${p.instanceType} in ${p.zoneId}.`,
    );
  let period: number | null = null;
  if (p.instanceChargeType === "PREPAID") {
    if (p.instanceChargePrepaid === undefined)
      throw new ApiError(400, "MISSING_PARAMETER", "The parameter `instanceChargePrepaid.period` is missing.");
    period = p.instanceChargePrepaid.period;
    if (period < 1) throw invalid("instanceChargePrepaid.period", "must be at least 1 month");
  }
  if (p.instanceChargePostpaid && p.instanceChargePostpaid.period < 1)
    throw invalid("instanceChargePostpaid.period", "must be at least 1 month");

  const bandwidth = p.internetMaxBandwidthOut ?? 1;
  if (bandwidth < 0) throw invalid("internetMaxBandwidthOut", "must not be negative");
  const limit = offering.internetMaxBandwidthOutLimit;
  if (limit >= 0 && bandwidth > limit)
    throw new ApiError(
      400,
      "INVALID_BANDWIDTH_VALUE_EXCEED_MAXIMUM",
      `The parameter \`internetMaxBandwidthOut\` (${bandwidth}) exceeds the maximum ${limit} of ${p.instanceType}.`,
    );
  if (p.trafficPackageSize !== undefined) {
    if (p.internetChargeType !== "ByTrafficPackage") throw invalid("trafficPackageSize", "is only allowed with ByTrafficPackage");
    if (p.trafficPackageSize <= 0) throw invalid("trafficPackageSize", "must be positive");
  }

  if (p.keyId !== undefined && image.osType === "windows") throw invalid("keyId", "SSH keys are not supported by Windows images");
  if (p.enableIpv6 && !zone.supportIpv6) throw invalid("enableIpv6", `zone ${p.zoneId} does not support IPv6`);
  if (p.cpuPassThrough && !zone.supportCpuPassThrough)
    throw invalid("cpuPassThrough", `zone ${p.zoneId} does not support CPU pass-through`);

  const minSystemDisk = Number(image.imageSize);
  const systemDiskSize = p.systemDisk?.diskSize ?? minSystemDisk;
  if (systemDiskSize < minSystemDisk)
    throw invalid("systemDisk.diskSize", `must be at least ${minSystemDisk} GiB for this image`);
  let dataDiskCount = 0;
  for (const [i, disk] of (p.dataDisks ?? []).entries()) {
    if (disk.diskSize < 1) throw invalid(`dataDisks[${i}].diskSize`, "must be at least 1 GiB");
    if (disk.diskAmount !== undefined && disk.diskAmount < 1) throw invalid(`dataDisks[${i}].diskAmount`, "must be at least 1");
    dataDiskCount += disk.diskAmount ?? 1;
  }
  if (dataDiskCount > LIMITS.dataDisksPerInstance)
    throw invalid("dataDisks", `at most ${LIMITS.dataDisksPerInstance} data disks per instance (diskAmount counts)`);
  return { count, name, offering, image, period, bandwidth, systemDiskSize };
}

function createInstances(p: Params<"CreateInstances">, ctx: ActionContext): Reply<"CreateInstances"> {
  const { count, name, offering, image, period, bandwidth, systemDiskSize } = validateCreate(p, ctx.catalog);
  const createTime = isoSeconds(ctx.now);
  let expiredTime: string | null = null;
  if (period !== null) {
    const expiry = new Date(ctx.now);
    expiry.setUTCMonth(expiry.getUTCMonth() + period);
    expiredTime = isoSeconds(expiry.getTime());
  }

  const created: Array<{ instanceId: string; diskIdSet: string[] }> = [];
  for (let i = 0; i < count; i++) {
    const seq = ctx.store.allocateSeq();
    const instanceId = ctx.store.instanceId(seq);
    const instanceName = expandInstanceName(name, i);
    const dataDisks = (p.dataDisks ?? []).flatMap((disk) =>
      Array.from({ length: disk.diskAmount ?? 1 }, () => ({
        diskSize: disk.diskSize,
        diskCategory: disk.diskCategory ?? "STANDARD",
        portable: false,
      })),
    );
    const info: StoredInfo = {
      instanceId,
      zoneId: p.zoneId,
      instanceName,
      instanceType: p.instanceType,
      cpuCount: offering.cpuCount,
      memory: offering.memory,
      imageId: image.imageId,
      imageName: image.imageName,
      instanceChargeType: p.instanceChargeType,
      internetMaxBandwidthOut: bandwidth,
      internetChargeType: p.internetChargeType,
      period,
      ...ctx.store.addresses(seq, p.enableIpv4 ?? true, p.enableIpv6 ?? false),
      subnetId: p.subnetId ?? null,
      createTime,
      expiredTime,
      resourceGroupId: p.resourceGroupId ?? "rg-default",
      resourceGroupName: p.resourceGroupId === undefined ? "Default Resource Group" : p.resourceGroupId,
      trafficPackageSize: p.internetChargeType === "ByTrafficPackage" ? (p.trafficPackageSize ?? 1) : null,
      securityGroupIds: p.securityGroupId === undefined ? [] : [p.securityGroupId],
      systemDisk: {
        diskId: ctx.store.diskId(),
        diskSize: systemDiskSize,
        diskCategory: p.systemDisk?.diskCategory ?? "STANDARD",
      },
      dataDisks: dataDisks.map((disk, n) => ({ diskId: ctx.store.diskId(), diskName: `${instanceName}-data-${n + 1}`, ...disk })),
      autoRenew: false,
      keyId: p.keyId ?? null,
      nic: { wanName: p.nic?.wanName ?? "eth0", lanName: p.nic?.lanName ?? "eth1" },
      tags: { tags: p.tags?.tags ?? [] },
    };
    ctx.store.add(seq, info, ctx.faults.creationOutcome(), ctx.now);
    created.push({ instanceId, diskIdSet: (info.dataDisks ?? []).map((d) => d.diskId ?? "") });
  }
  return {
    instanceIdSet: created.map((c) => c.instanceId),
    orderNumber: `${Date.now()}${randomInt(100_000, 1_000_000)}`,
    // `instances` exists from version 2026-04-01 on (reference §4.1).
    ...(ctx.version === "2026-04-01" ? { instances: created } : {}),
  };
}

// ---- DescribeInstances / DescribeInstancesStatus --------------------------------------------------

/** Live instances, in creation order: the named ones (unknown ids are simply absent) or all. */
function liveInstances(ids: string[] | undefined, ctx: ActionContext): Target[] {
  limitList("instanceIds", ids, LIMITS.idsPerCall);
  if (ids && ids.length > 0) {
    const found = [...new Set(ids)].flatMap((id) => ctx.store.find(id, ctx.now) ?? []);
    return found.sort((a, b) => a.record.seq - b.record.seq);
  }
  const all: Target[] = [];
  for (const record of ctx.store.all()) {
    const status = ctx.store.status(record, ctx.now);
    if (status) all.push({ record, status });
  }
  return all;
}

/** The filters of DescribeInstances (reference §4.2); list filters match when any/all items match as noted. */
function instanceFilter(p: Params<"DescribeInstances">): (t: Target) => boolean {
  const exact: Array<keyof StoredInfo & keyof Params<"DescribeInstances">> = [
    "zoneId",
    "resourceGroupId",
    "instanceType",
    "internetChargeType",
    "imageId",
    "keyId",
    "subnetId",
  ];
  const name = p.instanceName;
  const prefix = name?.endsWith("*") ? name.slice(0, -1) : undefined;
  return ({ record: { info }, status }) => {
    if (p.instanceStatus !== undefined && status !== p.instanceStatus) return false;
    for (const field of exact) if (p[field] !== undefined && info[field] !== p[field]) return false;
    if (p.securityGroupId !== undefined && !info.securityGroupIds?.includes(p.securityGroupId)) return false;
    if (name !== undefined && (prefix === undefined ? info.instanceName !== name : !info.instanceName?.startsWith(prefix)))
      return false;
    // IP lists: an instance matches when it holds any of the listed addresses.
    if (p.publicIpAddresses?.length && !p.publicIpAddresses.some((ip) => info.publicIpAddresses?.includes(ip))) return false;
    if (p.privateIpAddresses?.length && !p.privateIpAddresses.some((ip) => info.privateIpAddresses?.includes(ip))) return false;
    // Tags: an instance matches when it carries every listed key (tagKeys) and every listed pair (tags).
    const tags = info.tags?.tags ?? [];
    if (p.tagKeys && !p.tagKeys.every((key) => tags.some((t) => t.key === key))) return false;
    if (p.tags && !p.tags.every((want) => tags.some((t) => t.key === want.key && t.value === want.value))) return false;
    return true;
  };
}

function describeInstances(p: Params<"DescribeInstances">, ctx: ActionContext): Reply<"DescribeInstances"> {
  limitList("tags", p.tags, LIMITS.tagFilters);
  limitList("tagKeys", p.tagKeys, LIMITS.tagFilters);
  const paginate = paging(p);
  const { totalCount, page } = paginate(liveInstances(p.instanceIds, ctx).filter(instanceFilter(p)));
  const items = page.map(({ record, status }) => ctx.store.instanceJson(record, status));
  return { totalCount, dataSet: new RawJson(`[${items.join(",")}]`) };
}

function describeInstancesStatus(p: Params<"DescribeInstancesStatus">, ctx: ActionContext): Reply<"DescribeInstancesStatus"> {
  const { totalCount, page } = paging(p)(liveInstances(p.instanceIds, ctx));
  return {
    totalCount,
    dataSet: page.map(({ record, status }) => ({ instanceId: record.info.instanceId, instanceStatus: status })),
  };
}

// ---- operations on existing instances -------------------------------------------------------------

function terminateInstance(p: Params<"TerminateInstance">, ctx: ActionContext): Reply<"TerminateInstance"> {
  const [target] = targets([p.instanceId], ctx, (t, id) => {
    if (t.status === "CREATE_FAILED") return undefined;
    if (t.status === "REBUILDING") return denied("INSTANCE_STATUS_INSTALLING", id, "it is being reinstalled");
    const conflict = commonConflict(t, id);
    if (conflict) return conflict;
    if (t.record.info.instanceChargeType === "PREPAID")
      return denied("INSTANCE_SUBSCRIPTION", id, "a PREPAID instance cannot be returned before it expires");
    if (t.status !== "RUNNING" && t.status !== "STOPPED")
      return denied("INSTANCE_STATUS", id, `it is ${t.status}; only RUNNING or STOPPED instances can be terminated`);
    return undefined;
  });
  ctx.store.terminate(target!.record, ctx.now);
  return {};
}

function releaseInstances(p: Params<"ReleaseInstances">, ctx: ActionContext): Reply<"ReleaseInstances"> {
  const found = targets(p.instanceIds, ctx, (t, id) =>
    t.status === "RECYCLE" ? undefined : denied("INSTANCE_NOT_RECYCLED", id, `it is ${t.status}, not in the recycle bin`),
  );
  for (const { record } of found) ctx.store.release(record, ctx.now);
  return {};
}

/** Start, Stop and Reboot: instances in status `from` go through `via` to `to`; any other is refused with `code`. */
const powerAction =
  (from: "STOPPED" | "RUNNING", code: string, via: "BOOTING" | "STOPPING" | "REBOOT", to: "RUNNING" | "STOPPED") =>
  (p: Params<"StartInstances" | "StopInstances" | "RebootInstances">, ctx: ActionContext): Reply<"StartInstances"> => {
    const found = targets(p.instanceIds, ctx, requireStatus(from, code));
    for (const { record } of found) ctx.store.power(record, ctx.now, via, to);
    return {};
  };
const startInstances = powerAction("STOPPED", "INSTANCE_NOT_STOPPED", "BOOTING", "RUNNING");
const stopInstances = powerAction("RUNNING", "INSTANCE_NOT_RUNNING", "STOPPING", "STOPPED");
const rebootInstances = powerAction("RUNNING", "INSTANCE_NOT_RUNNING", "REBOOT", "RUNNING");

function modifyInstancesAttribute(p: Params<"ModifyInstancesAttribute">, ctx: ActionContext): Reply<"ModifyInstancesAttribute"> {
  checkName("instanceName", p.instanceName);
  const found = targets(p.instanceIds, ctx, (t, id) =>
    CREATING.has(t.status) ? denied("INSTANCE_CREATING", id, `it is still being created (${t.status})`) : undefined,
  );
  for (const { record } of found) ctx.store.rename(record, p.instanceName);
  return {};
}

// ---- tags (zrm service) ---------------------------------------------------------------------------

function modifyResourceTags(p: Params<"ModifyResourceTags">, ctx: ActionContext): Reply<"ModifyResourceTags"> {
  const replace = p.replaceTags ?? [];
  const remove = p.deleteTagKeys ?? [];
  if (replace.length === 0 && remove.length === 0)
    throw new ApiError(400, "MISSING_PARAMETER", "One of the parameters `replaceTags` and `deleteTagKeys` is required.");
  checkTags(replace, "replaceTags");
  const both = replace.find((t) => remove.includes(t.key));
  if (both) throw invalid("deleteTagKeys", `the key ${JSON.stringify(both.key)} is also in replaceTags`);
  // Assumption (reference §4.10 gives no error list): an unknown or released resource is 404 RESOURCE_NOT_FOUND.
  const target = ctx.store.find(p.resourceUuid, ctx.now);
  if (!target) throw new ApiError(404, "OPERATION_FAILED_RESOURCE_NOT_FOUND", `The resource \`${p.resourceUuid}\` is not found.`);
  const replaced = new Set(replace.map((t) => t.key));
  const kept = (target.record.info.tags?.tags ?? []).filter((t) => !replaced.has(t.key) && !remove.includes(t.key));
  ctx.store.retag(target.record, [...kept, ...replace]);
  return {};
}

// ---- catalogue ------------------------------------------------------------------------------------

function knownZone(zoneId: string | undefined, catalog: Catalog): void {
  if (zoneId !== undefined && !catalog.zones.has(zoneId))
    throw new ApiError(404, "INVALID_ZONE_NOT_FOUND", `The specified zoneId \`${zoneId}\` is not found.`);
}

function describeZones(p: Params<"DescribeZones">, ctx: ActionContext): Reply<"DescribeZones"> {
  const wanted = p.zoneIds?.length ? new Set(p.zoneIds) : undefined;
  const zoneSet = ctx.catalog.data.zones
    .filter((zone) => !wanted || wanted.has(zone.zoneId))
    // `networkLineType` exists from version 2026-04-01 on (reference §1.2).
    .map(({ networkLineType, ...zone }): ZoneInfo => (ctx.version === "2026-04-01" ? { ...zone, networkLineType } : zone));
  return { zoneSet };
}

function describeZoneInstanceConfigInfos(
  p: Params<"DescribeZoneInstanceConfigInfos">,
  ctx: ActionContext,
): Reply<"DescribeZoneInstanceConfigInfos"> {
  knownZone(p.zoneId, ctx.catalog);
  const instanceTypeQuotaSet = ctx.catalog.data.offerings
    .filter(
      (o) =>
        (p.zoneId === undefined || o.zoneId === p.zoneId) &&
        (p.instanceType === undefined || o.instanceType === p.instanceType) &&
        (p.instanceChargeType === undefined || o.instanceChargeTypes.includes(p.instanceChargeType)),
    )
    .map(({ instanceChargeTypes: _, ...quota }): InstanceTypeQuota => quota);
  return { instanceTypeQuotaSet };
}

function describeImages(p: Params<"DescribeImages">, ctx: ActionContext): Reply<"DescribeImages"> {
  knownZone(p.zoneId, ctx.catalog);
  limitList("imageIds", p.imageIds, LIMITS.idsPerCall);
  const paginate = paging(p);
  const name = p.imageName?.toLowerCase();
  const matching = ctx.catalog.data.images.filter(
    (image) =>
      (p.zoneId === undefined || image.zoneIds.includes(p.zoneId)) &&
      (!p.imageIds?.length || p.imageIds.includes(image.imageId)) &&
      (name === undefined || image.imageName.toLowerCase().includes(name)) &&
      (p.category === undefined || image.category === p.category) &&
      (p.imageType === undefined || image.imageType === p.imageType) &&
      (p.osType === undefined || image.osType === p.osType) &&
      (p.imageStatus === undefined || image.imageStatus === p.imageStatus),
  );
  const { totalCount, page } = paginate(matching);
  return { totalCount, dataSet: page.map(({ zoneIds: _, ...image }): ImageInfo => image) };
}

// ---- dispatch -------------------------------------------------------------------------------------

type Handler<A extends ActionName> = (params: Params<A>, ctx: ActionContext) => Reply<A>;

const HANDLERS: { [A in ActionName]: Handler<A> } = {
  CreateInstances: createInstances,
  DescribeInstances: describeInstances,
  DescribeInstancesStatus: describeInstancesStatus,
  TerminateInstance: terminateInstance,
  ReleaseInstances: releaseInstances,
  StartInstances: startInstances,
  StopInstances: stopInstances,
  RebootInstances: rebootInstances,
  ModifyInstancesAttribute: modifyInstancesAttribute,
  DescribeZones: describeZones,
  DescribeZoneInstanceConfigInfos: describeZoneInstanceConfigInfos,
  DescribeImages: describeImages,
  ModifyResourceTags: modifyResourceTags,
};

/** Validates `body` for `action` and runs it. Throws `ApiError` for every refusal. */
export function runAction<A extends ActionName>(action: A, body: unknown, ctx: ActionContext): Reply<A> {
  return (HANDLERS[action] as Handler<A>)(parseParams(action, body), ctx);
}
