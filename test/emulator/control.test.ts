// The control and audit API (`/_emulator/`): faults of every kind, stats, reset, the audit list and
// the loopback-only rule.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { api, control, DOCS_CREATE, send, sleep } from "./signedRequest";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, deploySeconds: 0.2, terminateSeconds: 0.1, releaseSeconds: 0.1 });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  expect((await control(emulator, "POST", "reset")).status).toBe(200);
});

const audit = async () => (await control(emulator, "GET", "instances")).json.instances as Array<Record<string, unknown>>;
const inject = async (fault: object) => {
  const answer = await control(emulator, "POST", "faults", fault);
  expect(answer.status, answer.text).toBe(200);
  return answer.json.fault;
};

describe("faults", () => {
  it("error: answers the injected status and code for the next `times` matching requests, without acting", async () => {
    await inject({ action: "CreateInstances", kind: "error", status: 500, code: "INTERNAL_SERVER_ERROR", times: 2 });
    for (let i = 0; i < 2; i++) {
      const answer = await api(emulator, "CreateInstances", DOCS_CREATE);
      expect(answer.status).toBe(500);
      expect(answer.json).toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
      expect(answer.json.requestId).toMatch(/^T/);
    }
    expect(await audit()).toEqual([]);
    // Other actions are not affected; the fault is used up.
    expect((await api(emulator, "DescribeZones")).status).toBe(200);
    expect((await api(emulator, "CreateInstances", DOCS_CREATE)).status).toBe(200);
    expect((await control(emulator, "GET", "faults")).json.faults).toEqual([]);
  });

  it("error with action * matches any action (503, then 429)", async () => {
    await inject({ action: "*", kind: "error", status: 503, code: "SERVICE_TEMPORARY_UNAVAILABLE", message: "try later" });
    await inject({ kind: "error", status: 429, code: "REQUEST_LIMIT_EXCEEDED" });
    const first = await api(emulator, "DescribeZones");
    expect(first.status).toBe(503);
    expect(first.json).toMatchObject({ code: "SERVICE_TEMPORARY_UNAVAILABLE", message: "try later" });
    const second = await api(emulator, "DescribeImages");
    expect(second.status).toBe(429);
    expect(second.json.code).toBe("REQUEST_LIMIT_EXCEEDED");
    expect((await api(emulator, "DescribeImages")).status).toBe(200);
  });

  it("latency: delays the request, which then takes effect normally", async () => {
    await inject({ action: "CreateInstances", kind: "latency", ms: 300 });
    const started = Date.now();
    const answer = await api(emulator, "CreateInstances", DOCS_CREATE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer.status).toBe(200);
    expect(await audit()).toHaveLength(1);
  });

  it("drop: the action takes effect and the connection closes without an answer", async () => {
    await inject({ action: "CreateInstances", kind: "drop" });
    await expect(api(emulator, "CreateInstances", { ...DOCS_CREATE, instanceName: "lost" })).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    const instances = await audit();
    expect(instances).toHaveLength(1);
    expect(instances[0]).toMatchObject({ instanceName: "lost", released: false });
    const stats = (await control(emulator, "GET", "stats")).json;
    expect(stats.byStatus).toEqual({ dropped: 1 });
  });

  it("create-failed: the next instances end in CREATE_FAILED; terminating one removes it directly", async () => {
    await inject({ kind: "create-failed", times: 1 });
    const ids: string[] = (await api(emulator, "CreateInstances", { ...DOCS_CREATE, instanceCount: 2 })).json.response
      .instanceIdSet;
    await sleep(300);
    const statuses = await api(emulator, "DescribeInstancesStatus", { instanceIds: ids });
    expect(statuses.json.response.dataSet.map((s: { instanceStatus: string }) => s.instanceStatus)).toEqual([
      "CREATE_FAILED",
      "RUNNING",
    ]);
    expect((await api(emulator, "TerminateInstance", { instanceId: ids[0] })).status).toBe(200);
    const after = await api(emulator, "DescribeInstancesStatus", { instanceIds: ids });
    expect(after.json.response.dataSet.map((s: { instanceId: string }) => s.instanceId)).toEqual([ids[1]]);
    expect((await audit())[0]).toMatchObject({ instanceId: ids[0], instanceStatus: "CREATE_FAILED", released: true });
  });

  it("vanish: the next instances disappear during deploy", async () => {
    await inject({ kind: "vanish", times: 1, action: "CreateInstances" });
    const [id] = (await api(emulator, "CreateInstances", DOCS_CREATE)).json.response.instanceIdSet;
    const during = await api(emulator, "DescribeInstancesStatus", { instanceIds: [id] });
    expect(during.json.response.dataSet).toEqual([{ instanceId: id, instanceStatus: "PENDING" }]);
    expect((await audit())[0]).toMatchObject({ released: false, vanished: false, releaseTime: null });
    await sleep(300);
    const after = await api(emulator, "DescribeInstances", { instanceIds: [id] });
    expect(after.json.response).toMatchObject({ totalCount: 0, dataSet: [] });
    expect((await api(emulator, "TerminateInstance", { instanceId: id })).status).toBe(404);
    expect((await audit())[0]).toMatchObject({ instanceId: id, released: true, vanished: true });
  });

  it("is not consumed by a request that fails authentication", async () => {
    await inject({ kind: "error", status: 500, code: "INTERNAL_SERVER_ERROR" });
    expect((await api(emulator, "DescribeZones", {}, { accessKeyPassword: "wrong" })).status).toBe(401);
    expect((await control(emulator, "GET", "faults")).json.faults).toHaveLength(1);
    expect((await api(emulator, "DescribeZones")).status).toBe(500);
  });

  it("are listed with their remaining count and cleared by DELETE", async () => {
    await inject({ action: "DescribeInstances", kind: "latency", ms: 10, times: 3 });
    await api(emulator, "DescribeInstances");
    const listed = (await control(emulator, "GET", "faults")).json.faults;
    expect(listed).toEqual([
      { id: expect.any(Number), action: "DescribeInstances", kind: "latency", ms: 10, times: 3, remaining: 2 },
    ]);
    expect((await control(emulator, "DELETE", "faults")).status).toBe(200);
    expect((await control(emulator, "GET", "faults")).json.faults).toEqual([]);
  });

  it.each([
    [{ kind: "explode" }, "kind"],
    [{ kind: "error", code: "INTERNAL_SERVER_ERROR" }, "status"],
    [{ kind: "error", status: 200, code: "OK" }, "status"],
    [{ kind: "error", status: 500, code: "lower-case" }, "code"],
    [{ kind: "latency", action: "NoSuchAction", ms: 10 }, "action"],
    [{ kind: "latency", ms: -1 }, "ms"],
    [{ kind: "drop", times: 0 }, "times"],
    [{ kind: "vanish", action: "DescribeInstances" }, "action"],
  ])("refuses the fault %j with a 400 naming %s", async (fault, field) => {
    const answer = await control(emulator, "POST", "faults", fault);
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe("INVALID_PARAMETER_VALUE");
    expect(answer.json.message).toContain(field);
  });

  it("refuses a fault body that is not JSON", async () => {
    const answer = await send(emulator, {
      path: "/_emulator/faults",
      body: "{oops",
      headers: { "content-type": "application/json" },
    });
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe("INVALID_PARAMETER_VALUE");
  });
});

describe("stats, reset and the audit list", () => {
  it("counts API requests by action and status, not control calls", async () => {
    await api(emulator, "DescribeZones");
    await api(emulator, "DescribeZones");
    await api(emulator, "TerminateInstance", { instanceId: "1" });
    await api(emulator, "DescribeZones", {}, { accessKeyPassword: "wrong" });
    await send(emulator, { method: "GET" });
    await control(emulator, "GET", "instances");
    const stats = (await control(emulator, "GET", "stats")).json;
    expect(stats).toEqual({
      total: 5,
      byAction: { DescribeZones: 3, TerminateInstance: 1 },
      byStatus: { "200": 2, "401": 1, "404": 1, "405": 1 },
    });
  });

  it("reset empties instances, faults and counters; ids are not reused", async () => {
    const [before] = (await api(emulator, "CreateInstances", DOCS_CREATE)).json.response.instanceIdSet;
    await inject({ kind: "drop" });
    await control(emulator, "POST", "reset");
    expect(await audit()).toEqual([]);
    expect((await control(emulator, "GET", "faults")).json.faults).toEqual([]);
    expect((await control(emulator, "GET", "stats")).json).toEqual({ total: 0, byAction: {}, byStatus: {} });
    const described = await api(emulator, "DescribeInstances", { instanceIds: [before] });
    expect(described.json.response.totalCount).toBe(0);
    const [after] = (await api(emulator, "CreateInstances", DOCS_CREATE)).json.response.instanceIdSet;
    expect(after).not.toBe(before);
    expect(BigInt(after)).toBeGreaterThan(BigInt(before));
  });

  it("lists every instance ever created with the API's field names, released ones included", async () => {
    const ids: string[] = (
      await api(emulator, "CreateInstances", {
        ...DOCS_CREATE,
        instanceCount: 2,
        instanceName: "a-[0,1]",
        tags: { tags: [{ key: "k", value: "v" }] },
      })
    ).json.response.instanceIdSet;
    await sleep(250);
    await api(emulator, "TerminateInstance", { instanceId: ids[0] });
    await sleep(150);
    await api(emulator, "ReleaseInstances", { instanceIds: [ids[0]] });
    await sleep(150);
    const [released, live] = await audit();
    expect(live).toMatchObject({
      instanceId: ids[1],
      instanceName: "a-1",
      instanceStatus: "RUNNING",
      zoneId: "SEL-A",
      tags: { tags: [{ key: "k", value: "v" }] },
      released: false,
      releaseTime: null,
    });
    expect(live!.createTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(released).toMatchObject({ instanceId: ids[0], released: true, vanished: false });
    expect(Date.parse(released!.releaseTime as string)).toBeGreaterThan(Date.parse(released!.createTime as string) - 1000);
  });

  it("answers JSON 404/405 for unknown control routes and methods", async () => {
    const unknown = await control(emulator, "GET", "nothing");
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe("INVALID_PATH");
    const wrongMethod = await control(emulator, "DELETE", "stats");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json.code).toBe("METHOD_NOT_ALLOWED");
  });
});

describe("loopback only", () => {
  it("refuses the control API with 403 JSON when listening on a non-loopback address", async () => {
    const exposed = await startEmulator({ host: "0.0.0.0", port: 0 });
    try {
      const target = { ...exposed, url: `http://127.0.0.1:${exposed.port}`, domain: `127.0.0.1:${exposed.port}` };
      for (const [method, route] of [
        ["GET", "instances"],
        ["GET", "stats"],
        ["POST", "reset"],
      ] as const) {
        const answer = await control(target, method, route);
        expect(answer.status).toBe(403);
        expect(answer.json.code).toBe("CONTROL_API_DISABLED");
      }
      expect((await api(target, "DescribeZones")).status).toBe(200);
    } finally {
      await exposed.close();
    }
  });
});
