// Scale: `pulumi config set instanceCount 5 && pulumi up` scales the set in place (scale out
// creates the missing instances, scale in terminates the newest ones).
import * as pulumi from "@pulumi/pulumi";
import { InstanceSet } from "pulumi-zenlayer-vm";

const config = new pulumi.Config();

const workers = new InstanceSet("workers", {
  zoneId: config.get("zoneId") ?? "FRA-A",
  instanceType: "c.1c2g",
  imageId: config.get("imageId") ?? "img-yKK4q6XybymPgfx7ynUUqC3N8",
  instanceCount: config.requireNumber("instanceCount"),
  instanceName: "worker-[1,3]",
  forceDelete: config.getBoolean("forceDelete") ?? false,
});

export const instanceCount = workers.instanceCount;
export const instanceIds = workers.instanceIds;
export const privateIps = workers.privateIpAddresses;
