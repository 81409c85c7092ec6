// Multi-zone: one instance set per entry of the `zones` config list, e.g.
//   pulumi config set --path 'zones[0].zoneId' SEL-A && pulumi config set --path 'zones[0].count' 2
// Exports every public IP, per zone and in one list.
import * as pulumi from "@pulumi/pulumi";
import { getImageOutput, InstanceSet } from "pulumi-zenlayer-vm";

interface ZonePlan {
  zoneId: string;
  count: number;
  instanceType?: string;
}

const config = new pulumi.Config();
const zones = config.getObject<ZonePlan[]>("zones") ?? [
  { zoneId: "SEL-A", count: 2 },
  { zoneId: "FRA-A", count: 1 },
];
const category = config.get("imageCategory") ?? "Debian";

const sets = zones.map(
  (zone) =>
    new InstanceSet(`edge-${zone.zoneId.toLowerCase()}`, {
      zoneId: zone.zoneId,
      instanceType: zone.instanceType ?? "c.1c2g",
      // Image ids differ per zone: look the newest image of the category up in each.
      imageId: getImageOutput({ zoneId: zone.zoneId, category, mostRecent: true }).imageId,
      instanceCount: zone.count,
      instanceName: `edge-${zone.zoneId.toLowerCase()}-[1,2]`,
      tags: { app: "edge", zone: zone.zoneId },
    }),
);

export const publicIpsByZone = pulumi
  .all(sets.map((s) => pulumi.all([s.zoneId, s.publicIpAddresses])))
  .apply((pairs) => Object.fromEntries(pairs));
export const allPublicIps = pulumi.all(sets.map((s) => s.publicIpAddresses)).apply((lists) => lists.flat());
