// Quickstart: one set of two instances. Credentials and endpoint come from stack config
// (zenlayer:accessKeyId, secret zenlayer:accessKeyPassword, zenlayer:domain, zenlayer:scheme)
// or from the ZENLAYERCLOUD_* environment variables.
import * as pulumi from "@pulumi/pulumi";
import { getImageOutput, InstanceSet } from "pulumi-zenlayer-vm";

const config = new pulumi.Config();
const zoneId = config.get("zoneId") ?? "SEL-A";

// The newest Ubuntu 22.04 image of the zone, looked up rather than copied from a console.
const image = getImageOutput({
  zoneId,
  category: "Ubuntu",
  nameRegex: config.get("imageNameRegex") ?? "22\\.04",
  mostRecent: true,
});

const web = new InstanceSet("web", {
  zoneId,
  instanceType: config.get("instanceType") ?? "c.1c2g",
  imageId: image.imageId,
  instanceCount: config.getNumber("instanceCount") ?? 2,
  instanceName: "web-[1,2]",
  tags: { app: "quickstart" },
});

export const instanceIds = web.instanceIds;
export const publicIps = web.publicIpAddresses;
export const status = web.status;
export const imageName = image.imageName;
