// C: the real top-level program (examples/quickstart, what Pulumi.yaml runs) through the SDK's own
// entry point, against a small fake engine that forwards to the real provider host, against the
// emulator. The engine's plan/state logic is test scaffolding; what is real is the program, the
// SDK's RegisterResource with `__provider`, the host and our provider.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { ZenlayerClient } from "../../provider/api/client";
import { FakeEngine } from "../harness/fakeEngine";
import { audit, isLive, stats, writeCalls } from "../support/emulatorControl";

const root = path.resolve(__dirname, "../..");
const PROGRAM = "examples/quickstart/index.ts";

let emu: RunningEmulator;
let engine: FakeEngine;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, deploySeconds: 0.4, terminateSeconds: 0.2, releaseSeconds: 0.2 });
  engine = new FakeEngine({
    projectDir: root,
    project: "zenlayer-vm-quickstart",
    stack: "dev",
    config: {
      "zenlayer:accessKeyId": emu.accessKeyId,
      "zenlayer:accessKeyPassword": emu.accessKeyPassword,
      "zenlayer:domain": emu.domain,
      "zenlayer:scheme": "HTTP",
    },
    secretKeys: ["zenlayer:accessKeyPassword"],
  });
});
afterAll(async () => {
  await engine?.close();
  await emu?.close();
});

const liveIds = async () =>
  (await audit(emu.url))
    .filter(isLive)
    .map((i) => i.instanceId)
    .sort();

describe("the quickstart stack", () => {
  it("fails preview on invalid input with the check failure's message and creates nothing", async () => {
    const result = await engine.run({ program: PROGRAM, dryRun: true, config: { instanceCount: "0" } });
    expect(result.ok).toBe(false);
    expect(
      result.logs
        .filter((l) => l.severity === "error")
        .map((l) => l.message)
        .join("\n"),
    ).toContain("instanceCount");
    expect(result.errors.join("\n")).toContain("must be at least 1");
    expect((await stats(emu.url)).byAction.CreateInstances ?? 0).toBe(0);
  });

  it("previews a create without calling the API's write actions", async () => {
    const result = await engine.run({ program: PROGRAM, dryRun: true });
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => s.op)).toEqual(["create"]);
    expect(writeCalls(await stats(emu.url))).toBe(0);
  });

  it("up creates the set, and a second up changes nothing", async () => {
    const up = await engine.run({ program: PROGRAM });
    expect(up.ok).toBe(true);
    expect(up.outputs.status).toBe("RUNNING");
    expect(up.outputs.instanceIds).toHaveLength(2);
    expect(await liveIds()).toEqual([...(up.outputs.instanceIds as string[])].sort());

    const before = writeCalls(await stats(emu.url));
    const again = await engine.run({ program: PROGRAM });
    expect(again.ok).toBe(true);
    expect(again.steps.map((s) => s.op)).toEqual(["same"]);
    expect(writeCalls(await stats(emu.url))).toBe(before);
  });

  it("changing instanceCount in config updates in place", async () => {
    const ids = engine.state()[0]!.outputs.instanceIds as string[];
    engine.setConfig({ instanceCount: "3" });
    const result = await engine.run({ program: PROGRAM });
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => s.op)).toEqual(["update"]);
    expect(result.outputs.instanceIds).toHaveLength(3);
    expect((result.outputs.instanceIds as string[]).slice(0, 2)).toEqual(ids);
    expect(await liveIds()).toHaveLength(3);
  });

  it("refresh notices an instance terminated behind Pulumi's back, and the next up repairs it", async () => {
    const ids = engine.state()[0]!.outputs.instanceIds as string[];
    const client = new ZenlayerClient({
      accessKeyId: emu.accessKeyId,
      accessKeyPassword: emu.accessKeyPassword,
      domain: emu.domain,
      scheme: "HTTP",
      env: {},
    });
    await client.call("TerminateInstance", { instanceId: ids[0]! });
    const refresh = await engine.refresh();
    expect(refresh.ok).toBe(true);
    expect(engine.state()[0]!.outputs.instanceIds).toEqual(ids.slice(1));
    expect(engine.state()[0]!.outputs.status).toBe("INCOMPLETE");

    const up = await engine.run({ program: PROGRAM });
    expect(up.ok).toBe(true);
    expect(up.steps.map((s) => s.op)).toEqual(["update"]);
    expect(up.outputs.instanceIds).toHaveLength(3);
  });

  it("changing instanceType replaces the set: new instances first, then the old ones go to the recycle bin", async () => {
    const old = engine.state()[0]!.outputs;
    engine.setConfig({ instanceType: "c.2c4g" });
    const result = await engine.run({ program: PROGRAM });
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => s.op)).toEqual(["replace", "delete-replaced"]);
    const now = engine.state()[0]!.outputs;
    expect(now.setKey).not.toBe(old.setKey);
    const fresh = now.instanceIds as string[];
    expect(fresh).toHaveLength(3);
    expect(fresh.filter((id) => (old.instanceIds as string[]).includes(id))).toEqual([]);
    expect(await liveIds()).toEqual([...fresh].sort());
  });

  it("destroy sends every instance the stack made to the recycle bin", async () => {
    const result = await engine.destroy();
    expect(result.ok).toBe(true);
    expect(engine.state()).toEqual([]);
    const all = await audit(emu.url);
    expect(all.length).toBeGreaterThan(0);
    // Every instance the stack ever made is in the recycle bin (on its way there) or released.
    expect(all.filter((i) => !i.released && !["RECYCLING", "RECYCLE"].includes(i.instanceStatus))).toEqual([]);
  });
});
