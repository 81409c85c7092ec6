// The instance lifecycle of reference §4.11 with real (short) timings, and the state conflicts of §3.3.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { type Answer, api, control, DOCS_CREATE, send, signedHeaders, sleep, type Target } from "./signedRequest";

async function create(target: Target, params: object = {}): Promise<string[]> {
  const answer = await api(target, "CreateInstances", { ...DOCS_CREATE, ...params });
  expect(answer.status, answer.text).toBe(200);
  return answer.json.response.instanceIdSet;
}

async function statusOf(target: Target, id: string): Promise<string | undefined> {
  const answer = await api(target, "DescribeInstancesStatus", { instanceIds: [id] });
  expect(answer.status).toBe(200);
  return answer.json.response.dataSet[0]?.instanceStatus;
}

async function waitFor(target: Target, id: string, status: string | undefined, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await statusOf(target, id)) !== status) {
    if (Date.now() > deadline) throw new Error(`${id} did not reach ${status}`);
    await sleep(25);
  }
}

function expectDenied(answer: Answer, status: number, code: string): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.json.code).toBe(code);
}

describe("creation timeline (deploySeconds 0.6)", () => {
  let slow: RunningEmulator;
  beforeAll(async () => {
    slow = await startEmulator({ port: 0, deploySeconds: 0.6 });
  });
  afterAll(() => slow.close());

  it("goes PENDING → DEPLOYING → RUNNING", async () => {
    const t0 = Date.now();
    const [id] = await create(slow);
    expect(await statusOf(slow, id!)).toBe("PENDING");
    await sleep(t0 + 380 - Date.now());
    expect(await statusOf(slow, id!)).toBe("DEPLOYING");
    await sleep(t0 + 700 - Date.now());
    expect(await statusOf(slow, id!)).toBe("RUNNING");
  });

  it("refuses every operation on an instance still being created", async () => {
    const [id] = await create(slow);
    expectDenied(await api(slow, "TerminateInstance", { instanceId: id }), 403, "OPERATION_DENIED_INSTANCE_CREATING");
    for (const action of ["StartInstances", "StopInstances", "RebootInstances"])
      expectDenied(await api(slow, action, { instanceIds: [id] }), 403, "OPERATION_DENIED_INSTANCE_CREATING");
    expectDenied(
      await api(slow, "ModifyInstancesAttribute", { instanceIds: [id], instanceName: "x1" }),
      403,
      "OPERATION_DENIED_INSTANCE_CREATING",
    );
    expectDenied(await api(slow, "ReleaseInstances", { instanceIds: [id] }), 403, "OPERATION_DENIED_INSTANCE_NOT_RECYCLED");
  });
});

describe("operations (terminate 0.3 s, release 0.3 s, power 0.3 s)", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, deploySeconds: 0, terminateSeconds: 0.3, releaseSeconds: 0.3, powerSeconds: 0.3 });
  });
  afterAll(() => emulator.close());

  it("StopInstances, StartInstances and RebootInstances go through their transitional states", async () => {
    const [id] = await create(emulator);
    expectDenied(await api(emulator, "StartInstances", { instanceIds: [id] }), 403, "OPERATION_DENIED_INSTANCE_NOT_STOPPED");

    expect((await api(emulator, "StopInstances", { instanceIds: [id], forceShutdown: true })).status).toBe(200);
    expect(await statusOf(emulator, id!)).toBe("STOPPING");
    expectDenied(await api(emulator, "StopInstances", { instanceIds: [id] }), 403, "OPERATION_DENIED_INSTANCE_NOT_RUNNING");
    await waitFor(emulator, id!, "STOPPED");
    expectDenied(await api(emulator, "RebootInstances", { instanceIds: [id] }), 403, "OPERATION_DENIED_INSTANCE_NOT_RUNNING");

    expect((await api(emulator, "StartInstances", { instanceIds: [id] })).status).toBe(200);
    expect(await statusOf(emulator, id!)).toBe("BOOTING");
    await waitFor(emulator, id!, "RUNNING");

    expect((await api(emulator, "RebootInstances", { instanceIds: [id] })).status).toBe(200);
    expect(await statusOf(emulator, id!)).toBe("REBOOT");
    await waitFor(emulator, id!, "RUNNING");
  });

  it("batch operations are all-or-nothing", async () => {
    const [running, stopped] = await create(emulator, { instanceCount: 2 });
    await api(emulator, "StopInstances", { instanceIds: [stopped] });
    expectDenied(
      await api(emulator, "StopInstances", { instanceIds: [running, stopped] }),
      403,
      "OPERATION_DENIED_INSTANCE_NOT_RUNNING",
    );
    expect(await statusOf(emulator, running!)).toBe("RUNNING");
    expectDenied(await api(emulator, "StopInstances", { instanceIds: [running, "999"] }), 404, "INVALID_INSTANCE_NOT_FOUND");
    expect(await statusOf(emulator, running!)).toBe("RUNNING");
  });

  it("TerminateInstance → RECYCLING → RECYCLE, then ReleaseInstances → RELEASING → gone", async () => {
    const [id, other] = await create(emulator, { instanceCount: 2 });
    expect((await api(emulator, "TerminateInstance", { instanceId: id })).status).toBe(200);
    expect(await statusOf(emulator, id!)).toBe("RECYCLING");
    expectDenied(await api(emulator, "TerminateInstance", { instanceId: id }), 403, "OPERATION_DENIED_INSTANCE_RECYCLED");
    expectDenied(await api(emulator, "ReleaseInstances", { instanceIds: [id] }), 403, "OPERATION_DENIED_INSTANCE_NOT_RECYCLED");
    await waitFor(emulator, id!, "RECYCLE");
    expectDenied(await api(emulator, "TerminateInstance", { instanceId: id }), 403, "OPERATION_DENIED_INSTANCE_RECYCLED");
    expectDenied(await api(emulator, "StartInstances", { instanceIds: [id] }), 403, "OPERATION_DENIED_INSTANCE_RECYCLED");
    expectDenied(await api(emulator, "StopInstances", { instanceIds: [id] }), 403, "OPERATION_DENIED_INSTANCE_RECYCLED");

    // A batch with one instance outside the recycle bin releases nothing.
    expectDenied(
      await api(emulator, "ReleaseInstances", { instanceIds: [id, other] }),
      403,
      "OPERATION_DENIED_INSTANCE_NOT_RECYCLED",
    );
    expect(await statusOf(emulator, id!)).toBe("RECYCLE");

    expect((await api(emulator, "ReleaseInstances", { instanceIds: [id] })).status).toBe(200);
    expect(await statusOf(emulator, id!)).toBe("RELEASING");
    await waitFor(emulator, id!, undefined);
    const described = await api(emulator, "DescribeInstances", { instanceIds: [id, other] });
    expect(described.json.response.dataSet.map((i: { instanceId: string }) => i.instanceId)).toEqual([other]);
    expectDenied(await api(emulator, "TerminateInstance", { instanceId: id }), 404, "INVALID_INSTANCE_NOT_FOUND");
    expectDenied(await api(emulator, "ReleaseInstances", { instanceIds: [id] }), 404, "INVALID_INSTANCE_NOT_FOUND");

    const audit = (await control(emulator, "GET", "instances")).json.instances.find(
      (i: { instanceId: string }) => i.instanceId === id,
    );
    expect(audit).toMatchObject({ released: true, vanished: false, instanceStatus: "RELEASING" });
    expect(audit.releaseTime).toMatch(/Z$/);
  });

  it("terminates STOPPED instances but not PREPAID ones", async () => {
    const [id] = await create(emulator);
    await api(emulator, "StopInstances", { instanceIds: [id] });
    await waitFor(emulator, id!, "STOPPED");
    expect((await api(emulator, "TerminateInstance", { instanceId: id })).status).toBe(200);
    const [prepaid] = await create(emulator, { instanceChargeType: "PREPAID", instanceChargePrepaid: { period: 1 } });
    expectDenied(
      await api(emulator, "TerminateInstance", { instanceId: prepaid }),
      403,
      "OPERATION_DENIED_INSTANCE_SUBSCRIPTION",
    );
  });

  it("answers 404 for unknown ids and 400 for missing or too many ids", async () => {
    expectDenied(await api(emulator, "TerminateInstance", { instanceId: "123" }), 404, "INVALID_INSTANCE_NOT_FOUND");
    for (const action of ["ReleaseInstances", "StartInstances", "StopInstances", "RebootInstances"]) {
      expectDenied(await api(emulator, action, { instanceIds: ["123"] }), 404, "INVALID_INSTANCE_NOT_FOUND");
      expectDenied(await api(emulator, action, { instanceIds: [] }), 400, "MISSING_PARAMETER");
      expectDenied(await api(emulator, action, {}), 400, "MISSING_PARAMETER");
      const tooMany = Array.from({ length: 101 }, (_, i) => String(i));
      expectDenied(await api(emulator, action, { instanceIds: tooMany }), 400, "INVALID_PARAMETER_VALUE");
    }
    expectDenied(await api(emulator, "TerminateInstance", {}), 400, "MISSING_PARAMETER");
  });

  it("ModifyInstancesAttribute renames all listed instances, or none when an id is unknown", async () => {
    const ids = await create(emulator, { instanceCount: 2, instanceName: "old-[0,1]" });
    const names = async () => {
      const answer = await api(emulator, "DescribeInstances", { instanceIds: ids });
      return answer.json.response.dataSet.map((i: { instanceName: string }) => i.instanceName);
    };
    expectDenied(
      await api(emulator, "ModifyInstancesAttribute", { instanceIds: [...ids, "404"], instanceName: "new" }),
      404,
      "INVALID_INSTANCE_NOT_FOUND",
    );
    expect(await names()).toEqual(["old-0", "old-1"]);
    expectDenied(
      await api(emulator, "ModifyInstancesAttribute", { instanceIds: ids, instanceName: "bad name" }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
    expectDenied(
      await api(emulator, "ModifyInstancesAttribute", { instanceIds: ids, instanceName: "n".repeat(65) }),
      400,
      "INVALID_PARAMETER_INSTANCE_NAME_EXCEED",
    );
    expectDenied(await api(emulator, "ModifyInstancesAttribute", { instanceIds: ids }), 400, "MISSING_PARAMETER");
    expect((await api(emulator, "ModifyInstancesAttribute", { instanceIds: ids, instanceName: "new.name" })).status).toBe(200);
    expect(await names()).toEqual(["new.name", "new.name"]);
  });

  it("ModifyResourceTags (tag service zrm, POST /api/v2/zrm, version 2025-10-14) sets and removes an instance's tags", async () => {
    const tagged = (params: object, path = "/api/v2/zrm", version = "2025-10-14") => {
      const body = JSON.stringify(params);
      const headers = { ...signedHeaders(emulator, "ModifyResourceTags", body, { version }), "x-zc-service": "zrm" };
      return send(emulator, { path, headers, body });
    };
    const [id] = await create(emulator, {
      tags: {
        tags: [
          { key: "a", value: "1" },
          { key: "b", value: "2" },
          { key: "k", value: "v" },
        ],
      },
    });
    const tagsNow = async () =>
      (await api(emulator, "DescribeInstances", { instanceIds: [id] })).json.response.dataSet[0].tags.tags;

    const done = await tagged({
      resourceUuid: id,
      replaceTags: [
        { key: "a", value: "9" },
        { key: "c", value: "3" },
      ],
      deleteTagKeys: ["b"],
    });
    expect(done.status, done.text).toBe(200);
    expect(done.json.response.requestId).toBe(done.json.requestId);
    expect(await tagsNow()).toEqual([
      { key: "k", value: "v" },
      { key: "a", value: "9" },
      { key: "c", value: "3" },
    ]);

    expectDenied(
      await tagged({ resourceUuid: id, replaceTags: [{ key: "a", value: "1" }] }, "/api/v2/vm", "2026-04-01"),
      400,
      "INVALID_ACTION",
    );
    expectDenied(
      await tagged({ resourceUuid: id, deleteTagKeys: ["a"] }, "/api/v2/zrm", "2026-04-01"),
      400,
      "INVALID_PARAMETER_VALUE",
    );
    expectDenied(await tagged({ resourceUuid: "404", deleteTagKeys: ["a"] }), 404, "OPERATION_FAILED_RESOURCE_NOT_FOUND");
    expectDenied(await tagged({ resourceUuid: id }), 400, "MISSING_PARAMETER");
    const both = await tagged({ resourceUuid: id, replaceTags: [{ key: "a", value: "1" }], deleteTagKeys: ["a"] });
    expectDenied(both, 400, "INVALID_PARAMETER_VALUE");
    expect(both.json.message).toContain("deleteTagKeys");
    expectDenied(await tagged({ resourceUuid: id, replaceTags: [{ key: "", value: "1" }] }), 400, "INVALID_PARAMETER_VALUE");
    expect(await tagsNow()).toHaveLength(3);
  });
});

describe("recycle-bin retention", () => {
  it("releases an instance automatically after recycleRetentionSeconds", async () => {
    const emulator = await startEmulator({ port: 0, deploySeconds: 0, terminateSeconds: 0.1, recycleRetentionSeconds: 0.2 });
    try {
      const [id] = await create(emulator);
      await api(emulator, "TerminateInstance", { instanceId: id });
      await waitFor(emulator, id!, "RECYCLE");
      await waitFor(emulator, id!, undefined);
      const [audit] = (await control(emulator, "GET", "instances")).json.instances;
      expect(audit).toMatchObject({ instanceId: id, released: true, instanceStatus: "RECYCLE" });
    } finally {
      await emulator.close();
    }
  });
});
