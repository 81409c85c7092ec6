// The emulator's catalogue: zones, instance types offered per zone, and images (reference §4.7-§4.9).
// A seeded default stands in for the real one; `--catalog <file>` replaces it with a JSON file of the
// same shape, validated by `CatalogFile`.
import * as fs from "node:fs";
import { z } from "zod";
import { ChargeType, ImageInfo, InstanceTypeQuota, InternetChargeType, ZoneInfo } from "../provider/api/schemas";

/** One instance type as sold in one zone: the API's quota entry plus the charge types the zone accepts. */
const Offering = InstanceTypeQuota.extend({
  cpuCount: z.number().int().positive(),
  memory: z.number().int().positive(),
  /** Mbps; -1 means the type has no bandwidth cap (reference §4.8). */
  internetMaxBandwidthOutLimit: z.number().int().min(-1),
  internetChargeTypes: z.array(InternetChargeType).min(1),
  instanceChargeTypes: z.array(ChargeType).min(1),
});
export type Offering = z.infer<typeof Offering>;

const CatalogImage = ImageInfo.extend({
  imageName: z.string(),
  osType: z.enum(["linux", "windows"]),
  /** GiB as a decimal string (the API's format); also the minimum system disk size. */
  imageSize: z.string().regex(/^\d+$/),
  /** Zones the image can be installed in. */
  zoneIds: z.array(z.string()).min(1),
});
export type CatalogImage = z.infer<typeof CatalogImage>;

export const CatalogFile = z
  .object({
    zones: z.array(ZoneInfo).min(1),
    offerings: z.array(Offering),
    images: z.array(CatalogImage),
  })
  .superRefine((catalog, ctx) => {
    const zoneIds = new Set<string>();
    for (const [i, zone] of catalog.zones.entries()) {
      if (zoneIds.has(zone.zoneId)) ctx.addIssue({ code: "custom", path: ["zones", i, "zoneId"], message: "duplicate zoneId" });
      zoneIds.add(zone.zoneId);
    }
    const offered = new Set<string>();
    for (const [i, offering] of catalog.offerings.entries()) {
      if (!zoneIds.has(offering.zoneId))
        ctx.addIssue({ code: "custom", path: ["offerings", i, "zoneId"], message: `unknown zone ${offering.zoneId}` });
      const key = `${offering.zoneId}/${offering.instanceType}`;
      if (offered.has(key)) ctx.addIssue({ code: "custom", path: ["offerings", i], message: `duplicate offering ${key}` });
      offered.add(key);
    }
    const imageIds = new Set<string>();
    for (const [i, image] of catalog.images.entries()) {
      if (imageIds.has(image.imageId))
        ctx.addIssue({ code: "custom", path: ["images", i, "imageId"], message: "duplicate imageId" });
      imageIds.add(image.imageId);
      for (const zoneId of image.zoneIds)
        if (!zoneIds.has(zoneId))
          ctx.addIssue({ code: "custom", path: ["images", i, "zoneIds"], message: `unknown zone ${zoneId}` });
    }
  });
export type CatalogFile = z.infer<typeof CatalogFile>;

/** The catalogue with the look-ups the actions need. */
export class Catalog {
  readonly zones: ReadonlyMap<string, ZoneInfo>;
  readonly images: ReadonlyMap<string, CatalogImage>;
  private readonly offeringsByKey: ReadonlyMap<string, Offering>;
  private readonly typeNames: ReadonlySet<string>;

  constructor(readonly data: CatalogFile) {
    this.zones = new Map(data.zones.map((z) => [z.zoneId, z]));
    this.images = new Map(data.images.map((i) => [i.imageId, i]));
    this.offeringsByKey = new Map(data.offerings.map((o) => [`${o.zoneId}/${o.instanceType}`, o]));
    this.typeNames = new Set(data.offerings.map((o) => o.instanceType));
  }

  offering(zoneId: string, instanceType: string): Offering | undefined {
    return this.offeringsByKey.get(`${zoneId}/${instanceType}`);
  }

  /** Whether the type is sold in at least one zone. */
  knowsType(instanceType: string): boolean {
    return this.typeNames.has(instanceType);
  }
}

/** Reads and validates a `--catalog` file; the error names the file and the first bad fields. */
export function loadCatalogFile(file: string): CatalogFile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`catalog ${file}: ${(error as Error).message}`);
  }
  const parsed = CatalogFile.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`catalog ${file} is invalid: ${issues.join("; ")}`);
  }
  return parsed.data;
}

// ---- the seeded default ------------------------------------------------------------------------

const ALL_ZONES = ["SEL-A", "FRA-A", "SIN-E", "HKG-A"];

const TYPES = [
  { instanceType: "c.1c2g", instanceTypeName: "Compute 1C2G", cpuCount: 1, memory: 2, bandwidth: 200 },
  { instanceType: "c.2c4g", instanceTypeName: "Compute 2C4G", cpuCount: 2, memory: 4, bandwidth: 500 },
  { instanceType: "c.4c8g", instanceTypeName: "Compute 4C8G", cpuCount: 4, memory: 8, bandwidth: 1000 },
  { instanceType: "m.2c8g", instanceTypeName: "Memory 2C8G", cpuCount: 2, memory: 8, bandwidth: 500 },
  { instanceType: "m.4c16g", instanceTypeName: "Memory 4C16G", cpuCount: 4, memory: 16, bandwidth: 1000 },
];

/** Per zone: what it sells and how it may be charged. */
const ZONE_SALES: Record<
  string,
  { types: string[]; internet: Offering["internetChargeTypes"]; charge: Offering["instanceChargeTypes"] }
> = {
  "SEL-A": {
    types: ["c.1c2g", "c.2c4g", "c.4c8g", "m.2c8g", "m.4c16g"],
    internet: ["ByBandwidth", "ByTrafficPackage", "ByClusterBandwidth95"],
    charge: ["PREPAID", "POSTPAID"],
  },
  "FRA-A": {
    types: ["c.1c2g", "c.2c4g", "c.4c8g", "m.4c16g"],
    internet: ["ByBandwidth", "ByTrafficPackage"],
    charge: ["PREPAID", "POSTPAID"],
  },
  "SIN-E": { types: ["c.1c2g", "c.2c4g", "m.2c8g"], internet: ["ByBandwidth"], charge: ["POSTPAID"] },
  "HKG-A": {
    types: ["c.1c2g", "c.2c4g", "m.2c8g", "m.4c16g"],
    internet: ["ByBandwidth", "ByTrafficPackage"],
    charge: ["PREPAID", "POSTPAID"],
  },
};

const image = (
  imageId: string,
  imageName: string,
  category: string,
  imageVersion: string,
  osType: "linux" | "windows",
  zoneIds = ALL_ZONES,
): CatalogImage => ({
  imageId,
  imageName,
  imageType: "PUBLIC_IMAGE",
  imageSize: osType === "windows" ? "40" : "20",
  imageDescription: `${imageName} public image`,
  imageVersion,
  imageStatus: "AVAILABLE",
  category,
  osType,
  zoneIds,
});

export const SEED_CATALOG: CatalogFile = {
  zones: [
    { zoneId: "SEL-A", zoneName: "Seoul A", networkLineType: "BGP", supportIpv6: true, supportCpuPassThrough: false },
    { zoneId: "FRA-A", zoneName: "Frankfurt A", networkLineType: "BGP", supportIpv6: true, supportCpuPassThrough: true },
    { zoneId: "SIN-E", zoneName: "Singapore E", networkLineType: "Cogent", supportIpv6: false, supportCpuPassThrough: false },
    { zoneId: "HKG-A", zoneName: "Hong Kong A", networkLineType: "CN2", supportIpv6: false, supportCpuPassThrough: true },
  ].map((zone) => ({ ...zone, supportSecurityGroup: true, supportNetworkType: "VPC" })),
  offerings: Object.entries(ZONE_SALES).flatMap(([zoneId, sales]) =>
    TYPES.filter((t) => sales.types.includes(t.instanceType)).map(({ bandwidth, ...type }) => ({
      zoneId,
      ...type,
      frequency: "2.5GHz",
      internetMaxBandwidthOutLimit: bandwidth,
      internetChargeTypes: sales.internet,
      instanceChargeTypes: sales.charge,
    })),
  ),
  images: [
    image("img-yKK4q6XybymPgfx7ynUUqC3N8", "CentOS 7.9 64bit", "CentOS", "7.9", "linux"),
    image("img-8Gq2mWcT4rZxN7vKpL3dYbHs5", "Ubuntu Server 22.04 LTS 64bit", "Ubuntu", "22.04", "linux"),
    image("img-Vn5kR9tQ2wXjC6hPzM8aLfDe3", "Ubuntu Server 24.04 LTS 64bit", "Ubuntu", "24.04", "linux"),
    image("img-Tb7xH3nK9qWmS2vRcJ5pLgFa4", "Debian 12 64bit", "Debian", "12", "linux"),
    image("img-Jd4wP8sL2kNfR6tXbV9mQcHz7", "Debian 11 64bit", "Debian", "11", "linux"),
    image("img-Wr6cM2hT8pKzQ4nXjB7vLsDg9", "Windows Server 2022 Datacenter 64bit", "Windows", "2022", "windows", [
      "SEL-A",
      "FRA-A",
      "HKG-A",
    ]),
  ],
};
