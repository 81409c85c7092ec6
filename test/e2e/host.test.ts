// B: the SDK's real dynamic-provider host, driven over gRPC with the serialized InstanceSet
// provider, against the emulator. This is exactly the code path the Pulumi engine uses for CRUD.
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { HostCallError, type ProviderHost, serializeProvider, startProviderHost, urn } from "../harness/providerHost";
import { audit, injectFault, isLive, resetEmulator } from "../support/emulatorControl";

// The provider as a user's program gets it: from the installed package.
const { instanceSetProvider } = require("pulumi-zenlayer-vm/provider") as typeof import("../../provider");

const root = path.resolve(__dirname, "../..");
const PROJECT = "zenlayer-vm-quickstart";
const TYPE = "pulumi-nodejs:dynamic/zenlayer:InstanceSet";
const u = urn(PROJECT, "dev", TYPE, "web");

let emu: RunningEmulator;
let host: ProviderHost;
let providerText: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, deploySeconds: 0.4, terminateSeconds: 0.2, releaseSeconds: 0.2 });
  providerText = await serializeProvider(instanceSetProvider);
  host = await startProviderHost({ cwd: root, project: PROJECT });
  await host.configure({
    "zenlayer:accessKeyId": emu.accessKeyId,
    "zenlayer:accessKeyPassword": emu.accessKeyPassword,
    "zenlayer:domain": emu.domain,
    "zenlayer:scheme": "HTTP",
  });
});
afterAll(async () => {
  await host?.close();
  await emu?.close();
});
beforeEach(async () => resetEmulator(emu.url));

const news = (extra: Record<string, unknown> = {}) => ({
  zoneId: "SEL-A",
  instanceType: "c.1c2g",
  imageId: "img-yKK4q6XybymPgfx7ynUUqC3N8",
  instanceCount: 2,
  instanceName: "web-[1,2]",
  setName: `${PROJECT}/dev/web`,
  __provider: providerText,
  ...extra,
});

describe("InstanceSet through the real provider host", () => {
  it("serializes to a small, secret-free __provider", () => {
    expect(providerText.length).toBeLessThanOrEqual(4096);
    expect(providerText).not.toContain(emu.accessKeyPassword);
    expect(providerText).toContain('require("pulumi-zenlayer-vm/provider")');
  });

  it("runs the full lifecycle: check, create, read, diff (none, in place, replace), update, delete", async () => {
    const checked = await host.check(u, {}, news());
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.setKey).toMatch(/^web-[0-9a-f]{16}$/);

    const created = await host.create(u, checked.inputs);
    expect(created.id).toBe(checked.inputs.setKey);
    expect(created.properties).toMatchObject({ status: "RUNNING", instanceCount: 2 });
    const ids = created.properties.instanceIds as string[];
    expect(ids).toHaveLength(2);
    expect(created.properties.__provider).toBe(providerText);

    const read = await host.read(u, created.id, created.properties, checked.inputs);
    expect(read.id).toBe(created.id);
    expect(read.properties.instanceIds).toEqual(ids);

    expect(await host.diff(u, created.id, read.properties, checked.inputs, checked.inputs)).toEqual({
      changes: "none",
      replaces: [],
      deleteBeforeReplace: false,
    });
    const scaled = await host.check(u, checked.inputs, news({ instanceCount: 3 }));
    expect(await host.diff(u, created.id, read.properties, scaled.inputs, checked.inputs)).toMatchObject({
      changes: "some",
      replaces: [],
    });
    const replaced = await host.check(u, checked.inputs, news({ imageId: "img-another-image", catalogCheck: false }));
    expect(replaced.inputs.setKey).not.toBe(checked.inputs.setKey);
    expect(await host.diff(u, created.id, read.properties, replaced.inputs, checked.inputs)).toMatchObject({
      changes: "some",
      replaces: ["imageId"],
    });

    const updated = await host.update(u, created.id, read.properties, scaled.inputs, checked.inputs);
    expect(updated.properties.instanceIds).toHaveLength(3);
    expect((updated.properties.instanceIds as string[]).slice(0, 2)).toEqual(ids);

    await host.delete(u, created.id, updated.properties, scaled.inputs);
    const live = (await audit(emu.url)).filter(isLive);
    expect(live).toEqual([]);
  });

  it("returns check failures naming the field", async () => {
    const checked = await host.check(u, {}, news({ instanceCount: 0, password: "weak" }));
    expect(checked.failures).toEqual(
      expect.arrayContaining([
        { property: "instanceCount", reason: "must be at least 1" },
        expect.objectContaining({ property: "password" }),
      ]),
    );
  });

  it("packs a CREATE_FAILED create as a partial failure the engine can record", async () => {
    await injectFault(emu.url, { action: "CreateInstances", kind: "create-failed", times: 1 });
    const checked = await host.check(u, {}, news());
    const error = (await host.create(u, checked.inputs).catch((e) => e)) as HostCallError;
    expect(error).toBeInstanceOf(HostCallError);
    expect(error.partial).toBeDefined();
    const partial = error.partial!;
    expect(partial.id).toBe(checked.inputs.setKey);
    expect(partial.properties.__provider).toBe(providerText);
    const recorded = partial.properties.instanceIds as string[];
    expect(recorded).toHaveLength(2);
    const live = (await audit(emu.url)).filter(isLive).map((i) => i.instanceId);
    expect(live.sort()).toEqual([...recorded].sort());
    expect(partial.reasons.join()).toMatch(/CREATE_FAILED/);

    // The next `up` updates the partially created set: it repairs it.
    const repaired = await host.update(u, partial.id, partial.properties, checked.inputs, checked.inputs);
    expect(repaired.properties.status).toBe("RUNNING");
    await host.delete(u, partial.id, repaired.properties, checked.inputs);
  });
});
