// The wire format: envelopes, request ids, routing, versions, JSON errors and rate limiting.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { CreateInstancesResponse, ErrorEnvelope, SuccessEnvelope } from "../../provider/api/schemas";
import { type Answer, api, DOCS_CREATE, send, signedHeaders, sleep } from "./signedRequest";

const REQUEST_ID = /^T[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, deploySeconds: 0 });
});
afterAll(() => emulator.close());

function expectError(answer: Answer, status: number, code: string, mentions?: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers["content-type"]).toBe("application/json");
  const body = ErrorEnvelope.parse(answer.json);
  expect(body.code).toBe(code);
  expect(body.requestId).toMatch(REQUEST_ID);
  expect(answer.json).not.toHaveProperty("response");
  if (mentions) expect(body.message).toContain(mentions);
}

describe("success envelope", () => {
  it("answers the docs' CreateInstances example (2026-04-01) with instances[].diskIdSet", async () => {
    const answer = await api(emulator, "CreateInstances", DOCS_CREATE, { version: "2026-04-01" });
    expect(answer.status).toBe(200);
    const envelope = SuccessEnvelope.parse(answer.json);
    expect(envelope.requestId).toMatch(REQUEST_ID);
    const response = CreateInstancesResponse.parse(envelope.response);
    expect(response.requestId).toBe(envelope.requestId);
    expect(response.instanceIdSet).toHaveLength(1);
    expect(response.instanceIdSet[0]).toMatch(/^\d{18}$/);
    expect(response.orderNumber).toMatch(/^\d+$/);
    expect(response.instances).toEqual([{ instanceId: response.instanceIdSet[0], diskIdSet: [] }]);
  });

  it("omits `instances` for version 2023-03-13", async () => {
    const answer = await api(emulator, "CreateInstances", DOCS_CREATE, { version: "2023-03-13" });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.json.response).sort()).toEqual(["instanceIdSet", "orderNumber", "requestId"]);
  });

  it("gives each request a fresh request id", async () => {
    const [a, b] = await Promise.all([api(emulator, "DescribeZones"), api(emulator, "DescribeZones")]);
    expect(a.json.requestId).not.toBe(b.json.requestId);
  });

  it("answers actions without output with only the request id", async () => {
    const created = await api(emulator, "CreateInstances", DOCS_CREATE);
    const id = created.json.response.instanceIdSet[0];
    const answer = await api(emulator, "ModifyInstancesAttribute", { instanceIds: [id], instanceName: "renamed" });
    expect(answer.json).toEqual({ requestId: answer.json.requestId, response: { requestId: answer.json.requestId } });
  });

  it("treats an empty body as {}", async () => {
    const answer = await send(emulator, { headers: signedHeaders(emulator, "DescribeZones", ""), body: "" });
    expect(answer.status).toBe(200);
  });

  it("shows networkLineType in zones only from 2026-04-01 on", async () => {
    const v2026 = await api(emulator, "DescribeZones", {}, { version: "2026-04-01" });
    const v2023 = await api(emulator, "DescribeZones", {}, { version: "2023-03-13" });
    expect(v2026.json.response.zoneSet[0].networkLineType).toBe("BGP");
    expect(v2023.json.response.zoneSet[0]).not.toHaveProperty("networkLineType");
  });
});

describe("JSON errors for everything that is not a valid API call", () => {
  it("wrong path → 404", async () => {
    const body = "{}";
    expectError(
      await send(emulator, { path: "/api/v2/bmc", headers: signedHeaders(emulator, "DescribeZones", body), body }),
      404,
      "INVALID_PATH",
    );
    expectError(await send(emulator, { method: "GET", path: "/" }), 404, "INVALID_PATH");
  });

  it("wrong method → 405 with Allow: POST", async () => {
    const answer = await send(emulator, { method: "GET" });
    expectError(answer, 405, "METHOD_NOT_ALLOWED");
    expect(answer.headers.allow).toBe("POST");
  });

  it("unknown or missing action → 400", async () => {
    expectError(await api(emulator, "DescribeEverything"), 400, "INVALID_ACTION", "DescribeEverything");
    expectError(await api(emulator, "describeinstances"), 400, "INVALID_ACTION");
    const body = "{}";
    const { "x-zc-action": _, ...headers } = signedHeaders(emulator, "DescribeZones", body);
    expectError(await send(emulator, { headers, body }), 400, "MISSING_PARAMETER", "x-zc-action");
  });

  it("unknown or missing version → 400", async () => {
    expectError(
      await api(emulator, "DescribeZones", {}, { version: "2024-01-01" }),
      400,
      "INVALID_PARAMETER_VALUE",
      "x-zc-version",
    );
    const body = "{}";
    const { "x-zc-version": _, ...headers } = signedHeaders(emulator, "DescribeZones", body);
    expectError(await send(emulator, { headers, body }), 400, "MISSING_PARAMETER", "x-zc-version");
  });

  it("does not require x-zc-service", async () => {
    const body = "{}";
    const { "x-zc-service": _, ...headers } = signedHeaders(emulator, "DescribeZones", body);
    expect((await send(emulator, { headers, body })).status).toBe(200);
  });

  it("malformed JSON or a non-object body → 400", async () => {
    for (const body of ["{", "[]", '"text"', "null"]) {
      const answer = await send(emulator, { headers: signedHeaders(emulator, "DescribeInstances", body), body });
      expectError(answer, 400, "INVALID_PARAMETER_VALUE");
    }
  });

  it("a body above 1 MiB → 413", async () => {
    const body = JSON.stringify({ initScript: "x".repeat(1024 * 1024) });
    expectError(
      await send(emulator, { headers: signedHeaders(emulator, "CreateInstances", body), body }),
      413,
      "REQUEST_ENTITY_TOO_LARGE",
    );
  });
});

describe("rate limiting (--qps)", () => {
  let limited: RunningEmulator;
  beforeAll(async () => {
    limited = await startEmulator({ port: 0, qps: 2 });
  });
  afterAll(() => limited.close());

  it("answers 429 REQUEST_LIMIT_EXCEEDED above the rate and recovers as tokens refill", async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await api(limited, "DescribeZones"));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429, 429]);
    expectError(answers[2]!, 429, "REQUEST_LIMIT_EXCEEDED");
    await sleep(600);
    expect((await api(limited, "DescribeZones")).status).toBe(200);
  });

  it("does not spend tokens on requests that fail authentication", async () => {
    await sleep(1100);
    for (let i = 0; i < 3; i++)
      expect((await api(limited, "DescribeZones", {}, { accessKeyPassword: "wrong" })).status).toBe(401);
    expect((await api(limited, "DescribeZones")).status).toBe(200);
    expect((await api(limited, "DescribeZones")).status).toBe(200);
  });
});
