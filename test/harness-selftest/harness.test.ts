// Proves the e2e harness itself (test/harness) against the tiny `counter` fixture provider: one JSON file per
// resource in a temp folder. B drives the SDK's provider host directly; C runs the fixture program through the SDK's
// language entry point against the fake engine.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeEngine, type Step } from "../harness/fakeEngine";
import { counterProvider } from "../harness/fixtures/counter/counter";
import { HostCallError, type ProviderHost, serializeProvider, startProviderHost, UNKNOWN, urn } from "../harness/providerHost";

const fixtureDir = path.join(__dirname, "..", "harness", "fixtures", "counter");
const TYPE = "pulumi-nodejs:dynamic/counter:Counter";

const files = (dir: string) => fs.readdirSync(dir).sort();
const readFile = (dir: string, id: string) => JSON.parse(fs.readFileSync(path.join(dir, `${id}.json`), "utf8"));
const ops = (steps: Step[]) => steps.map((s) => `${s.op}${s.planned ? " (planned)" : ""}`);
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("B: the SDK's provider host over gRPC", () => {
  const u = urn("counter", "dev", TYPE, "c1");
  let dir: string;
  let provider: string;
  let host: ProviderHost;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-b-"));
    provider = await serializeProvider(counterProvider);
    host = await startProviderHost({ cwd: fixtureDir, project: "counter" });
    await host.configure({ "counter:label": "from-config" });
  });
  afterAll(async () => {
    await host?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs check, create, diff (none/some/replace), update, read (drift), delete; configure reaches configure()", async () => {
    const news = { dir, counterName: "c1", value: 1, skipped: undefined, __provider: provider };
    const checked = await host.check(u, {}, news);
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toEqual({ dir, counterName: "c1", value: 1, __provider: provider });

    const created = await host.create(u, checked.inputs);
    expect(created.id).toMatch(/^c1-[0-9a-f]{8}$/);
    expect(created.properties).toMatchObject({ value: 1, label: "from-config", status: "ready", writes: 1 });
    expect(created.properties["__provider"]).toBe(provider); // the host adds it back to every output
    expect(readFile(dir, created.id)).toEqual({ value: 1, label: "from-config" });
    // The host's stdout reaches us on its own pipe, possibly after the gRPC answer.
    await expect.poll(() => host.output(), { timeout: 5000 }).toContain(`stdout: counter create ${created.id}`);

    const same = await host.diff(u, created.id, created.properties, checked.inputs, checked.inputs);
    expect(same).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
    const some = await host.diff(u, created.id, created.properties, { ...checked.inputs, value: 2 });
    expect(some).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
    const replace = await host.diff(u, created.id, created.properties, { ...checked.inputs, counterName: "c2" });
    expect(replace).toMatchObject({ changes: "some", replaces: ["counterName"] });

    const updated = await host.update(u, created.id, created.properties, { ...checked.inputs, value: 2 }, checked.inputs);
    expect(updated.properties).toMatchObject({ value: 2, writes: 2, __provider: provider });
    expect(readFile(dir, created.id).value).toBe(2);

    fs.writeFileSync(path.join(dir, `${created.id}.json`), JSON.stringify({ value: 9 })); // drift outside Pulumi
    const read = await host.read(u, created.id, updated.properties, { ...checked.inputs, value: 2 });
    expect(read.id).toBe(created.id);
    expect(read.properties).toMatchObject({ value: 9, writes: 2, __provider: provider });
    expect(read.inputs).toEqual({ dir, counterName: "c1", value: 9, __provider: provider });

    await host.delete(u, created.id, read.properties, read.inputs);
    expect(files(dir)).toEqual([]);
    const gone = await host.read(u, created.id, read.properties);
    expect(gone.id).toBe(""); // what refresh treats as "deleted outside Pulumi"
  });

  it("returns check failures, and plain create errors without a partial", async () => {
    const checked = await host.check(u, {}, { dir, counterName: "c1", value: -1, __provider: provider });
    expect(checked.failures).toEqual([{ property: "value", reason: "value must be a non-negative number, got -1" }]);

    const err = await host
      .create(u, { dir, counterName: "p", value: 1, failCreate: "plain", __provider: provider })
      .catch((e) => e);
    expect(err).toBeInstanceOf(HostCallError);
    expect(err).toMatchObject({ message: "create refused for p", grpcCode: 2, partial: undefined });
    for (const f of files(dir)) fs.rmSync(path.join(dir, f));
  });

  it("decodes a partial failure (ErrorResourceInitFailed) into id, properties and reasons", async () => {
    const inputs = { dir, counterName: "half", value: 4, failCreate: "partial", __provider: provider };
    const err: HostCallError = await host.create(u, inputs).catch((e) => e);
    expect(err).toBeInstanceOf(HostCallError);
    expect(err.grpcCode).toBe(2);
    expect(err.message).toMatch(/^counter half-[0-9a-f]{8} did not become ready$/);
    const id = err.partial!.id;
    expect(id).toMatch(/^half-/);
    expect(err.partial!.reasons).toEqual([`counter ${id} is not ready`]);
    expect(err.partial!.properties).toEqual({ ...inputs, label: "from-config", writes: 1, status: "partial" });
    await host.delete(u, id, err.partial!.properties); // the partial outputs carry __provider, so delete works
    expect(files(dir)).toEqual([]);
  });

  it("close() ends the host process", async () => {
    const other = await startProviderHost({ cwd: fixtureDir });
    expect(isAlive(other.pid)).toBe(true);
    await other.close();
    expect(other.exited()).toBe(true);
    expect(isAlive(other.pid)).toBe(false);
  });
});

describe("C: the fixture program through cmd/run against the fake engine", () => {
  let dir: string;
  let engine: FakeEngine;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-c-"));
    engine = new FakeEngine({
      projectDir: fixtureDir,
      project: "counter",
      stack: "dev",
      config: { dir, value: "1", label: "L1" },
    });
  });
  afterAll(async () => {
    await engine?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const u = urn("counter", "dev", TYPE, "c1");

  it("preview plans a create and creates nothing", async () => {
    const r = await engine.run({ dryRun: true });
    expect(r.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.steps).toEqual([{ urn: u, type: TYPE, op: "create", planned: true }]);
    expect(r.outputs).toEqual({ counterId: UNKNOWN, value: 1, label: UNKNOWN });
    expect(files(dir)).toEqual([]);
    expect(engine.state()).toEqual([]);
  });

  it("up creates; configure() sees the stack config", async () => {
    const r = await engine.run();
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(ops(r.steps)).toEqual(["create"]);
    const [entry] = engine.state();
    expect(r.outputs).toEqual({ counterId: entry!.id, value: 1, label: "L1" });
    expect(files(dir)).toEqual([`${entry!.id}.json`]);
    expect(r.hostOutput).toContain(`stdout: counter create ${entry!.id}`);
  });

  it("a second up is a no-op", async () => {
    const r = await engine.run();
    expect(r.ok).toBe(true);
    expect(ops(r.steps)).toEqual(["same"]);
    expect(engine.state()[0]!.outputs["writes"]).toBe(1);
  });

  it("a config change updates in place", async () => {
    const id = engine.state()[0]!.id;
    engine.setConfig({ value: "2" });
    const preview = await engine.run({ dryRun: true });
    expect(ops(preview.steps)).toEqual(["update (planned)"]);
    expect(readFile(dir, id).value).toBe(1);

    const r = await engine.run();
    expect(r.ok).toBe(true);
    expect(r.steps).toEqual([{ urn: u, type: TYPE, op: "update", planned: false, id }]);
    expect(r.outputs["value"]).toBe(2);
    expect(readFile(dir, id).value).toBe(2);
  });

  it("a replacing change creates the new resource, then deletes the old one", async () => {
    const oldId = engine.state()[0]!.id;
    engine.setConfig({ counterName: "c2" });
    const r = await engine.run();
    expect(r.ok).toBe(true);
    expect(ops(r.steps)).toEqual(["replace", "delete-replaced"]);
    const [entry] = engine.state();
    expect(entry!.id).toMatch(/^c2-/);
    expect(r.steps[1]!.id).toBe(oldId);
    expect(files(dir)).toEqual([`${entry!.id}.json`]);
  });

  it("refresh reads drift into state", async () => {
    const id = engine.state()[0]!.id;
    fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify({ value: 7 }));
    const r = await engine.refresh();
    expect(r.ok).toBe(true);
    expect(ops(r.steps)).toEqual(["refresh"]);
    const [entry] = engine.state();
    expect(entry!.outputs["value"]).toBe(7);
    expect(entry!.inputs["value"]).toBe(7);
  });

  it("destroy deletes everything", async () => {
    const r = await engine.destroy();
    expect(r.ok).toBe(true);
    expect(ops(r.steps)).toEqual(["delete"]);
    expect(engine.state()).toEqual([]);
    expect(files(dir)).toEqual([]);
  });

  it("a check failure fails the program with the provider's reason", async () => {
    engine.setConfig({ value: "-1" });
    const started = Date.now();
    const r = await engine.run();
    expect(Date.now() - started).toBeLessThan(20_000); // without program-preload.js this takes ~30 s on Node 20.20.2
    expect(r.ok).toBe(false);
    expect(r.exitCode).toBe(32);
    expect(ops(r.steps)).toEqual(["check-failed"]);
    const logged = r.logs.filter((l) => l.severity === "error").map((l) => l.message);
    expect(logged.join("\n")).toContain("value must be a non-negative number, got -1");
    expect(engine.state()).toEqual([]);
    expect(files(dir)).toEqual([]);
  });

  it("a partial create is kept in state with init errors, and the next up updates it", async () => {
    engine.setConfig({ value: "3", failCreate: "partial" });
    const failed = await engine.run();
    expect(failed.ok).toBe(false);
    expect(failed.exitCode).not.toBe(0);
    expect(ops(failed.steps)).toEqual(["create-failed"]);
    const [entry] = engine.state();
    expect(entry!.initErrors).toEqual([`counter ${entry!.id} is not ready`]);
    expect(entry!.outputs["status"]).toBe("partial");
    expect(failed.logs.some((l) => l.severity === "error" && l.message.includes("did not become ready"))).toBe(true);

    engine.setConfig({ failCreate: undefined });
    const resumed = await engine.run();
    expect(resumed.errors).toEqual([]);
    expect(ops(resumed.steps)).toEqual(["update"]);
    expect(engine.state()).toEqual([
      expect.objectContaining({ id: entry!.id, outputs: expect.objectContaining({ status: "ready" }) }),
    ]);
    expect(engine.state()[0]!.initErrors).toBeUndefined();

    fs.rmSync(path.join(dir, `${entry!.id}.json`)); // deleted outside Pulumi
    const refreshed = await engine.refresh();
    expect(ops(refreshed.steps)).toEqual(["refresh-removed"]);
    expect(engine.state()).toEqual([]);
  });

  it("an up whose program no longer declares a resource deletes it", async () => {
    const created = await engine.run();
    expect(ops(created.steps)).toEqual(["create"]);
    const id = engine.state()[0]!.id;

    const r = await engine.run({ program: "empty.ts" });
    expect(r.ok).toBe(true);
    expect(r.steps).toEqual([{ urn: u, type: TYPE, op: "delete", planned: false, id }]);
    expect(engine.state()).toEqual([]);
    expect(files(dir)).toEqual([]);
  });
});
