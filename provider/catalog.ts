// The API's catalogue (zones, images, instance types), read with the same client, credentials
// and validation as the provider. Used by the SDK's lookup functions and by check's cross-check.
import type { ZenlayerClient } from "./api/client";
import type { ImageInfo, InstanceTypeQuota, ZoneInfo } from "./api/schemas";

export interface ImageFilter {
  zoneId: string;
  category?: string;
  osType?: "linux" | "windows";
  imageType?: "PUBLIC_IMAGE" | "CUSTOM_IMAGE";
  /** Regular expression the image name must match. */
  nameRegex?: string;
}

export interface InstanceTypeFilter {
  zoneId?: string;
  instanceChargeType?: "PREPAID" | "POSTPAID";
}

export interface SingleImageFilter {
  zoneId: string;
  category: string;
  nameRegex?: string;
  /** With several matches, take the one with the highest version instead of failing. */
  mostRecent?: boolean;
}

export async function listZones(client: ZenlayerClient): Promise<ZoneInfo[]> {
  return (await client.call("DescribeZones", {})).zoneSet ?? [];
}

export async function listImages(client: ZenlayerClient, filter: ImageFilter): Promise<ImageInfo[]> {
  const { nameRegex, ...apiFilter } = filter;
  const pattern = nameRegex === undefined ? undefined : compileRegex(nameRegex);
  const images = await client.describeAllImages(apiFilter);
  return pattern ? images.filter((i) => pattern.test(i.imageName ?? "")) : images;
}

export async function listInstanceTypes(client: ZenlayerClient, filter: InstanceTypeFilter = {}): Promise<InstanceTypeQuota[]> {
  return (await client.call("DescribeZoneInstanceConfigInfos", filter)).instanceTypeQuotaSet ?? [];
}

/** Exactly one image, or an error listing the candidates. */
export async function findImage(client: ZenlayerClient, filter: SingleImageFilter): Promise<ImageInfo> {
  const { mostRecent, ...rest } = filter;
  const images = await listImages(client, rest);
  const described = `zone ${filter.zoneId}, category ${filter.category}${filter.nameRegex ? `, name /${filter.nameRegex}/` : ""}`;
  if (images.length === 0) throw new Error(`getImage: no image matches ${described}`);
  if (images.length === 1) return images[0]!;
  if (mostRecent) return [...images].sort(byVersionDescending)[0]!;
  const candidates = images.map((i) => `${i.imageId} (${i.imageName ?? "?"})`).join(", ");
  throw new Error(`getImage: ${images.length} images match ${described}: ${candidates}; narrow nameRegex or set mostRecent`);
}

function compileRegex(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new Error(`nameRegex is not a valid regular expression: ${(error as Error).message}`);
  }
}

/** Versions compare numerically part by part ("22.04" > "20.04" > "9"); the name breaks ties. */
function byVersionDescending(a: ImageInfo, b: ImageInfo): number {
  const parts = (i: ImageInfo) =>
    (i.imageVersion ?? i.imageName ?? "")
      .split(/[^0-9]+/)
      .filter(Boolean)
      .map(Number);
  const pa = parts(a);
  const pb = parts(b);
  for (let k = 0; k < Math.max(pa.length, pb.length); k++) {
    const d = (pb[k] ?? -1) - (pa[k] ?? -1);
    if (d !== 0) return d;
  }
  return (b.imageName ?? "").localeCompare(a.imageName ?? "");
}

export interface CatalogProblem {
  property: "zoneId" | "imageId" | "instanceType";
  reason: string;
}

const few = (values: string[]) => values.slice(0, 5).join(", ") + (values.length > 5 ? ", …" : "");

/** Cross-checks a set's zone, image and instance type against the catalogue. */
export async function catalogProblems(
  client: ZenlayerClient,
  placement: { zoneId: string; imageId: string; instanceType: string; instanceChargeType: "PREPAID" | "POSTPAID" },
): Promise<CatalogProblem[]> {
  const zones = await listZones(client);
  if (!zones.some((z) => z.zoneId === placement.zoneId)) {
    return [{ property: "zoneId", reason: `is not a known zone; valid zones include ${few(zones.map((z) => z.zoneId))}` }];
  }
  const [types, images] = await Promise.all([
    listInstanceTypes(client, { zoneId: placement.zoneId, instanceChargeType: placement.instanceChargeType }),
    client.describeAllImages({ zoneId: placement.zoneId }),
  ]);
  const problems: CatalogProblem[] = [];
  if (!types.some((t) => t.instanceType === placement.instanceType)) {
    problems.push({
      property: "instanceType",
      reason: `is not offered in ${placement.zoneId}; valid types include ${few(types.map((t) => t.instanceType))}`,
    });
  }
  if (!images.some((i) => i.imageId === placement.imageId)) {
    problems.push({
      property: "imageId",
      reason: `is not available in ${placement.zoneId}; valid images include ${few(images.map((i) => `${i.imageId} (${i.imageName ?? "?"})`))}`,
    });
  }
  return problems;
}
