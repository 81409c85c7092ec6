// CreateInstances: every documented validation rule (reference §4.1, codes of §3.3) and what a
// successful creation stores.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { InstanceInfo } from "../../provider/api/schemas";
import { api, control, DOCS_CREATE } from "./signedRequest";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, deploySeconds: 0 });
});
afterAll(() => emulator.close());

const WINDOWS = "img-Wr6cM2hT8pKzQ4nXjB7vLsDg9";
const { zoneId: _zone, ...withoutZone } = DOCS_CREATE;
const { instanceChargeType: _charge, ...withoutChargeType } = DOCS_CREATE;

// [description, parameters, HTTP status, code, text the message must contain]
const REFUSED: Array<[string, object, number, string, string]> = [
  ["missing zoneId", withoutZone, 400, "MISSING_PARAMETER", "`zoneId`"],
  ["missing instanceChargeType", withoutChargeType, 400, "MISSING_PARAMETER", "`instanceChargeType`"],
  ["zoneId of the wrong type", { ...DOCS_CREATE, zoneId: 7 }, 400, "INVALID_PARAMETER_VALUE", "`zoneId`"],
  ["null imageId", { ...DOCS_CREATE, imageId: null }, 400, "INVALID_PARAMETER_VALUE", "`imageId`"],
  [
    "unknown instanceChargeType",
    { ...DOCS_CREATE, instanceChargeType: "MONTHLY" },
    400,
    "INVALID_PARAMETER_VALUE",
    "`instanceChargeType`",
  ],
  [
    "unknown internetChargeType",
    { ...DOCS_CREATE, internetChargeType: "ByMagic" },
    400,
    "INVALID_PARAMETER_VALUE",
    "`internetChargeType`",
  ],
  ["instanceCount 0", { ...DOCS_CREATE, instanceCount: 0 }, 400, "INVALID_PARAMETER_VALUE", "`instanceCount`"],
  ["instanceCount 101", { ...DOCS_CREATE, instanceCount: 101 }, 400, "INVALID_PARAMETER_VALUE", "`instanceCount`"],
  ["fractional instanceCount", { ...DOCS_CREATE, instanceCount: 1.5 }, 400, "INVALID_PARAMETER_VALUE", "`instanceCount`"],
  ["short password", { ...DOCS_CREATE, password: "Ab1~" }, 400, "INVALID_PARAMETER_VALUE_PASSWORD_MALFORMED", "`password`"],
  [
    "password without a special",
    { ...DOCS_CREATE, password: "Abcdefg123" },
    400,
    "INVALID_PARAMETER_VALUE_PASSWORD_MALFORMED",
    "`password`",
  ],
  [
    "password with a space",
    { ...DOCS_CREATE, password: "Abc 123~xyz" },
    400,
    "INVALID_PARAMETER_VALUE_PASSWORD_MALFORMED",
    "`password`",
  ],
  [
    "password and keyId",
    { ...DOCS_CREATE, password: "Example~123", keyId: "key-1" },
    400,
    "INVALID_PARAMETER_INSTANCE_LOGIN_CONFLICT",
    "keyId",
  ],
  [
    "65-character name",
    { ...DOCS_CREATE, instanceName: "a".repeat(65) },
    400,
    "INVALID_PARAMETER_INSTANCE_NAME_EXCEED",
    "`instanceName`",
  ],
  [
    "name too long once expanded",
    { ...DOCS_CREATE, instanceName: `${"a".repeat(60)}[0,6]` },
    400,
    "INVALID_PARAMETER_INSTANCE_NAME_EXCEED",
    "`instanceName`",
  ],
  ["name with a space", { ...DOCS_CREATE, instanceName: "web server" }, 400, "INVALID_PARAMETER_VALUE", "`instanceName`"],
  ["name pattern with 7 bits", { ...DOCS_CREATE, instanceName: "web-[1,7]" }, 400, "INVALID_PARAMETER_VALUE", "`instanceName`"],
  ["unknown zone", { ...DOCS_CREATE, zoneId: "SEL--A" }, 404, "INVALID_ZONE_NOT_FOUND", "SEL--A"],
  ["unknown image", { ...DOCS_CREATE, imageId: "img-nope" }, 404, "INVALID_IMAGE_NOT_FOUND", "img-nope"],
  ["image not in the zone", { ...DOCS_CREATE, zoneId: "SIN-E", imageId: WINDOWS }, 404, "INVALID_IMAGE_NOT_FOUND", WINDOWS],
  ["unknown instance type", { ...DOCS_CREATE, instanceType: "z.64c1t" }, 404, "INVALID_INSTANCE_TYPE_NOT_FOUND", "z.64c1t"],
  [
    "type not sold in the zone",
    { ...DOCS_CREATE, zoneId: "SIN-E", instanceType: "c.4c8g" },
    400,
    "INVALID_INSTANCE_TYPE_ZONE_NO_SELL",
    "c.4c8g",
  ],
  [
    "bandwidth above the type's limit",
    { ...DOCS_CREATE, internetMaxBandwidthOut: 201 },
    400,
    "INVALID_BANDWIDTH_VALUE_EXCEED_MAXIMUM",
    "`internetMaxBandwidthOut`",
  ],
  [
    "negative bandwidth",
    { ...DOCS_CREATE, internetMaxBandwidthOut: -1 },
    400,
    "INVALID_PARAMETER_VALUE",
    "`internetMaxBandwidthOut`",
  ],
  [
    "PREPAID where only POSTPAID is sold",
    { ...DOCS_CREATE, zoneId: "SIN-E", instanceChargeType: "PREPAID", instanceChargePrepaid: { period: 1 } },
    400,
    "INVALID_CHARGE_TYPE_NOT_SUPPORT",
    "instanceChargeType",
  ],
  [
    "traffic package where the zone has none",
    { ...DOCS_CREATE, zoneId: "SIN-E", internetChargeType: "ByTrafficPackage" },
    400,
    "INVALID_CHARGE_TYPE_NOT_SUPPORT",
    "internetChargeType",
  ],
  [
    "PREPAID without instanceChargePrepaid",
    { ...DOCS_CREATE, instanceChargeType: "PREPAID" },
    400,
    "MISSING_PARAMETER",
    "`instanceChargePrepaid.period`",
  ],
  [
    "PREPAID without period",
    { ...DOCS_CREATE, instanceChargeType: "PREPAID", instanceChargePrepaid: {} },
    400,
    "MISSING_PARAMETER",
    "`instanceChargePrepaid.period`",
  ],
  [
    "PREPAID with period 0",
    { ...DOCS_CREATE, instanceChargeType: "PREPAID", instanceChargePrepaid: { period: 0 } },
    400,
    "INVALID_PARAMETER_VALUE",
    "`instanceChargePrepaid.period`",
  ],
  [
    "trafficPackageSize with ByBandwidth",
    { ...DOCS_CREATE, trafficPackageSize: 1 },
    400,
    "INVALID_PARAMETER_VALUE",
    "`trafficPackageSize`",
  ],
  [
    "11 data disks through diskAmount",
    {
      ...DOCS_CREATE,
      dataDisks: [
        { diskSize: 20, diskAmount: 5 },
        { diskSize: 40, diskAmount: 6 },
      ],
    },
    400,
    "INVALID_PARAMETER_VALUE",
    "`dataDisks`",
  ],
  [
    "data disk size as a string",
    { ...DOCS_CREATE, dataDisks: [{ diskSize: "20" }] },
    400,
    "INVALID_PARAMETER_VALUE",
    "`dataDisks[0].diskSize`",
  ],
  [
    "unknown disk category",
    { ...DOCS_CREATE, systemDisk: { diskCategory: "NVME" } },
    400,
    "INVALID_PARAMETER_VALUE",
    "`systemDisk.diskCategory`",
  ],
  [
    "system disk below the image size",
    { ...DOCS_CREATE, systemDisk: { diskSize: 10 } },
    400,
    "INVALID_PARAMETER_VALUE",
    "`systemDisk.diskSize`",
  ],
  [
    "initScript above 32 KB",
    { ...DOCS_CREATE, initScript: "x".repeat(32 * 1024 + 1) },
    400,
    "INVALID_PARAMETER_VALUE",
    "`initScript`",
  ],
  [
    "duplicate tag keys",
    {
      ...DOCS_CREATE,
      tags: {
        tags: [
          { key: "a", value: "1" },
          { key: "a", value: "2" },
        ],
      },
    },
    400,
    "INVALID_PARAMETER_VALUE",
    "`tags.tags[1].key`",
  ],
  [
    "65-character tag key",
    { ...DOCS_CREATE, tags: { tags: [{ key: "k".repeat(65), value: "1" }] } },
    400,
    "INVALID_PARAMETER_VALUE",
    "`tags.tags[0].key`",
  ],
  [
    "empty tag value",
    { ...DOCS_CREATE, tags: { tags: [{ key: "k", value: "" }] } },
    400,
    "INVALID_PARAMETER_VALUE",
    "`tags.tags[0].value`",
  ],
  ["tags as a plain array", { ...DOCS_CREATE, tags: [{ key: "k", value: "v" }] }, 400, "INVALID_PARAMETER_VALUE", "`tags`"],
  ["upper-case NIC name", { ...DOCS_CREATE, nic: { wanName: "Eth0" } }, 400, "INVALID_PARAMETER_VALUE", "`nic.wanName`"],
  ["SSH key on a Windows image", { ...DOCS_CREATE, imageId: WINDOWS, keyId: "key-1" }, 400, "INVALID_PARAMETER_VALUE", "`keyId`"],
  [
    "IPv6 where the zone has none",
    { ...DOCS_CREATE, zoneId: "SIN-E", enableIpv6: true },
    400,
    "INVALID_PARAMETER_VALUE",
    "`enableIpv6`",
  ],
  [
    "CPU pass-through where the zone has none",
    { ...DOCS_CREATE, cpuPassThrough: true },
    400,
    "INVALID_PARAMETER_VALUE",
    "`cpuPassThrough`",
  ],
  ["unknown networkMode", { ...DOCS_CREATE, networkMode: "SRIOV" }, 400, "INVALID_PARAMETER_VALUE", "`networkMode`"],
];

describe("CreateInstances refuses invalid requests and creates nothing", () => {
  it.each(REFUSED)("%s", async (_name, params, status, code, mention) => {
    const answer = await api(emulator, "CreateInstances", params);
    expect(answer.status).toBe(status);
    expect(answer.json.code).toBe(code);
    expect(answer.json.message).toContain(mention);
    expect((await control(emulator, "GET", "instances")).json.instances).toEqual([]);
  });
});

describe("CreateInstances creates", () => {
  const create = async (params: object, version?: string) => {
    const answer = await api(emulator, "CreateInstances", { ...DOCS_CREATE, ...params }, { version });
    expect(answer.status, answer.text).toBe(200);
    return answer.json.response as { instanceIdSet: string[]; instances?: Array<{ instanceId: string; diskIdSet: string[] }> };
  };
  const describeIds = async (instanceIds: string[]) => {
    const answer = await api(emulator, "DescribeInstances", { instanceIds });
    return (answer.json.response.dataSet as unknown[]).map((item) => InstanceInfo.parse(item));
  };

  it("one instance with every InstanceInfo field, without password or key (generated password)", async () => {
    const { instanceIdSet } = await create({});
    const [info] = await describeIds(instanceIdSet);
    expect(info).toMatchObject({
      instanceId: instanceIdSet[0],
      zoneId: "SEL-A",
      instanceName: "instance",
      instanceType: "c.1c2g",
      cpuCount: 1,
      memory: 2,
      imageId: DOCS_CREATE.imageId,
      imageName: "CentOS 7.9 64bit",
      instanceChargeType: "POSTPAID",
      internetChargeType: "ByBandwidth",
      internetMaxBandwidthOut: 1,
      period: null,
      expiredTime: null,
      instanceStatus: "RUNNING",
      publicIpv6Addresses: [],
      systemDisk: { diskSize: 20, diskCategory: "STANDARD" },
      dataDisks: [],
      autoRenew: false,
      keyId: null,
      nic: { wanName: "eth0", lanName: "eth1" },
      tags: { tags: [] },
    });
    expect(info!.createTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Math.abs(Date.parse(info!.createTime!) - Date.now())).toBeLessThan(5000);
    expect(info!.publicIpAddresses).toHaveLength(1);
    expect(info!.privateIpAddresses).toHaveLength(1);
    expect(info!.systemDisk?.diskId).toMatch(/^disk-/);
    const expectedKeys = Object.keys(InstanceInfo.shape).sort();
    expect(Object.keys(info!).sort()).toEqual(expectedKeys);
  });

  it("a batch with the [begin,bits] naming pattern, unique numeric ids in creation order", async () => {
    const { instanceIdSet } = await create({ instanceName: "server-[3,3]", instanceCount: 2 });
    expect(new Set(instanceIdSet).size).toBe(2);
    for (const id of instanceIdSet) expect(id).toMatch(/^\d+$/);
    const infos = await describeIds(instanceIdSet);
    expect(infos.map((i) => i.instanceName)).toEqual(["server-003", "server-004"]);
    expect(infos.map((i) => i.instanceId)).toEqual(instanceIdSet);
  });

  it("100 instances in one call", async () => {
    const { instanceIdSet } = await create({ instanceCount: 100, instanceName: "many-[0,3]" });
    expect(instanceIdSet).toHaveLength(100);
    expect(new Set(instanceIdSet).size).toBe(100);
  });

  it("data disks (diskAmount counts, 10 in total) and reports their ids in `instances` (2026-04-01)", async () => {
    const { instanceIdSet, instances } = await create({
      dataDisks: [
        { diskSize: 20, diskAmount: 4 },
        { diskSize: 100, diskCategory: "SSD", diskAmount: 6 },
      ],
    });
    const [info] = await describeIds(instanceIdSet);
    expect(info!.dataDisks).toHaveLength(10);
    expect(info!.dataDisks![9]).toMatchObject({ diskSize: 100, diskCategory: "SSD", portable: false });
    expect(instances![0]!.diskIdSet).toEqual(info!.dataDisks!.map((d) => d.diskId));
  });

  it("a PREPAID instance with a period and expiry, and explicit default values", async () => {
    const { instanceIdSet } = await create({
      instanceChargeType: "PREPAID",
      instanceChargePrepaid: { period: 3 },
      instanceCount: 1,
      enableIpv4: true,
      internetMaxBandwidthOut: 200,
      initScript: "x".repeat(32 * 1024),
    });
    const [info] = await describeIds(instanceIdSet);
    expect(info).toMatchObject({ period: 3, instanceChargeType: "PREPAID", internetMaxBandwidthOut: 200 });
    const months =
      (new Date(info!.expiredTime!).getUTCFullYear() - new Date(info!.createTime!).getUTCFullYear()) * 12 +
      new Date(info!.expiredTime!).getUTCMonth() -
      new Date(info!.createTime!).getUTCMonth();
    expect(months).toBe(3);
  });

  it("stores tags, key, subnet, security group, NIC names, IPv6 and a traffic package; never echoes the password", async () => {
    const { instanceIdSet } = await create({
      password: "Example~123",
      tags: { tags: [{ key: "team", value: "infra" }] },
      subnetId: "subnet-0001",
      securityGroupId: "sg-0001",
      resourceGroupId: "rg-0001",
      nic: { wanName: "wan0", lanName: "lan0" },
      enableIpv4: false,
      enableIpv6: true,
      internetChargeType: "ByTrafficPackage",
      trafficPackageSize: 2.5,
    });
    const answer = await api(emulator, "DescribeInstances", { instanceIds: instanceIdSet });
    expect(answer.text).not.toContain("Example~123");
    const [info] = await describeIds(instanceIdSet);
    expect(info).toMatchObject({
      tags: { tags: [{ key: "team", value: "infra" }] },
      subnetId: "subnet-0001",
      securityGroupIds: ["sg-0001"],
      resourceGroupId: "rg-0001",
      nic: { wanName: "wan0", lanName: "lan0" },
      publicIpAddresses: [],
      trafficPackageSize: 2.5,
    });
    expect(info!.publicIpv6Addresses).toHaveLength(1);
    const withKey = await create({ keyId: "key-YWD2QFOl" });
    expect((await describeIds(withKey.instanceIdSet))[0]!.keyId).toBe("key-YWD2QFOl");
  });
});
