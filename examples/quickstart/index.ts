// Quickstart: one set of two instances. Credentials and endpoint come from stack config
// (zenlayer:accessKeyId, secret zenlayer:accessKeyPassword, zenlayer:domain, zenlayer:scheme)
// or from the ZENLAYERCLOUD_* environment variables.
import * as pulumi from "@pulumi/pulumi";
import { InstanceSet } from "pulumi-zenlayer-vm";

const config = new pulumi.Config();

const web = new InstanceSet("web", {
  zoneId: config.get("zoneId") ?? "SEL-A",
  instanceType: config.get("instanceType") ?? "c.1c2g",
  imageId: config.get("imageId") ?? "img-yKK4q6XybymPgfx7ynUUqC3N8",
  instanceCount: config.getNumber("instanceCount") ?? 2,
  instanceName: "web-[1,2]",
  tags: { app: "quickstart" },
});

export const instanceIds = web.instanceIds;
export const publicIps = web.publicIpAddresses;
export const status = web.status;
