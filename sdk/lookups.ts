// Lookups for programs: which zones, images and instance types exist. Each returns plain API data
// and has an `…Output` twin that takes `pulumi.Input`s, the way Pulumi packages pair getX/getXOutput.
// They use the provider's client and settings: stack config `zenlayer:*`, then `ZENLAYERCLOUD_*`.
import * as pulumi from "@pulumi/pulumi";
import { ZenlayerClient } from "../provider/api/client";
import type { ImageInfo, InstanceTypeQuota, ZoneInfo } from "../provider/api/schemas";
import {
  findImage,
  type ImageFilter,
  type InstanceTypeFilter,
  listImages,
  listInstanceTypes,
  listZones,
  type SingleImageFilter,
} from "../provider/catalog";
import { settingsFromConfig } from "../provider/runtime";

export type { ImageFilter, ImageInfo, InstanceTypeFilter, InstanceTypeQuota, SingleImageFilter, ZoneInfo };

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** A client configured the way the InstanceSet provider is (raw config: no secret warnings). */
function programClient(): ZenlayerClient {
  return new ZenlayerClient({ ...settingsFromConfig({ get: (key) => pulumi.runtime.getConfig(key) }), env: process.env });
}

/** Every zone the account can use (`DescribeZones`): `zoneId`, `zoneName`, IPv6 and security-group support… */
export function getZones(): Promise<ZoneInfo[]> {
  return listZones(programClient());
}
export function getZonesOutput(): pulumi.Output<ZoneInfo[]> {
  return pulumi.output(getZones());
}

/** Images available in a zone (`DescribeImages`, all pages), optionally filtered by category, OS, type and a name regex. */
export function getImages(args: ImageFilter): Promise<ImageInfo[]> {
  return listImages(programClient(), args);
}
export function getImagesOutput(args: Inputs<ImageFilter>): pulumi.Output<ImageInfo[]> {
  return pulumi.output(args).apply((a) => getImages(a as ImageFilter));
}

/** Instance types offered (`DescribeZoneInstanceConfigInfos`): cores, memory, bandwidth limit and charge types per zone. */
export function getInstanceTypes(args: InstanceTypeFilter = {}): Promise<InstanceTypeQuota[]> {
  return listInstanceTypes(programClient(), args);
}
export function getInstanceTypesOutput(args: Inputs<InstanceTypeFilter> = {}): pulumi.Output<InstanceTypeQuota[]> {
  return pulumi.output(args).apply((a) => getInstanceTypes(a as InstanceTypeFilter));
}

/**
 * Exactly one image of a category in a zone (e.g. `{ zoneId: "SEL-A", category: "Ubuntu", nameRegex: "22\\.04" }`).
 * Fails with the list of candidates when several match, unless `mostRecent` picks the highest version.
 */
export function getImage(args: SingleImageFilter): Promise<ImageInfo> {
  return findImage(programClient(), args);
}
export function getImageOutput(args: Inputs<SingleImageFilter>): pulumi.Output<ImageInfo> {
  return pulumi.output(args).apply((a) => getImage(a as SingleImageFilter));
}
