import { describe, expect, it } from "vitest";
import { checkInstanceSet } from "../../provider/instanceSet/check";
import { diffInstanceSet } from "../../provider/instanceSet/diff";
import { UNKNOWN } from "../../provider/instanceSet/inputs";

const base = {
  zoneId: "SEL-A",
  instanceType: "c.1c2g",
  imageId: "img-yKK4q6XybymPgfx7ynUUqC3N8",
  instanceCount: 2,
  setName: "proj/dev/web",
};

const failuresOf = (news: Record<string, unknown>) => checkInstanceSet({}, { ...base, ...news }).failures ?? [];
const reasonFor = (news: Record<string, unknown>, property: string) =>
  failuresOf(news).find((f) => f.property === property)?.reason;

describe("check", () => {
  it("accepts minimal inputs, fills defaults and assigns a deterministic set key", () => {
    const a = checkInstanceSet({}, base);
    expect(a.failures).toBeUndefined();
    expect(a.inputs).toMatchObject({
      instanceChargeType: "POSTPAID",
      internetChargeType: "ByBandwidth",
      readyTimeoutSeconds: 1200,
      pollIntervalSeconds: 10,
      forceDelete: false,
    });
    expect(a.inputs!.setKey).toMatch(/^web-[0-9a-f]{16}$/);
    expect(checkInstanceSet({}, base).inputs!.setKey).toBe(a.inputs!.setKey);
    expect(checkInstanceSet({}, { ...base, setName: "proj/prod/web" }).inputs!.setKey).not.toBe(a.inputs!.setKey);
  });

  it("keeps the key across in-place changes and gives a replacement its own key, with or without the old inputs", () => {
    const first = checkInstanceSet({}, base).inputs!;
    const scaled = checkInstanceSet(first, { ...base, instanceCount: 5, instanceName: "web-[1,2]", tags: { a: "b" } }).inputs!;
    expect(scaled.setKey).toBe(first.setKey);
    const replaced = checkInstanceSet(scaled, { ...base, instanceCount: 5, imageId: "img-other" }).inputs!;
    expect(replaced.setKey).not.toBe(first.setKey);
    // The engine checks a replacement again without the old inputs: the key must not depend on them.
    expect(checkInstanceSet({}, { ...base, instanceCount: 5, imageId: "img-other" }).inputs!.setKey).toBe(replaced.setKey);
  });

  it("keeps a password out of the key, and replaces delete-first when only the password changed", () => {
    const withPassword = checkInstanceSet({}, { ...base, password: "Sup3r~secret" }).inputs!;
    const other = checkInstanceSet({}, { ...base, password: "Oth3r~secret" }).inputs!;
    expect(other.setKey).toBe(withPassword.setKey);
    const stored = { ...withPassword, instances: [], status: "RUNNING" } as never;
    expect(diffInstanceSet(stored, other)).toMatchObject({ replaces: ["password"], deleteBeforeReplace: true });
    const image = checkInstanceSet({}, { ...base, password: "Sup3r~secret", imageId: "img-other" }).inputs!;
    expect(diffInstanceSet(stored, image)).toMatchObject({ replaces: ["imageId"], deleteBeforeReplace: false });
  });

  it.each([
    ["instanceCount", { instanceCount: 0 }, "must be at least 1"],
    ["instanceCount", { instanceCount: 1001 }, "must be at most 1000"],
    ["instanceCount", { instanceCount: 2.5 }, "whole number"],
    ["instanceCount", { instanceCount: "3" }, "must be a number"],
    ["zoneId", { zoneId: undefined }, "is required"],
    ["zoneId", { zoneId: "" }, "non-empty"],
    ["password", { password: "short" }, "8 to 16 characters"],
    ["password", { password: "alllowercase1!" }, "upper-case"],
    ["password", { password: "Abcdefg1!", keyId: "key-1" }, "not be set together with keyId"],
    ["instanceName", { instanceName: "bad name" }, "letters, digits"],
    ["instanceName", { instanceName: "x".repeat(65) }, "1 to 64"],
    ["instanceName", { instanceName: "web-[1,9]" }, "bits 1-6"],
    ["instanceChargeType", { instanceChargeType: "MONTHLY" }, 'one of "PREPAID", "POSTPAID"'],
    ["internetChargeType", { internetChargeType: "Free" }, "ByBandwidth"],
    ["instanceChargePrepaid", { instanceChargeType: "PREPAID" }, "required when instanceChargeType is PREPAID"],
    ["instanceChargePrepaid", { instanceChargePrepaid: { period: 1 } }, "only be set when instanceChargeType is PREPAID"],
    ["trafficPackageSize", { trafficPackageSize: 1 }, "only be set when internetChargeType is ByTrafficPackage"],
    ["dataDisks", { dataDisks: [{ diskSize: 20, diskAmount: 11 }] }, "at most 10 data disks"],
    ["dataDisks.0.diskSize", { dataDisks: [{ diskSize: 0 }] }, "positive"],
    ["initScript", { initScript: "x".repeat(32 * 1024 + 1) }, "32 KB"],
    ["nic.wanName", { nic: { wanName: "Eth0" } }, "lower-case"],
    ["tags", { tags: { "pulumi-instance-set": "x" } }, "reserved"],
    ["tags.k", { tags: { k: "" } }, "must not be empty"],
    ["readyTimeoutSeconds", { readyTimeoutSeconds: 0 }, "at least 1 seconds"],
    ["adoptInstanceIds", { adoptInstanceIds: ["a", "a"] }, "twice"],
    ["startCidrIpv4", { startCidrIpv4: "1.2.3.4" }, "needs cidrBlockId"],
  ])("rejects a bad %s", (property, news, reason) => {
    expect(reasonFor(news, property)).toContain(reason);
  });

  it("names every problem at once and never echoes a password", () => {
    const failures = failuresOf({ instanceCount: -1, password: "Sup3r~secret-but-way-too-long", zoneId: 7 });
    expect(failures.map((f) => f.property).sort()).toEqual(["instanceCount", "password", "zoneId"]);
    expect(JSON.stringify(failures)).not.toContain("Sup3r~secret");
  });

  it("lets preview's unknown values through but still reports known problems", () => {
    expect(checkInstanceSet({}, { ...base, imageId: UNKNOWN, instanceCount: UNKNOWN })).toEqual({
      inputs: {
        ...base,
        imageId: UNKNOWN,
        instanceCount: UNKNOWN,
        // the defaults of absent fields, as diff compares them with stored outputs
        instanceChargeType: "POSTPAID",
        internetChargeType: "ByBandwidth",
        readyTimeoutSeconds: 1200,
        pollIntervalSeconds: 10,
        forceDelete: false,
        catalogCheck: true,
      },
    });
    expect(checkInstanceSet({}, { ...base, systemDisk: { diskSize: UNKNOWN } }).failures).toBeUndefined();
    expect(failuresOf({ imageId: UNKNOWN, instanceCount: 0 })).toEqual([
      { property: "instanceCount", reason: "must be at least 1" },
    ]);
  });

  it("survives hostile input shapes with failures, not exceptions", () => {
    for (const news of [null, 42, "x", [], { __proto__: { zoneId: "SEL-A" } }, { ...base, tags: [] }]) {
      const result = checkInstanceSet({}, news);
      expect(result.failures?.length).toBeGreaterThan(0);
    }
  });
});

describe("diff", () => {
  const olds = {
    ...checkInstanceSet({}, { ...base, instanceName: "web" }).inputs!,
    instances: [
      { instanceId: "1", status: "RUNNING" },
      { instanceId: "2", status: "RUNNING" },
    ],
    status: "RUNNING",
  } as never;
  const same = checkInstanceSet(olds, { ...base, instanceName: "web" }).inputs!;

  it("reports no change for identical inputs", () => {
    expect(diffInstanceSet(olds, same)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });
  it("changes count, name and tags in place", () => {
    for (const change of [{ instanceCount: 3 }, { instanceName: "api" }, { tags: { team: "a" } }]) {
      expect(diffInstanceSet(olds, { ...same, ...change })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    }
  });
  it("replaces the set for fields the API cannot change", () => {
    expect(diffInstanceSet(olds, { ...same, imageId: "img-2", systemDisk: { diskSize: 40 } }).replaces).toEqual([
      "imageId",
      "systemDisk",
    ]);
  });
  it("sees an unknown in-place field in preview as an update, not a replacement", () => {
    const previewed = checkInstanceSet(olds, { ...base, instanceName: "web", instanceCount: UNKNOWN }).inputs!;
    expect(diffInstanceSet(olds, previewed)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const unknownImage = checkInstanceSet(olds, { ...base, instanceName: "web", imageId: UNKNOWN }).inputs!;
    expect(diffInstanceSet(olds, unknownImage).replaces).toEqual(["imageId"]);
  });
  it("shows a repair when a refresh found instances missing or not running", () => {
    const degraded = { ...(olds as object), instances: [{ instanceId: "1", status: "RUNNING" }], status: "INCOMPLETE" } as never;
    expect(diffInstanceSet(degraded, same)).toMatchObject({ changes: true, replaces: [] });
  });
});
