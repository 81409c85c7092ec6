// The provider's methods against the emulator, as the provider host would call them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { ZenlayerClient } from "../../provider/api/client";
import { SET_TAG_KEY } from "../../provider/instanceSet/inputs";
import { PartialFailure } from "../../provider/instanceSet/operations";
import { InstanceSetRuntime } from "../../provider/runtime";
import { type AuditedInstance, audit, injectFault, isLive, resetEmulator, stats, tagValue } from "../support/emulatorControl";

const PROVIDER_TEXT = "exports.handler = __f0; /* the serialized shim, as the host passes it */";

let emu: RunningEmulator;
let logs: string[];
let runtime: InstanceSetRuntime;

const configOf = (e: RunningEmulator): Record<string, string> => ({
  "zenlayer:accessKeyId": e.accessKeyId,
  "zenlayer:accessKeyPassword": e.accessKeyPassword,
  "zenlayer:domain": e.domain,
  "zenlayer:scheme": "HTTP",
});

beforeAll(async () => {
  emu = await startEmulator({ port: 0, deploySeconds: 0.4, terminateSeconds: 0.2, releaseSeconds: 0.2 });
});
afterAll(async () => emu.close());
beforeEach(async () => {
  await resetEmulator(emu.url);
  logs = [];
  runtime = new InstanceSetRuntime((line) => logs.push(line));
  const config = configOf(emu);
  runtime.configure({ get: (k) => config[k] });
});

const args = (extra: Record<string, unknown> = {}) => ({
  zoneId: "SEL-A",
  instanceType: "c.1c2g",
  imageId: "img-yKK4q6XybymPgfx7ynUUqC3N8",
  instanceCount: 3,
  setName: "proj/test/web",
  ...extra,
});

/** check as the host runs it, then the inputs as create/update receive them (with `__provider`). */
async function checked(olds: Record<string, unknown>, news: Record<string, unknown>) {
  const result = await runtime.check(olds, news);
  if (result.failures) throw new Error(JSON.stringify(result.failures));
  return { ...result.inputs, __provider: PROVIDER_TEXT } as Record<string, unknown>;
}

type Outs = Record<string, unknown> & {
  instanceIds: string[];
  status: string;
  setKey: string;
  instances: Array<Record<string, unknown>>;
};

async function create(news: Record<string, unknown>) {
  const inputs = await checked({}, news);
  const { id, outs } = await runtime.create(inputs);
  return { id, inputs, outs: outs as Outs };
}

/** A runtime on this file's emulator with some stack config changed. */
function runtimeWith(overrides: Record<string, string>): InstanceSetRuntime {
  const config: Record<string, string> = { ...configOf(emu), ...overrides };
  const other = new InstanceSetRuntime(() => {});
  other.configure({ get: (k) => config[k] });
  return other;
}

/** The next `times` CreateInstances are answered HTTP 500 (nothing created). */
const failCreates = (times: number) =>
  injectFault(emu.url, { action: "CreateInstances", kind: "error", times, status: 500, code: "INTERNAL_SERVER_ERROR" });

const liveTagged = async (setKey: string) =>
  (await audit(emu.url)).filter((i) => isLive(i) && tagValue(i, SET_TAG_KEY) === setKey);

describe("create", () => {
  it("creates one instance, waits until RUNNING, and records plain-JSON outputs", async () => {
    const { id, outs } = await create(args({ instanceCount: 1, instanceName: "one" }));
    expect(id).toBe(outs.setKey);
    expect(outs.status).toBe("RUNNING");
    expect(outs.instanceIds).toHaveLength(1);
    const [instance] = outs.instances;
    expect(instance).toMatchObject({ instanceId: outs.instanceIds[0], instanceName: "one", status: "RUNNING", zoneId: "SEL-A" });
    expect((instance!.privateIpAddresses as string[]).length).toBeGreaterThan(0);
    expect(JSON.stringify(outs)).toBe(JSON.stringify(JSON.parse(JSON.stringify(outs)))); // nothing undefined
    expect(outs.__provider).toBe(PROVIDER_TEXT);
    expect(logs.some((l) => l.includes("1/1 RUNNING"))).toBe(true);
    expect((await liveTagged(outs.setKey)).map((i) => i.instanceId)).toEqual(outs.instanceIds);
  });

  it("creates 250 instances in three CreateInstances calls, polling at most 100 ids per call", async () => {
    const { outs } = await create(args({ instanceCount: 250, instanceName: "web-[1,3]" }));
    expect(outs.status).toBe("RUNNING");
    expect(new Set(outs.instanceIds).size).toBe(250);
    const s = await stats(emu.url);
    expect(s.byAction.CreateInstances).toBe(3);
    expect(s.byAction.ModifyInstancesAttribute ?? 0).toBe(0); // named right at creation, across batches
    const names = (await liveTagged(outs.setKey)).map((i) => i.instanceName).sort();
    expect(names[0]).toBe("web-001");
    expect(names[249]).toBe("web-250");
    expect(new Set(names).size).toBe(250);
    // One tag lookup, then each poll round asks for ≤100 ids: 3 calls per round, a handful of rounds.
    expect(s.byAction.DescribeInstances ?? 0).toBeLessThanOrEqual(1 + 3 * 6);
  });

  it("shares polls between sets waiting at the same time in one process", async () => {
    // A slower deploy than this file's emulator, so that a wait takes several poll rounds.
    const slow = await startEmulator({ port: 0, deploySeconds: 2 });
    try {
      const config = configOf(slow);
      const slowRuntime = new InstanceSetRuntime(() => {});
      slowRuntime.configure({ get: (k) => config[k] });
      const createOn = async (setName: string) => {
        const result = await slowRuntime.check({}, args({ instanceCount: 10, setName }));
        return (await slowRuntime.create(result.inputs as Record<string, unknown>)).outs;
      };
      await createOn("proj/test/alone");
      const alone = (await stats(slow.url)).byAction.DescribeInstances ?? 0;
      await resetEmulator(slow.url);
      const both = await Promise.all([createOn("proj/test/left"), createOn("proj/test/right")]);
      expect(both.map((outs) => outs.status)).toEqual(["RUNNING", "RUNNING"]);
      const together = (await stats(slow.url)).byAction.DescribeInstances ?? 0;
      // Alone: one tag lookup and ≥2 poll rounds. Together: a tag lookup each, and the same rounds
      // shared (+1 for a round the two might straddle); unshared they would cost twice the rounds.
      expect(alone).toBeGreaterThanOrEqual(3);
      expect(together).toBeLessThanOrEqual(alone + 2);
    } finally {
      await slow.close();
    }
  });

  it("creates 100 instances in one call", async () => {
    const { outs } = await create(args({ instanceCount: 100 }));
    expect(outs.instanceIds).toHaveLength(100);
    expect((await stats(emu.url)).byAction.CreateInstances).toBe(1);
  });

  it("reports CREATE_FAILED as a partial failure that records every created id, then repairs on update", async () => {
    await injectFault(emu.url, { action: "CreateInstances", kind: "create-failed", times: 1 });
    const inputs = await checked({}, args());
    const failure = (await runtime.create(inputs).catch((e) => e)) as PartialFailure;
    expect(failure).toBeInstanceOf(PartialFailure);
    const props = failure.properties as Outs;
    expect(failure.id).toBe(props.setKey);
    expect(props.__provider).toBe(PROVIDER_TEXT);
    expect(props.instanceIds).toHaveLength(3);
    expect(props.status).toBe("INCOMPLETE");
    const failed = props.instances.find((i) => i.status === "CREATE_FAILED");
    expect(failed).toBeDefined();
    expect(failure.reasons.join()).toContain(String(failed!.instanceId));
    expect(failure.reasons.join()).toContain("CREATE_FAILED");

    const { outs } = await runtime.update(failure.id, props, inputs);
    const repaired = outs as Outs;
    expect(repaired.status).toBe("RUNNING");
    expect(repaired.instanceIds).toHaveLength(3);
    expect(repaired.instanceIds).not.toContain(failed!.instanceId);
    expect((await liveTagged(repaired.setKey)).map((i) => i.instanceId).sort()).toEqual([...repaired.instanceIds].sort());
  });

  it("records the set even with no instance when CreateInstances outcomes stayed unknown, so the next up finds late ones", async () => {
    const impatient = runtimeWith({ "zenlayer:requestTimeoutSeconds": "0.3" });
    await failCreates(3);
    const inputs = await checked({}, args());
    const failure = (await impatient.create(inputs).catch((e) => e)) as PartialFailure;
    expect(failure).toBeInstanceOf(PartialFailure);
    expect(failure.reasons.join()).toContain("unknown outcome");
    const props = failure.properties as Outs;
    expect(props.instanceIds).toEqual([]);
    expect(props.setKey).toBe(failure.id);
    const { outs } = await impatient.update(failure.id, props, inputs);
    expect((outs as Outs).instanceIds).toHaveLength(3);
  });

  it("after a CreateInstances answered with a server error, looks the set up once before sending it again", async () => {
    // A long request timeout: were it waited out (as for an unanswered request), the tag lookups
    // would run about once a second for 20 s.
    const patient = runtimeWith({ "zenlayer:requestTimeoutSeconds": "20" });
    await failCreates(1);
    const { outs } = await patient.create(await checked({}, args()));
    expect((outs as Outs).instanceIds).toHaveLength(3);
    const s = await stats(emu.url);
    expect(s.byAction.CreateInstances).toBe(2);
    // the set lookup, the one look after the error, and a poll or two while the instances deploy
    expect(s.byAction.DescribeInstances).toBeLessThanOrEqual(5);
  });

  it("adopts the instances of a CreateInstances whose response was lost instead of creating them twice", async () => {
    await injectFault(emu.url, { action: "CreateInstances", kind: "drop", times: 1 });
    const { outs } = await create(args({ instanceCount: 4 }));
    expect(outs.status).toBe("RUNNING");
    expect(outs.instanceIds).toHaveLength(4);
    expect((await stats(emu.url)).byAction.CreateInstances).toBe(1);
    expect(await liveTagged(outs.setKey)).toHaveLength(4);
    expect(logs.join("\n")).toContain("looking the set up by its tag");
  });

  it("fails a vanished instance by name and keeps the rest recorded", async () => {
    await injectFault(emu.url, { action: "CreateInstances", kind: "vanish", times: 1 });
    const failure = (await runtime.create(await checked({}, args({ instanceCount: 2 }))).catch((e) => e)) as PartialFailure;
    expect(failure).toBeInstanceOf(PartialFailure);
    expect(failure.reasons.join()).toContain("vanished");
    expect((failure.properties as Outs).instanceIds).toHaveLength(2);
  });

  it("raises a partial failure when instances are not RUNNING within readyTimeoutSeconds, and update resumes", async () => {
    await emu.close();
    emu = await startEmulator({ port: 0, deploySeconds: 3, terminateSeconds: 0.2, releaseSeconds: 0.2 });
    const config = configOf(emu);
    runtime.configure({ get: (k) => config[k] });
    const inputs = await checked({}, args({ instanceCount: 2, readyTimeoutSeconds: 1 }));
    const failure = (await runtime.create(inputs).catch((e) => e)) as PartialFailure;
    expect(failure).toBeInstanceOf(PartialFailure);
    expect(failure.reasons.join()).toContain("not RUNNING after 1s");
    const resumed = (await runtime.update(failure.id, failure.properties, { ...inputs, readyTimeoutSeconds: 30 })).outs as Outs;
    expect(resumed.status).toBe("RUNNING");
    expect(resumed.instanceIds).toEqual((failure.properties as Outs).instanceIds);
    expect((await stats(emu.url)).byAction.CreateInstances).toBe(1);
    await emu.close();
    emu = await startEmulator({ port: 0, deploySeconds: 0.4, terminateSeconds: 0.2, releaseSeconds: 0.2 });
  });

  it("adopts existing instances listed in adoptInstanceIds without creating any", async () => {
    const client = new ZenlayerClient({ ...settingsOf(emu), env: {} });
    const made = await client.call("CreateInstances", {
      zoneId: "SEL-A",
      instanceType: "c.1c2g",
      imageId: "img-yKK4q6XybymPgfx7ynUUqC3N8",
      instanceChargeType: "POSTPAID",
      internetChargeType: "ByBandwidth",
      instanceCount: 2,
    });
    const { outs } = await create(args({ instanceCount: 2, adoptInstanceIds: made.instanceIdSet }));
    expect(outs.instanceIds).toEqual(made.instanceIdSet);
    expect(outs.status).toBe("RUNNING");
    expect((await stats(emu.url)).byAction.CreateInstances).toBe(1);
  });
});

const settingsOf = (e: RunningEmulator) => ({
  accessKeyId: e.accessKeyId,
  accessKeyPassword: e.accessKeyPassword,
  domain: e.domain,
  scheme: "HTTP",
});

describe("update, read and delete", () => {
  it("scales 3 → 5 → 2, terminating the newest instances first", async () => {
    const { id, inputs, outs } = await create(args({ instanceName: "s-[1,2]" }));
    const five = (await runtime.update(id, outs, await checked(inputs, args({ instanceName: "s-[1,2]", instanceCount: 5 }))))
      .outs as Outs;
    expect(five.instanceIds.slice(0, 3)).toEqual(outs.instanceIds);
    expect(five.instanceIds).toHaveLength(5);
    expect(five.instances.map((i) => i.instanceName)).toEqual(["s-01", "s-02", "s-03", "s-04", "s-05"]);
    const two = (await runtime.update(id, five, await checked(inputs, args({ instanceName: "s-[1,2]", instanceCount: 2 }))))
      .outs as Outs;
    expect(two.instanceIds).toEqual(outs.instanceIds.slice(0, 2));
    const byId = new Map((await audit(emu.url)).map((i) => [i.instanceId, i]));
    for (const gone of five.instanceIds.slice(2)) expect(byId.get(gone)?.instanceStatus).toBe("RECYCLE");
    expect(await liveTagged(outs.setKey)).toHaveLength(2);
  });

  it("renames in place", async () => {
    const { id, inputs, outs } = await create(args({ instanceCount: 2, instanceName: "a-[1,1]" }));
    const renamed = (await runtime.update(id, outs, await checked(inputs, args({ instanceCount: 2, instanceName: "b-[1,1]" }))))
      .outs as Outs;
    expect(renamed.instances.map((i) => i.instanceName)).toEqual(["b-1", "b-2"]);
    expect((await liveTagged(outs.setKey)).map((i) => i.instanceName).sort()).toEqual(["b-1", "b-2"]);
    expect((await stats(emu.url)).byAction.CreateInstances).toBe(1);
  });

  it("changes tags in place on existing instances, leaving tags others set alone", async () => {
    const { id, inputs, outs } = await create(args({ instanceCount: 2, tags: { team: "a", old: "x" } }));
    const client = new ZenlayerClient({ ...settingsOf(emu), env: {} });
    const [first, second] = outs.instanceIds;
    await client.call("ModifyResourceTags", { resourceUuid: first!, replaceTags: [{ key: "owner", value: "ops" }] });
    const news = await checked(inputs, args({ instanceCount: 3, tags: { team: "b", fresh: "y" } }));
    const updated = (await runtime.update(id, outs, news)).outs as Outs;

    const tagsOf = (i: AuditedInstance) => Object.fromEntries((i.tags?.tags ?? []).map((t) => [t.key, t.value]));
    const live = new Map((await liveTagged(outs.setKey)).map((i) => [i.instanceId, tagsOf(i)]));
    expect([...live.keys()]).toEqual(expect.arrayContaining(updated.instanceIds));
    expect(live.size).toBe(3);
    const wanted = { team: "b", fresh: "y", [SET_TAG_KEY]: outs.setKey };
    expect(live.get(first!)).toEqual({ ...wanted, owner: "ops" });
    expect(live.get(second!)).toEqual(wanted);
    expect(live.get(updated.instanceIds[2]!)).toEqual(wanted); // the new one, tagged at creation
    expect((await stats(emu.url)).byAction.ModifyResourceTags).toBe(3); // the out-of-band call and one per old instance
    await runtime.update(id, updated, news);
    expect((await stats(emu.url)).byAction.ModifyResourceTags).toBe(3); // nothing left to change
  });

  it("refreshes after an out-of-band termination, shows a repair in diff, and repairs on update", async () => {
    const { id, inputs, outs } = await create(args());
    const client = new ZenlayerClient({ ...settingsOf(emu), env: {} });
    await client.call("TerminateInstance", { instanceId: outs.instanceIds[1]! });
    const read = await runtime.read(id, outs);
    const refreshed = read.props as Outs;
    expect(read.id).toBe(id);
    expect(refreshed.instanceIds).toEqual([outs.instanceIds[0], outs.instanceIds[2]]);
    expect(refreshed.status).toBe("INCOMPLETE");
    expect(read.inputs).toMatchObject({ instanceCount: 3, setKey: outs.setKey });
    const diff = await runtime.diff(id, refreshed, await checked(inputs, args()));
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const repaired = (await runtime.update(id, refreshed, await checked(inputs, args()))).outs as Outs;
    expect(repaired.status).toBe("RUNNING");
    expect(repaired.instanceIds).toHaveLength(3);
    expect(await runtime.diff(id, repaired, await checked(inputs, args()))).toMatchObject({ changes: false });
  });

  it("keeps what state recorded when an update fails before finding the set again", async () => {
    const { id, inputs, outs } = await create(args());
    await injectFault(emu.url, {
      action: "DescribeInstances",
      kind: "error",
      times: 1,
      status: 403,
      code: "OPERATION_DENIED_NO_PERMISSION",
    });
    const failure = (await runtime
      .update(id, outs, await checked(inputs, args({ instanceCount: 4 })))
      .catch((e) => e)) as PartialFailure;
    expect(failure).toBeInstanceOf(PartialFailure);
    expect(failure.reasons.join()).toContain("OPERATION_DENIED_NO_PERMISSION");
    expect((failure.properties as Outs).instanceIds).toEqual(outs.instanceIds);
    expect((failure.properties as Outs).instances).toEqual(outs.instances);
    // Plain JSON: no key holds `undefined` (this set has no tags to keep).
    expect(failure.properties).toStrictEqual(JSON.parse(JSON.stringify(failure.properties)));
  });

  it("waits for an instance that is still stopping, then starts it", async () => {
    const { id, inputs, outs } = await create(args({ instanceCount: 2 }));
    const client = new ZenlayerClient({ ...settingsOf(emu), env: {} });
    await client.call("StopInstances", { instanceIds: [outs.instanceIds[1]!] });
    const refreshed = (await runtime.read(id, outs)) as unknown as { props: Outs };
    expect(refreshed.props.instances[1]!.status).toBe("STOPPING");
    const { outs: updated } = await runtime.update(id, refreshed.props, await checked(inputs, args({ instanceCount: 2 })));
    expect((updated as Outs).instances.map((i) => i.status)).toEqual(["RUNNING", "RUNNING"]);
    expect((updated as Outs).instanceIds).toEqual(outs.instanceIds);
  });

  it("keeps a set on refresh while instances that failed to create remain", async () => {
    await injectFault(emu.url, { action: "CreateInstances", kind: "create-failed", times: 1 });
    const failure = (await runtime.create(await checked({}, args({ instanceCount: 1 }))).catch((e) => e)) as PartialFailure;
    const read = (await runtime.read(failure.id, failure.properties)) as unknown as { props: Outs };
    expect(read.props.instanceIds).toEqual([]);
    expect(read.props.status).toBe("INCOMPLETE");
    expect((await audit(emu.url)).filter(isLive).map((i) => i.instanceStatus)).toEqual(["CREATE_FAILED"]);
  });

  it("with forceDelete, leaves alone what an earlier life of the resource put in the recycle bin", async () => {
    const first = await create(args({ instanceCount: 1 }));
    await runtime.delete(first.id, first.outs); // without forceDelete: restorable from the bin
    const again = await create(args({ instanceCount: 1, forceDelete: true }));
    expect(again.outs.setKey).toBe(first.outs.setKey);
    const old = (await audit(emu.url)).find((i) => i.instanceId === first.outs.instanceIds[0]);
    expect(old).toMatchObject({ instanceStatus: "RECYCLE", released: false });
    await runtime.delete(again.id, again.outs);
  });

  it("removes the set from state on refresh when no instance remains", async () => {
    const { id, outs } = await create(args({ instanceCount: 1 }));
    const client = new ZenlayerClient({ ...settingsOf(emu), env: {} });
    await client.call("TerminateInstance", { instanceId: outs.instanceIds[0]! });
    expect(await runtime.read(id, outs)).toEqual({});
  });

  it("deletes to the recycle bin, idempotently", async () => {
    const { id, outs } = await create(args());
    await runtime.delete(id, outs);
    await runtime.delete(id, outs);
    const mine = (await audit(emu.url)).filter((i) => outs.instanceIds.includes(i.instanceId));
    expect(mine.map((i) => i.instanceStatus)).toEqual(["RECYCLE", "RECYCLE", "RECYCLE"]);
    expect(mine.every((i) => !i.released)).toBe(true);
  });

  it("releases from the recycle bin with forceDelete", async () => {
    const { id, outs } = await create(args({ forceDelete: true }));
    await runtime.delete(id, outs);
    const mine = (await audit(emu.url)).filter((i) => outs.instanceIds.includes(i.instanceId));
    expect(mine).toHaveLength(3);
    expect(mine.every((i) => i.released)).toBe(true);
    await runtime.delete(id, outs);
  });

  it("with forceDelete, releases what an earlier scale-in left in the recycle bin", async () => {
    const { id, inputs, outs } = await create(args({ forceDelete: true }));
    await injectFault(emu.url, {
      action: "ReleaseInstances",
      kind: "error",
      times: 1,
      status: 403,
      code: "OPERATION_DENIED_NO_PERMISSION",
    });
    const smaller = await checked(inputs, args({ forceDelete: true, instanceCount: 1 }));
    const failure = (await runtime.update(id, outs, smaller).catch((e) => e)) as PartialFailure;
    expect(failure).toBeInstanceOf(PartialFailure);
    const victims = outs.instanceIds.slice(1);
    const statusOf = async (ids: string[]) =>
      (await audit(emu.url)).filter((i) => ids.includes(i.instanceId)).map((i) => (i.released ? "released" : i.instanceStatus));
    expect(await statusOf(victims)).toEqual(["RECYCLE", "RECYCLE"]);
    const { outs: after } = await runtime.update(id, failure.properties, smaller);
    expect((after as Outs).instanceIds).toEqual(outs.instanceIds.slice(0, 1));
    expect(await statusOf(victims)).toEqual(["released", "released"]);

    // One still on its way to the bin is waited for, then released too.
    const client = new ZenlayerClient({ ...settingsOf(emu), env: {} });
    const [last] = (after as Outs).instanceIds;
    await client.call("TerminateInstance", { instanceId: last! });
    expect(await statusOf([last!])).toEqual(["RECYCLING"]);
    const { outs: repaired } = await runtime.update(id, after, smaller);
    expect((repaired as Outs).instanceIds).toHaveLength(1);
    expect(await statusOf([last!])).toEqual(["released"]);
  });
});

describe("credentials", () => {
  it("falls back to ZENLAYERCLOUD_* environment variables", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      ZENLAYERCLOUD_ACCESS_KEY_ID: emu.accessKeyId,
      ZENLAYERCLOUD_ACCESS_KEY_PASSWORD: emu.accessKeyPassword,
      ZENLAYERCLOUD_DOMAIN: emu.domain,
      ZENLAYERCLOUD_SCHEME: "HTTP",
    });
    try {
      const fromEnv = new InstanceSetRuntime(() => {});
      fromEnv.configure({ get: () => undefined });
      const inputs = await checked({}, args({ instanceCount: 1 }));
      const { outs } = await fromEnv.create(inputs);
      expect((outs as Outs).status).toBe("RUNNING");
    } finally {
      process.env = saved;
    }
  });

  it("fails with one clear message naming both ways when no credentials are set, creating nothing", async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith("ZENLAYERCLOUD_")) delete process.env[k];
    try {
      const bare = new InstanceSetRuntime(() => {});
      bare.configure({ get: () => undefined });
      const error = await bare.create(await checked({}, args())).catch((e) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toContain("zenlayer:accessKeyId");
      expect(error.message).toContain("ZENLAYERCLOUD_ACCESS_KEY_ID");
      expect((await stats(emu.url)).byAction.CreateInstances ?? 0).toBe(0);
    } finally {
      process.env = saved;
    }
  });

  it("keeps the access key password and instance passwords out of errors, even when the API echoes them", async () => {
    const password = "Inst4nce~Pass";
    const echo = `rejected key ${emu.accessKeyPassword} and password ${password}`;
    await injectFault(emu.url, {
      action: "CreateInstances",
      kind: "error",
      times: 1,
      status: 400,
      code: "INVALID_PARAMETER_VALUE",
      message: echo,
    });
    const error = await runtime.create(await checked({}, args({ password }))).catch((e) => e);
    expect(error.message).toContain("INVALID_PARAMETER_VALUE");
    expect(error.message).toContain("rejected key");
    expect(error.message).not.toContain(emu.accessKeyPassword);
    expect(error.message).not.toContain(password);
    expect(logs.join("\n")).not.toContain(password);
  });

  it("fails configure on a malformed setting, naming it and the allowed values", () => {
    for (const [key, value, expected] of [
      ["zenlayer:apiVersion", "2024-01-01", 'apiVersion must be one of "2026-04-01"|"2023-03-13", got "2024-01-01"'],
      ["zenlayer:scheme", "ftp", 'scheme must be HTTP or HTTPS, got "ftp"'],
      ["zenlayer:maxRequestsPerSecond", "-3", 'zenlayer:maxRequestsPerSecond must be a positive number, got "-3"'],
    ]) {
      const config: Record<string, string> = { ...configOf(emu), [key!]: value! };
      expect(() => new InstanceSetRuntime(() => {}).configure({ get: (k) => config[k] })).toThrow(expected);
    }
  });
});
