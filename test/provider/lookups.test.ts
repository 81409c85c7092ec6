// Lookups (getZones, getImages, getImage, getInstanceTypes) as a program calls them, and check's
// catalogue cross-check, against the emulator.
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { SEED_CATALOG } from "../../emulator/catalog";
import { UNKNOWN } from "../../provider/instanceSet/inputs";
import { InstanceSetRuntime } from "../../provider/runtime";
import { getImage, getImageOutput, getImages, getInstanceTypes, getZones } from "../../sdk";
import { resetEmulator, stats } from "../support/emulatorControl";

// 2,500 extra custom images in SEL-A: DescribeImages answers them in three pages of 1,000.
const MANY = Array.from({ length: 2500 }, (_, i) => ({
  ...SEED_CATALOG.images[0]!,
  imageId: `img-custom${String(i).padStart(5, "0")}`,
  imageName: `golden-${i}`,
  imageType: "CUSTOM_IMAGE",
  category: "OTHERS",
  imageVersion: String(i),
  zoneIds: ["SEL-A"],
}));

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, catalog: { ...SEED_CATALOG, images: [...SEED_CATALOG.images, ...MANY] } });
  // What a program sees: stack config, read by the lookups like the provider reads it.
  pulumi.runtime.setConfig("zenlayer:accessKeyId", emu.accessKeyId);
  pulumi.runtime.setConfig("zenlayer:accessKeyPassword", emu.accessKeyPassword);
  pulumi.runtime.setConfig("zenlayer:domain", emu.domain);
  pulumi.runtime.setConfig("zenlayer:scheme", "HTTP");
});
afterAll(async () => emu?.close());

describe("lookups", () => {
  it("getZones lists the zones", async () => {
    const zones = await getZones();
    expect(zones.map((z) => z.zoneId)).toEqual(expect.arrayContaining(["SEL-A", "FRA-A", "SIN-E", "HKG-A"]));
  });

  it("getImages follows pagination to the end and filters", async () => {
    await resetEmulator(emu.url);
    const all = await getImages({ zoneId: "SEL-A" });
    expect(all.length).toBe(SEED_CATALOG.images.filter((i) => i.zoneIds.includes("SEL-A")).length + 2500);
    expect((await stats(emu.url)).byAction.DescribeImages).toBe(3);
    const custom = await getImages({ zoneId: "SEL-A", imageType: "CUSTOM_IMAGE", nameRegex: "^golden-24\\d\\d$" });
    expect(custom).toHaveLength(100);
    const windows = await getImages({ zoneId: "SEL-A", osType: "windows" });
    expect(windows.every((i) => i.osType === "windows")).toBe(true);
    expect(await getImages({ zoneId: "SIN-E", category: "Windows" })).toEqual([]);
  });

  it("getInstanceTypes filters by zone", async () => {
    const types = await getInstanceTypes({ zoneId: "SIN-E" });
    expect(types.length).toBeGreaterThan(0);
    expect(types.every((t) => t.zoneId === "SIN-E")).toBe(true);
    expect(types.map((t) => t.instanceType)).toContain("c.1c2g");
  });

  it("getImage returns the single match, fails listing candidates for several, and explains none", async () => {
    const ubuntu = await getImage({ zoneId: "SEL-A", category: "Ubuntu", nameRegex: "22\\.04" });
    expect(ubuntu.imageName).toContain("22.04");
    const several = await getImage({ zoneId: "SEL-A", category: "Ubuntu" }).catch((e: Error) => e);
    expect(String(several)).toMatch(/2 images match zone SEL-A, category Ubuntu: img-\S+ \(Ubuntu Server 2\d\.04/);
    const newest = await getImage({ zoneId: "SEL-A", category: "Ubuntu", mostRecent: true });
    expect(newest.imageName).toContain("24.04");
    const none = await getImage({ zoneId: "SEL-A", category: "FreeBSD" }).catch((e: Error) => e);
    expect(String(none)).toContain("no image matches zone SEL-A, category FreeBSD");
  });

  it("getImageOutput accepts Inputs and resolves to the image", async () => {
    const image = getImageOutput({ zoneId: pulumi.output("SEL-A"), category: "Debian", mostRecent: true });
    const name = await new Promise<string | null | undefined>((resolve) => image.apply((i) => resolve(i.imageName)));
    expect(name).toBe("Debian 12 64bit");
  });
});

describe("check's catalogue cross-check", () => {
  const runtime = new InstanceSetRuntime(() => {});
  beforeAll(() => {
    const config: Record<string, string> = {
      "zenlayer:accessKeyId": emu.accessKeyId,
      "zenlayer:accessKeyPassword": emu.accessKeyPassword,
      "zenlayer:domain": emu.domain,
      "zenlayer:scheme": "HTTP",
    };
    runtime.configure({ get: (k) => config[k] });
  });
  const news = (extra: Record<string, unknown>) => ({
    zoneId: "SEL-A",
    instanceType: "c.1c2g",
    imageId: "img-yKK4q6XybymPgfx7ynUUqC3N8",
    instanceCount: 1,
    setName: "p/s/web",
    ...extra,
  });

  it("passes a valid placement", async () => {
    expect((await runtime.check({}, news({}))).failures).toBeUndefined();
  });
  it("names an unknown zone and lists valid ones", async () => {
    const { failures } = await runtime.check({}, news({ zoneId: "SEL--A" }));
    expect(failures).toEqual([
      { property: "zoneId", reason: expect.stringMatching(/not a known zone; valid zones include .*SEL-A/) },
    ]);
  });
  it("names an image or type the zone does not have", async () => {
    const { failures } = await runtime.check({}, news({ zoneId: "SIN-E", instanceType: "m.4c16g", imageId: "img-nope" }));
    expect(failures?.map((f) => f.property).sort()).toEqual(["imageId", "instanceType"]);
    expect(failures?.find((f) => f.property === "instanceType")?.reason).toContain("c.1c2g");
  });
  it("is skipped for unknown values and when turned off", async () => {
    await resetEmulator(emu.url);
    expect((await runtime.check({}, news({ imageId: UNKNOWN }))).failures).toBeUndefined();
    expect((await runtime.check({}, news({ imageId: "img-nope", catalogCheck: false }))).failures).toBeUndefined();
    expect((await stats(emu.url)).total).toBe(0);
  });
});
