// zod schemas of the VM API's wire format (reference §3, §4). Request schemas describe the shape
// of parameters (the documented limits live in rules.ts); response schemas are what the client
// validates every answer against, and what the emulator's answers are typed from.
// Responses may carry `null` or omit fields that have no value (§3.1), hence `.nullish()`.
import { z } from "zod";
import { CHARGE_TYPES, DISK_CATEGORIES, INSTANCE_STATUSES, INTERNET_CHARGE_TYPES, NETWORK_MODES } from "./rules";

// ---- shared pieces -------------------------------------------------------------------------

export const InstanceStatus = z.enum(INSTANCE_STATUSES);
export type InstanceStatus = z.infer<typeof InstanceStatus>;
export const ChargeType = z.enum(CHARGE_TYPES);
export const InternetChargeType = z.enum(INTERNET_CHARGE_TYPES);
export const DiskCategory = z.enum(DISK_CATEGORIES);

export const Tag = z.object({ key: z.string(), value: z.string() });
export type Tag = z.infer<typeof Tag>;
/** CreateInstances and InstanceInfo wrap tags in an object; DescribeInstances' filter does not. */
export const TagAssociation = z.object({ tags: z.array(Tag) });

const ids = z.array(z.string());
const paging = { pageSize: z.number().int().optional(), pageNum: z.number().int().optional() };

export const SuccessEnvelope = z.object({ requestId: z.string(), response: z.record(z.string(), z.unknown()) });
export const ErrorEnvelope = z.object({ requestId: z.string().nullish(), code: z.string(), message: z.string().nullish() });
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

const responseOf = <T extends z.ZodRawShape>(shape: T) => z.object({ requestId: z.string().nullish(), ...shape });
const EmptyResponse = responseOf({});

// ---- CreateInstances (§4.1) ----------------------------------------------------------------

export const SystemDisk = z.object({ diskSize: z.number().int().optional(), diskCategory: DiskCategory.optional() });
export const DataDisk = z.object({
  diskSize: z.number().int(),
  diskCategory: DiskCategory.optional(),
  diskAmount: z.number().int().optional(),
});
export const Nic = z.object({ wanName: z.string().optional(), lanName: z.string().optional() });

export const CreateInstancesRequest = z.object({
  zoneId: z.string(),
  imageId: z.string(),
  instanceType: z.string(),
  instanceChargeType: ChargeType,
  instanceChargePrepaid: z.object({ period: z.number().int() }).optional(),
  instanceChargePostpaid: z.object({ period: z.number().int() }).optional(),
  internetChargeType: InternetChargeType,
  internetMaxBandwidthOut: z.number().int().optional(),
  trafficPackageSize: z.number().optional(),
  instanceCount: z.number().int().optional(),
  instanceName: z.string().optional(),
  password: z.string().optional(),
  keyId: z.string().optional(),
  resourceGroupId: z.string().optional(),
  subnetId: z.string().optional(),
  securityGroupId: z.string().optional(),
  systemDisk: SystemDisk.optional(),
  dataDisks: z.array(DataDisk).optional(),
  enableIpv4: z.boolean().optional(),
  enableIpv6: z.boolean().optional(),
  cpuPassThrough: z.boolean().optional(),
  initScript: z.string().optional(),
  networkMode: z.enum(NETWORK_MODES).optional(),
  diskPreAllocated: z.boolean().optional(),
  nic: Nic.optional(),
  clusterId: z.string().optional(),
  cidrBlockId: z.string().optional(),
  startCidrIpv4: z.string().optional(),
  marketingOptions: z.object({ discountCode: z.string().optional(), usePocVoucher: z.boolean().optional() }).optional(),
  tags: TagAssociation.optional(),
});
export type CreateInstancesRequest = z.infer<typeof CreateInstancesRequest>;

export const CreateInstancesResponse = responseOf({
  instanceIdSet: ids,
  orderNumber: z.string().nullish(),
  instances: z.array(z.object({ instanceId: z.string(), diskIdSet: ids.nullish() })).nullish(),
});
export type CreateInstancesResponse = z.infer<typeof CreateInstancesResponse>;

// ---- DescribeInstances (§4.2) --------------------------------------------------------------

export const DescribeInstancesRequest = z.object({
  instanceIds: ids.optional(),
  zoneId: z.string().optional(),
  resourceGroupId: z.string().optional(),
  instanceType: z.string().optional(),
  internetChargeType: z.string().optional(),
  imageId: z.string().optional(),
  keyId: z.string().optional(),
  subnetId: z.string().optional(),
  securityGroupId: z.string().optional(),
  instanceStatus: InstanceStatus.optional(),
  instanceName: z.string().optional(),
  publicIpAddresses: ids.optional(),
  privateIpAddresses: ids.optional(),
  tagKeys: ids.optional(),
  tags: z.array(Tag).optional(),
  ...paging,
});
export type DescribeInstancesRequest = z.infer<typeof DescribeInstancesRequest>;

const stringList = ids.nullish();
export const InstanceInfo = z.object({
  instanceId: z.string(),
  zoneId: z.string().nullish(),
  instanceName: z.string().nullish(),
  instanceType: z.string().nullish(),
  cpuCount: z.number().nullish(),
  memory: z.number().nullish(),
  imageId: z.string().nullish(),
  imageName: z.string().nullish(),
  instanceChargeType: z.string().nullish(),
  internetMaxBandwidthOut: z.number().nullish(),
  internetChargeType: z.string().nullish(),
  period: z.number().nullish(),
  publicIpAddresses: stringList,
  publicIpv6Addresses: stringList,
  privateIpAddresses: stringList,
  subnetId: z.string().nullish(),
  createTime: z.string().nullish(),
  expiredTime: z.string().nullish(),
  resourceGroupId: z.string().nullish(),
  resourceGroupName: z.string().nullish(),
  // A plain string, not the enum: a status the API adds later must not break parsing.
  instanceStatus: z.string(),
  trafficPackageSize: z.number().nullish(),
  securityGroupIds: stringList,
  systemDisk: z
    .object({ diskId: z.string().nullish(), diskSize: z.number().nullish(), diskCategory: z.string().nullish() })
    .nullish(),
  dataDisks: z
    .array(
      z.object({
        diskId: z.string().nullish(),
        diskName: z.string().nullish(),
        diskSize: z.number().nullish(),
        portable: z.boolean().nullish(),
        diskCategory: z.string().nullish(),
      }),
    )
    .nullish(),
  autoRenew: z.boolean().nullish(),
  keyId: z.string().nullish(),
  nic: z.object({ wanName: z.string().nullish(), lanName: z.string().nullish() }).nullish(),
  tags: TagAssociation.nullish(),
});
export type InstanceInfo = z.infer<typeof InstanceInfo>;

export const DescribeInstancesResponse = responseOf({ totalCount: z.number().int(), dataSet: z.array(InstanceInfo).nullish() });
export type DescribeInstancesResponse = z.infer<typeof DescribeInstancesResponse>;

// ---- DescribeInstancesStatus (§4.3) --------------------------------------------------------

export const DescribeInstancesStatusRequest = z.object({ instanceIds: ids.optional(), ...paging });
export type DescribeInstancesStatusRequest = z.infer<typeof DescribeInstancesStatusRequest>;
export const InstanceStatusInfo = z.object({ instanceId: z.string(), instanceStatus: z.string() });
export type InstanceStatusInfo = z.infer<typeof InstanceStatusInfo>;
export const DescribeInstancesStatusResponse = responseOf({
  totalCount: z.number().int(),
  dataSet: z.array(InstanceStatusInfo).nullish(),
});
export type DescribeInstancesStatusResponse = z.infer<typeof DescribeInstancesStatusResponse>;

// ---- deletion and instance operations (§4.4 - §4.6) ----------------------------------------

export const TerminateInstanceRequest = z.object({ instanceId: z.string() });
export const InstanceIdsRequest = z.object({ instanceIds: ids });
export const StopInstancesRequest = z.object({ instanceIds: ids, forceShutdown: z.boolean().optional() });
export const ModifyInstancesAttributeRequest = z.object({ instanceIds: ids, instanceName: z.string() });

// ---- catalogue (§4.7 - §4.9) ---------------------------------------------------------------

export const DescribeZonesRequest = z.object({ zoneIds: ids.optional() });
export const ZoneInfo = z.object({
  zoneId: z.string(),
  zoneName: z.string().nullish(),
  supportSecurityGroup: z.boolean().nullish(),
  supportNetworkType: z.string().nullish(),
  supportIpv6: z.boolean().nullish(),
  supportCpuPassThrough: z.boolean().nullish(),
  networkLineType: z.string().nullish(),
});
export type ZoneInfo = z.infer<typeof ZoneInfo>;
export const DescribeZonesResponse = responseOf({ zoneSet: z.array(ZoneInfo).nullish() });

export const DescribeZoneInstanceConfigInfosRequest = z.object({
  instanceChargeType: ChargeType.optional(),
  zoneId: z.string().optional(),
  instanceType: z.string().optional(),
});
export const InstanceTypeQuota = z.object({
  zoneId: z.string(),
  instanceType: z.string(),
  instanceTypeName: z.string().nullish(),
  cpuCount: z.number().nullish(),
  memory: z.number().nullish(),
  internetMaxBandwidthOutLimit: z.number().nullish(),
  frequency: z.string().nullish(),
  internetChargeTypes: stringList,
});
export type InstanceTypeQuota = z.infer<typeof InstanceTypeQuota>;
export const DescribeZoneInstanceConfigInfosResponse = responseOf({ instanceTypeQuotaSet: z.array(InstanceTypeQuota).nullish() });

export const DescribeImagesRequest = z.object({
  zoneId: z.string().optional(),
  imageIds: ids.optional(),
  imageName: z.string().optional(),
  category: z.string().optional(),
  imageType: z.enum(["PUBLIC_IMAGE", "CUSTOM_IMAGE"]).optional(),
  osType: z.enum(["linux", "windows"]).optional(),
  imageStatus: z.enum(["CREATING", "AVAILABLE", "UNAVAILABLE"]).optional(),
  ...paging,
});
export const ImageInfo = z.object({
  imageId: z.string(),
  imageName: z.string().nullish(),
  imageType: z.string().nullish(),
  imageSize: z.string().nullish(),
  imageDescription: z.string().nullish(),
  imageVersion: z.string().nullish(),
  imageStatus: z.string().nullish(),
  category: z.string().nullish(),
  osType: z.string().nullish(),
});
export type ImageInfo = z.infer<typeof ImageInfo>;
export const DescribeImagesResponse = responseOf({ totalCount: z.number().int(), dataSet: z.array(ImageInfo).nullish() });

// ---- ModifyResourceTags (zrm service, §4.10) ------------------------------------------------

/** Sets (adds or overwrites) `replaceTags` and removes `deleteTagKeys` on one resource; an instance's uuid is its id. */
export const ModifyResourceTagsRequest = z.object({
  resourceUuid: z.string().min(1),
  replaceTags: z.array(Tag).optional(),
  deleteTagKeys: z.array(z.string()).optional(),
});
export type ModifyResourceTagsRequest = z.infer<typeof ModifyResourceTagsRequest>;

// ---- the action registry -------------------------------------------------------------------

/**
 * Where each service's actions are posted. The VM service's version is a setting
 * (`apiVersion`); the tag service (zrm) has one.
 */
export const SERVICES = {
  vm: { path: "/api/v2/vm", version: undefined },
  zrm: { path: "/api/v2/zrm", version: "2025-10-14" },
} as const;
export type ServiceName = keyof typeof SERVICES;

/**
 * Every action the package speaks, with its request and response schema. `sendOnce` marks
 * actions that must never be re-sent when their outcome is unknown (they are not idempotent);
 * `service` names the service of actions outside the VM service.
 */
export const ACTIONS = {
  CreateInstances: { request: CreateInstancesRequest, response: CreateInstancesResponse, sendOnce: true },
  DescribeInstances: { request: DescribeInstancesRequest, response: DescribeInstancesResponse, sendOnce: false },
  DescribeInstancesStatus: {
    request: DescribeInstancesStatusRequest,
    response: DescribeInstancesStatusResponse,
    sendOnce: false,
  },
  TerminateInstance: { request: TerminateInstanceRequest, response: EmptyResponse, sendOnce: false },
  ReleaseInstances: { request: InstanceIdsRequest, response: EmptyResponse, sendOnce: false },
  StartInstances: { request: InstanceIdsRequest, response: EmptyResponse, sendOnce: false },
  StopInstances: { request: StopInstancesRequest, response: EmptyResponse, sendOnce: false },
  RebootInstances: { request: InstanceIdsRequest, response: EmptyResponse, sendOnce: false },
  ModifyInstancesAttribute: { request: ModifyInstancesAttributeRequest, response: EmptyResponse, sendOnce: false },
  DescribeZones: { request: DescribeZonesRequest, response: DescribeZonesResponse, sendOnce: false },
  DescribeZoneInstanceConfigInfos: {
    request: DescribeZoneInstanceConfigInfosRequest,
    response: DescribeZoneInstanceConfigInfosResponse,
    sendOnce: false,
  },
  DescribeImages: { request: DescribeImagesRequest, response: DescribeImagesResponse, sendOnce: false },
  ModifyResourceTags: { request: ModifyResourceTagsRequest, response: EmptyResponse, sendOnce: false, service: "zrm" },
} as const;

export type ActionName = keyof typeof ACTIONS;
export type ActionRequest<A extends ActionName> = z.input<(typeof ACTIONS)[A]["request"]>;
export type ActionResponse<A extends ActionName> = z.infer<(typeof ACTIONS)[A]["response"]>;
export const isActionName = (name: string): name is ActionName => Object.hasOwn(ACTIONS, name);
export const serviceOf = (action: ActionName): ServiceName => {
  const spec = ACTIONS[action];
  return "service" in spec ? spec.service : "vm";
};
