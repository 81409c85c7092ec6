// DescribeInstances (filters, pagination, order), DescribeInstancesStatus and the catalogue actions,
// including a catalogue replaced from a JSON file.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CatalogFile, type RunningEmulator, SEED_CATALOG, startEmulator } from "../../emulator/index";
import { api, DOCS_CREATE } from "./signedRequest";

let emulator: RunningEmulator;
/** name → id of the fixture instances, created in this order. */
const ids: Record<string, string> = {};

async function create(name: string, params: object): Promise<void> {
  const answer = await api(emulator, "CreateInstances", { ...DOCS_CREATE, instanceName: name, ...params });
  expect(answer.status, answer.text).toBe(200);
  ids[name] = answer.json.response.instanceIdSet[0];
}

async function names(params: object): Promise<string[]> {
  const answer = await api(emulator, "DescribeInstances", params);
  expect(answer.status, answer.text).toBe(200);
  expect(answer.json.response.totalCount).toBeGreaterThanOrEqual(answer.json.response.dataSet.length);
  return answer.json.response.dataSet.map((i: { instanceName: string }) => i.instanceName);
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, deploySeconds: 0, powerSeconds: 0 });
  await create("web-1", {
    tags: {
      tags: [
        { key: "role", value: "web" },
        { key: "env", value: "prod" },
      ],
    },
    subnetId: "subnet-a",
  });
  await create("web-2", {
    tags: {
      tags: [
        { key: "role", value: "web" },
        { key: "env", value: "dev" },
      ],
    },
    securityGroupId: "sg-1",
  });
  await create("db-1", {
    zoneId: "FRA-A",
    instanceType: "m.4c16g",
    imageId: "img-Tb7xH3nK9qWmS2vRcJ5pLgFa4",
    internetChargeType: "ByTrafficPackage",
    keyId: "key-1",
    resourceGroupId: "rg-db",
    tags: { tags: [{ key: "role", value: "db" }] },
  });
  await create("batch", {});
  await api(emulator, "StopInstances", { instanceIds: [ids["db-1"]] });
});
afterAll(() => emulator.close());

describe("DescribeInstances", () => {
  it("lists every live instance in creation order", async () => {
    expect(await names({})).toEqual(["web-1", "web-2", "db-1", "batch"]);
  });

  it("returns requested ids in creation order; unknown ids are simply absent", async () => {
    expect(await names({ instanceIds: [ids["batch"], "000", ids["web-1"], ids["web-1"]] })).toEqual(["web-1", "batch"]);
    expect(await names({ instanceIds: ["000"] })).toEqual([]);
  });

  it.each([
    [{ zoneId: "FRA-A" }, ["db-1"]],
    [{ instanceType: "c.1c2g" }, ["web-1", "web-2", "batch"]],
    [{ internetChargeType: "ByTrafficPackage" }, ["db-1"]],
    [{ imageId: "img-Tb7xH3nK9qWmS2vRcJ5pLgFa4" }, ["db-1"]],
    [{ keyId: "key-1" }, ["db-1"]],
    [{ subnetId: "subnet-a" }, ["web-1"]],
    [{ securityGroupId: "sg-1" }, ["web-2"]],
    [{ resourceGroupId: "rg-db" }, ["db-1"]],
    [{ instanceStatus: "STOPPED" }, ["db-1"]],
    [{ instanceStatus: "RUNNING" }, ["web-1", "web-2", "batch"]],
    [{ instanceName: "web" }, []],
    [{ instanceName: "web-1" }, ["web-1"]],
    [{ instanceName: "web*" }, ["web-1", "web-2"]],
    [{ instanceName: "*" }, ["web-1", "web-2", "db-1", "batch"]],
    [{ tagKeys: ["role"] }, ["web-1", "web-2", "db-1"]],
    [{ tagKeys: ["role", "env"] }, ["web-1", "web-2"]],
    [{ tags: [{ key: "role", value: "web" }] }, ["web-1", "web-2"]],
    [
      {
        tags: [
          { key: "role", value: "web" },
          { key: "env", value: "prod" },
        ],
      },
      ["web-1"],
    ],
    [{ tags: [{ key: "role", value: "cache" }] }, []],
    [{ zoneId: "SEL-A", tagKeys: ["env"], instanceName: "web-2" }, ["web-2"]],
  ])("filter %j", async (filter, expected) => {
    expect(await names(filter)).toEqual(expected);
  });

  it("filters by public and private IP (any listed address matches)", async () => {
    const answer = await api(emulator, "DescribeInstances", { instanceIds: [ids["web-2"]] });
    const [info] = answer.json.response.dataSet;
    expect(await names({ publicIpAddresses: [info.publicIpAddresses[0], "1.2.3.4"] })).toEqual(["web-2"]);
    expect(await names({ privateIpAddresses: info.privateIpAddresses })).toEqual(["web-2"]);
    expect(await names({ privateIpAddresses: ["192.0.2.1"] })).toEqual([]);
  });

  it("refuses more than 100 ids, more than 20 tag filters and an unknown status", async () => {
    const tooMany = Array.from({ length: 101 }, (_, i) => String(i));
    for (const params of [
      { instanceIds: tooMany },
      { tagKeys: Array.from({ length: 21 }, (_, i) => `k${i}`) },
      { tags: Array.from({ length: 21 }, (_, i) => ({ key: `k${i}`, value: "v" })) },
      { instanceStatus: "RECYCLED" },
    ]) {
      const answer = await api(emulator, "DescribeInstances", params);
      expect(answer.status).toBe(400);
      expect(answer.json.code).toBe("INVALID_PARAMETER_VALUE");
      expect(answer.json.message).toContain(`\`${Object.keys(params)[0]}\``);
    }
  });
});

describe("pagination over many instances", () => {
  let many: RunningEmulator;
  const created: string[] = [];
  beforeAll(async () => {
    many = await startEmulator({ port: 0, deploySeconds: 0 });
    for (let i = 0; i < 25; i++) {
      const answer = await api(many, "CreateInstances", { ...DOCS_CREATE, instanceCount: 100, instanceName: `n-[${i * 100},4]` });
      created.push(...answer.json.response.instanceIdSet);
    }
  });
  afterAll(() => many.close());

  it("defaults to 20 per page, allows 1000, refuses 1001 and page 0", async () => {
    const first = await api(many, "DescribeInstances", {});
    expect(first.json.response.totalCount).toBe(2500);
    expect(first.json.response.dataSet.map((i: { instanceId: string }) => i.instanceId)).toEqual(created.slice(0, 20));
    const third = await api(many, "DescribeInstances", { pageSize: 1000, pageNum: 3 });
    expect(third.json.response.dataSet.map((i: { instanceName: string }) => i.instanceName)).toEqual(
      Array.from({ length: 500 }, (_, i) => `n-${String(2000 + i).padStart(4, "0")}`),
    );
    const beyond = await api(many, "DescribeInstances", { pageSize: 1000, pageNum: 4 });
    expect(beyond.json.response).toMatchObject({ totalCount: 2500, dataSet: [] });
    for (const params of [{ pageSize: 1001 }, { pageSize: 0 }, { pageNum: 0 }]) {
      const answer = await api(many, "DescribeInstances", params);
      expect(answer.status).toBe(400);
      expect(answer.json.message).toContain(`\`${Object.keys(params)[0]}\``);
    }
  });

  it("DescribeInstancesStatus pages the same way and looks up ids", async () => {
    const page = await api(many, "DescribeInstancesStatus", { pageSize: 50, pageNum: 2 });
    expect(page.json.response.totalCount).toBe(2500);
    expect(page.json.response.dataSet).toEqual(
      created.slice(50, 100).map((instanceId) => ({ instanceId, instanceStatus: "RUNNING" })),
    );
    const byId = await api(many, "DescribeInstancesStatus", { instanceIds: [created[7], "nope"] });
    expect(byId.json.response).toMatchObject({ totalCount: 1, dataSet: [{ instanceId: created[7], instanceStatus: "RUNNING" }] });
    const tooMany = await api(many, "DescribeInstancesStatus", { instanceIds: created.slice(0, 101) });
    expect(tooMany.status).toBe(400);
  });
});

describe("catalogue actions", () => {
  it("DescribeZones lists the seeded zones, filtered by zoneIds", async () => {
    const all = await api(emulator, "DescribeZones");
    expect(all.json.response.zoneSet.map((z: { zoneId: string }) => z.zoneId)).toEqual(["SEL-A", "FRA-A", "SIN-E", "HKG-A"]);
    const some = await api(emulator, "DescribeZones", { zoneIds: ["HKG-A", "XXX-Z"] });
    expect(some.json.response.zoneSet).toEqual([
      expect.objectContaining({ zoneId: "HKG-A", zoneName: "Hong Kong A", supportIpv6: false, networkLineType: "CN2" }),
    ]);
  });

  it("DescribeZoneInstanceConfigInfos filters by zone, type and charge type", async () => {
    const sel = await api(emulator, "DescribeZoneInstanceConfigInfos", { zoneId: "SEL-A" });
    const types = sel.json.response.instanceTypeQuotaSet;
    expect(types.map((t: { instanceType: string }) => t.instanceType)).toContain("m.4c16g");
    expect(types[0]).toEqual({
      zoneId: "SEL-A",
      instanceType: "c.1c2g",
      instanceTypeName: "Compute 1C2G",
      cpuCount: 1,
      memory: 2,
      frequency: "2.5GHz",
      internetMaxBandwidthOutLimit: 200,
      internetChargeTypes: ["ByBandwidth", "ByTrafficPackage", "ByClusterBandwidth95"],
    });
    const prepaid = await api(emulator, "DescribeZoneInstanceConfigInfos", {
      instanceChargeType: "PREPAID",
      instanceType: "c.2c4g",
    });
    expect(prepaid.json.response.instanceTypeQuotaSet.map((t: { zoneId: string }) => t.zoneId)).toEqual([
      "SEL-A",
      "FRA-A",
      "HKG-A",
    ]);
    const unknown = await api(emulator, "DescribeZoneInstanceConfigInfos", { zoneId: "NOPE" });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe("INVALID_ZONE_NOT_FOUND");
  });

  it("DescribeImages filters and pages", async () => {
    const images = async (params: object) => {
      const answer = await api(emulator, "DescribeImages", params);
      expect(answer.status, answer.text).toBe(200);
      return answer.json.response as { totalCount: number; dataSet: Array<{ imageId: string; imageName: string }> };
    };
    const all = await images({});
    expect(all.totalCount).toBe(6);
    expect(all.dataSet[0]).toEqual({
      imageId: "img-yKK4q6XybymPgfx7ynUUqC3N8",
      imageName: "CentOS 7.9 64bit",
      imageType: "PUBLIC_IMAGE",
      imageSize: "20",
      imageDescription: "CentOS 7.9 64bit public image",
      imageVersion: "7.9",
      imageStatus: "AVAILABLE",
      category: "CentOS",
      osType: "linux",
    });
    expect((await images({ zoneId: "SIN-E", osType: "windows" })).totalCount).toBe(0);
    expect((await images({ category: "Ubuntu" })).dataSet.map((i) => i.imageName)).toEqual([
      "Ubuntu Server 22.04 LTS 64bit",
      "Ubuntu Server 24.04 LTS 64bit",
    ]);
    expect((await images({ imageName: "debian" })).totalCount).toBe(2);
    expect((await images({ imageIds: ["img-yKK4q6XybymPgfx7ynUUqC3N8"] })).totalCount).toBe(1);
    expect((await images({ imageType: "CUSTOM_IMAGE" })).totalCount).toBe(0);
    expect((await images({ imageStatus: "AVAILABLE", pageSize: 4, pageNum: 2 })).dataSet).toHaveLength(2);
    const badZone = await api(emulator, "DescribeImages", { zoneId: "NOPE" });
    expect(badZone.json.code).toBe("INVALID_ZONE_NOT_FOUND");
    const badOs = await api(emulator, "DescribeImages", { osType: "plan9" });
    expect(badOs.status).toBe(400);
  });
});

describe("a catalogue from a JSON file", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zl-catalog-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("replaces the seeded one", async () => {
    const catalog: CatalogFile = {
      zones: [{ zoneId: "LAX-A", zoneName: "Los Angeles A", supportIpv6: true }],
      offerings: [
        {
          zoneId: "LAX-A",
          instanceType: "x.1c1g",
          cpuCount: 1,
          memory: 1,
          internetMaxBandwidthOutLimit: -1,
          internetChargeTypes: ["ByBandwidth"],
          instanceChargeTypes: ["POSTPAID"],
        },
      ],
      images: [{ ...SEED_CATALOG.images[0]!, imageId: "img-custom", zoneIds: ["LAX-A"] }],
    };
    const file = path.join(dir, "catalog.json");
    fs.writeFileSync(file, JSON.stringify(catalog));
    const custom = await startEmulator({ port: 0, catalog: file, deploySeconds: 0 });
    try {
      const zones = await api(custom, "DescribeZones");
      expect(zones.json.response.zoneSet.map((z: { zoneId: string }) => z.zoneId)).toEqual(["LAX-A"]);
      const params = { ...DOCS_CREATE, zoneId: "LAX-A", instanceType: "x.1c1g", imageId: "img-custom" };
      // -1: no bandwidth cap for the type.
      expect((await api(custom, "CreateInstances", { ...params, internetMaxBandwidthOut: 100_000 })).status).toBe(200);
      expect((await api(custom, "CreateInstances", DOCS_CREATE)).json.code).toBe("INVALID_ZONE_NOT_FOUND");
    } finally {
      await custom.close();
    }
  });

  it("is validated, with an error naming the file and the field", async () => {
    const file = path.join(dir, "bad.json");
    fs.writeFileSync(file, JSON.stringify({ ...SEED_CATALOG, offerings: [{ ...SEED_CATALOG.offerings[0], zoneId: "MARS-A" }] }));
    await expect(startEmulator({ port: 0, catalog: file })).rejects.toThrow(
      /bad\.json is invalid: offerings\.0\.zoneId: unknown zone MARS-A/,
    );
    fs.writeFileSync(file, "{ not json");
    await expect(startEmulator({ port: 0, catalog: file })).rejects.toThrow(/bad\.json/);
    await expect(startEmulator({ port: 0, catalog: path.join(dir, "missing.json") })).rejects.toThrow(/missing\.json/);
  });
});
