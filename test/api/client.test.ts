import { afterEach, describe, expect, it } from "vitest";
import { ZenlayerClient } from "../../provider/api/client";
import {
  ConnectionError,
  MissingCredentialsError,
  OutcomeUnknownError,
  ResponseFormatError,
  ZenlayerApiError,
} from "../../provider/api/errors";
import { signature } from "../../provider/api/signing";
import { type Answer, fail, ok, type RecordedRequest, type ScriptedApi, startScriptedApi } from "../support/scriptedApi";

const KEY = { accessKeyId: "ZLKEY", accessKeyPassword: "s3cr3t-password-value" };
const FAST = { baseMs: 20, capMs: 100 };
const CREATE = {
  zoneId: "SEL-A",
  imageId: "img-1",
  instanceType: "c.1c2g",
  instanceChargeType: "POSTPAID",
  internetChargeType: "ByBandwidth",
} as const;

let api: ScriptedApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function clientFor(
  script: (req: RecordedRequest, index: number) => Answer,
  extra: Partial<ConstructorParameters<typeof ZenlayerClient>[0]> = {},
) {
  api = await startScriptedApi(script);
  return new ZenlayerClient({ ...KEY, domain: api.domain, scheme: "HTTP", env: {}, backoff: FAST, ...extra });
}

function verifies(req: RecordedRequest, secret = KEY.accessKeyPassword): boolean {
  const sig = signature({
    contentType: String(req.headers["content-type"]),
    host: String(req.headers.host),
    body: req.body,
    timestamp: String(req.headers["x-zc-timestamp"]),
    accessKeyPassword: secret,
  });
  return String(req.headers.authorization).endsWith(`Signature=${sig}`);
}

describe("ZenlayerClient requests", () => {
  it("posts a signed request with the action and version headers and returns the validated response", async () => {
    const client = await clientFor(() => ok({ totalCount: 1, dataSet: [{ instanceId: "i-1", instanceStatus: "RUNNING" }] }));
    const res = await client.call("DescribeInstancesStatus", { instanceIds: ["i-1"] });
    expect(res.dataSet).toEqual([{ instanceId: "i-1", instanceStatus: "RUNNING" }]);
    const [req] = api!.requests;
    expect(req!.method).toBe("POST");
    expect(req!.url).toBe("/api/v2/vm");
    expect(req!.headers["x-zc-action"]).toBe("DescribeInstancesStatus");
    expect(req!.headers["x-zc-version"]).toBe("2026-04-01");
    expect(req!.headers["x-zc-service"]).toBe("vm");
    expect(req!.headers["x-zc-signature-method"]).toBe("ZC2-HMAC-SHA256");
    expect(req!.headers["x-zc-request-client"]).toMatch(/^pulumi-zenlayer-vm-\d+\.\d+\.\d+$/);
    expect(req!.headers.host).toBe(api!.domain);
    expect(req!.body).toBe('{"instanceIds":["i-1"]}');
    expect(verifies(req!)).toBe(true);
    expect(verifies(req!, "another-secret")).toBe(false);
  });

  it("sends a bearer token without signature headers", async () => {
    api = await startScriptedApi(() => ok({ zoneSet: [] }));
    const client = new ZenlayerClient({ token: "tok-123456", domain: api.domain, scheme: "http", env: {} });
    await client.call("DescribeZones", {});
    expect(api.requests[0]!.headers.authorization).toBe("Bearer tok-123456");
    expect(api.requests[0]!.headers["x-zc-timestamp"]).toBeUndefined();
  });

  it("selects API version 2023-03-13 on request", async () => {
    const client = await clientFor(() => ok({ zoneSet: [] }), { apiVersion: "2023-03-13" });
    await client.call("DescribeZones", {});
    expect(api!.requests[0]!.headers["x-zc-version"]).toBe("2023-03-13");
  });

  it("posts the tag service's action to its own path, service and version, signed the same way", async () => {
    const client = await clientFor(() => ok({}), { apiVersion: "2023-03-13" });
    await client.call("ModifyResourceTags", { resourceUuid: "i-1", deleteTagKeys: ["a"] });
    const [req] = api!.requests;
    expect(req!.url).toBe("/api/v2/zrm");
    expect(req!.headers["x-zc-service"]).toBe("zrm");
    expect(req!.headers["x-zc-version"]).toBe("2025-10-14");
    expect(verifies(req!)).toBe(true);
  });
});

describe("ZenlayerClient errors", () => {
  it("turns the error envelope into a ZenlayerApiError with code, status, requestId and action", async () => {
    const client = await clientFor(() => fail(404, "INVALID_INSTANCE_NOT_FOUND", "instance i-9 not found"));
    const error = await client.call("TerminateInstance", { instanceId: "i-9" }).catch((e) => e);
    expect(error).toBeInstanceOf(ZenlayerApiError);
    expect(error).toMatchObject({
      code: "INVALID_INSTANCE_NOT_FOUND",
      httpStatus: 404,
      requestId: "T-INVALID_INSTANCE_NOT_FOUND",
      action: "TerminateInstance",
    });
    expect(api!.requests).toHaveLength(1); // not retryable
  });

  it("reports a non-JSON answer as a ResponseFormatError naming the action", async () => {
    const client = await clientFor(() => ({ status: 403, text: "<html>blocked</html>" }));
    const error = await client.call("DescribeZones", {}).catch((e) => e);
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect(error.message).toContain("DescribeZones");
    expect(error.message).toContain("not JSON");
  });

  it("reports a schema-violating answer naming the offending field", async () => {
    const client = await clientFor(() => ok({ totalCount: "many", dataSet: [] }));
    const error = await client.call("DescribeInstances", {}).catch((e) => e);
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect(error.message).toContain("response.totalCount");
    const client2 = await clientFor(() => ok({ totalCount: 1, dataSet: [{ instanceStatus: "RUNNING" }] }));
    const error2 = await client2.call("DescribeInstances", {}).catch((e) => e);
    expect(error2.message).toContain("response.dataSet.0.instanceId");
  });

  it("reports an unreachable endpoint as a ConnectionError after retrying", async () => {
    const client = new ZenlayerClient({ ...KEY, domain: "127.0.0.1:1", scheme: "http", env: {}, backoff: FAST, maxRetries: 2 });
    const error = await client.call("DescribeZones", {}).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain("127.0.0.1:1");
  });
});

describe("ZenlayerClient retries", () => {
  it("retries 429 with growing backoff, re-signing every attempt", async () => {
    const client = await clientFor((_req, i) => (i < 3 ? fail(429, "REQUEST_LIMIT_EXCEEDED") : ok({ zoneSet: [] })), {
      backoff: { baseMs: 40, capMs: 1000 },
    });
    await client.call("DescribeZones", {});
    const reqs = api!.requests;
    expect(reqs).toHaveLength(4);
    for (const r of reqs) expect(verifies(r)).toBe(true);
    const gaps = reqs.slice(1).map((r, i) => r.receivedAt - reqs[i]!.receivedAt);
    // Equal jitter: retry n waits at least half of base * 2^n (20, 40, 80 ms).
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    expect(gaps[2]).toBeGreaterThanOrEqual(78);
  });

  it("retries 503 and 500 for describe actions, then gives up with the last error", async () => {
    const client = await clientFor(() => fail(503, "SERVICE_TEMPORARY_UNAVAILABLE"), { maxRetries: 2 });
    const error = await client.call("DescribeZones", {}).catch((e) => e);
    expect(error).toMatchObject({ code: "SERVICE_TEMPORARY_UNAVAILABLE" });
    expect(api!.requests).toHaveLength(3);
    const client2 = await clientFor((_r, i) => (i === 0 ? fail(500, "INTERNAL_SERVER_ERROR") : ok({ zoneSet: [] })));
    await client2.call("DescribeZones", {});
    expect(api!.requests).toHaveLength(2);
  });

  it("retries a CreateInstances that was throttled or refused as unavailable (not acted on)", async () => {
    const client = await clientFor((_r, i) =>
      i === 0
        ? fail(429, "REQUEST_LIMIT_EXCEEDED")
        : i === 1
          ? fail(503, "SERVICE_TEMPORARY_UNAVAILABLE")
          : ok({ instanceIdSet: ["i-1"] }),
    );
    const res = await client.call("CreateInstances", CREATE);
    expect(res.instanceIdSet).toEqual(["i-1"]);
    expect(api!.requests).toHaveLength(3);
  });

  it("never re-sends a CreateInstances whose connection was lost after sending", async () => {
    const client = await clientFor(() => ({ drop: true }));
    const error = await client.call("CreateInstances", CREATE).catch((e) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(api!.requests).toHaveLength(1);
  });

  it("never re-sends a CreateInstances that timed out, nor one answered 500", async () => {
    const client = await clientFor(() => ({ silent: true }), { requestTimeoutSeconds: 0.3 });
    const error = await client.call("CreateInstances", CREATE).catch((e) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(api!.requests).toHaveLength(1);
    const client2 = await clientFor(() => fail(500, "INTERNAL_SERVER_ERROR"));
    const error2 = await client2.call("CreateInstances", CREATE).catch((e) => e);
    expect(error2).toBeInstanceOf(OutcomeUnknownError);
    // the API answered the 500 itself (it is done with the request); the timed-out one may still be running
    expect([error.answered, error2.answered]).toEqual([false, true]);
    expect(api!.requests).toHaveLength(1);
  });

  it("takes an unreadable answer to CreateInstances for an unknown outcome, naming what was wrong", async () => {
    for (const answer of [ok({ orderNumber: "o-1" }), { status: 502, text: "<html>bad gateway</html>" }]) {
      const client = await clientFor(() => answer);
      const error = await client.call("CreateInstances", CREATE).catch((e) => e);
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect(api!.requests).toHaveLength(1);
    }
    const client = await clientFor(() => ok({ orderNumber: "o-1" }));
    expect((await client.call("CreateInstances", CREATE).catch((e) => e)).message).toContain("response.instanceIdSet");
  });

  it("times out a silent describe, retries it, and reports the timeout", async () => {
    const client = await clientFor(() => ({ silent: true }), { requestTimeoutSeconds: 0.2, maxRetries: 1 });
    const started = Date.now();
    const error = await client.call("DescribeZones", {}).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain("no answer within 200 ms");
    expect(api!.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it("keeps a shared request rate across clients of the same endpoint and key", async () => {
    api = await startScriptedApi(() => ok({ zoneSet: [] }));
    const options = { ...KEY, domain: api.domain, scheme: "http", env: {}, maxRequestsPerSecond: 10 };
    const a = new ZenlayerClient(options);
    const b = new ZenlayerClient(options);
    const started = Date.now();
    await Promise.all(Array.from({ length: 15 }, (_, i) => (i % 2 ? a : b).call("DescribeZones", {})));
    // 10 fit in the first second's burst; the other 5 follow at 100 ms intervals.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });
});

describe("ZenlayerClient pagination", () => {
  it("follows totalCount across pages", async () => {
    const all = Array.from({ length: 2345 }, (_, i) => ({ instanceId: `i-${i}`, instanceStatus: "RUNNING" }));
    const client = await clientFor((req) => {
      const { pageNum = 1, pageSize = 20 } = JSON.parse(req.body) as { pageNum?: number; pageSize?: number };
      return ok({ totalCount: all.length, dataSet: all.slice((pageNum - 1) * pageSize, pageNum * pageSize) });
    });
    const instances = await client.describeAllInstances({ zoneId: "SEL-A" });
    expect(instances.map((i) => i.instanceId)).toEqual(all.map((i) => i.instanceId));
    expect(api!.requests.map((r) => JSON.parse(r.body))).toEqual([
      { zoneId: "SEL-A", pageNum: 1, pageSize: 1000 },
      { zoneId: "SEL-A", pageNum: 2, pageSize: 1000 },
      { zoneId: "SEL-A", pageNum: 3, pageSize: 1000 },
    ]);
  });

  it("asks for at most 100 ids per call", async () => {
    const client = await clientFor((req) => {
      const { instanceIds } = JSON.parse(req.body) as { instanceIds: string[] };
      return ok({
        totalCount: instanceIds.length,
        dataSet: instanceIds.map((instanceId) => ({ instanceId, instanceStatus: "RUNNING" })),
      });
    });
    const ids = Array.from({ length: 250 }, (_, i) => `i-${i}`);
    const statuses = await client.describeStatusesByIds(ids);
    expect(statuses.size).toBe(250);
    expect(api!.requests.map((r) => (JSON.parse(r.body) as { instanceIds: string[] }).instanceIds.length)).toEqual([
      100, 100, 50,
    ]);
  });
});

describe("ZenlayerClient secrets", () => {
  it("keeps the access key password and instance passwords out of logs and error messages", async () => {
    const lines: string[] = [];
    const client = await clientFor(
      (req) =>
        fail(
          400,
          "INVALID_PARAMETER_VALUE_PASSWORD_MALFORMED",
          `bad password in ${req.body} signed with ${KEY.accessKeyPassword}`,
        ),
      { debug: true, logger: (l) => lines.push(l) },
    );
    const error = await client.call("CreateInstances", { ...CREATE, password: "Hunter2~Secret" }).catch((e) => e);
    expect(error).toBeInstanceOf(ZenlayerApiError);
    const everything = [error.message, error.apiMessage, ...lines].join("\n");
    expect(lines).toHaveLength(1);
    expect(everything).toContain("requestId=T-INVALID_PARAMETER_VALUE_PASSWORD_MALFORMED");
    expect(everything).not.toContain("Hunter2~Secret");
    expect(everything).not.toContain(KEY.accessKeyPassword);
    expect(everything).not.toMatch(/Signature=/);
  });

  it("names both ways to configure credentials when none are set", () => {
    const error = (() => {
      try {
        new ZenlayerClient({ env: {} });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(MissingCredentialsError);
    expect(error?.message).toContain("zenlayer:accessKeyId");
    expect(error?.message).toContain("ZENLAYERCLOUD_ACCESS_KEY_ID");
    expect(error?.message).toContain("ZENLAYERCLOUD_ACCESS_KEY_PASSWORD");
  });

  it("takes explicit options before ZENLAYERCLOUD_* variables", () => {
    const env = {
      ZENLAYERCLOUD_ACCESS_KEY_ID: "ENVKEY",
      ZENLAYERCLOUD_ACCESS_KEY_PASSWORD: "env-password",
      ZENLAYERCLOUD_DOMAIN: "127.0.0.1:9999",
      ZENLAYERCLOUD_SCHEME: "HTTP",
    };
    expect(new ZenlayerClient({ env }).settings).toMatchObject({
      origin: "http://127.0.0.1:9999",
      auth: { kind: "hmac", accessKeyId: "ENVKEY" },
    });
    expect(
      new ZenlayerClient({ env, accessKeyId: "MINE", accessKeyPassword: "pw-explicit", domain: "api.example" }).settings,
    ).toMatchObject({
      origin: "http://api.example",
      auth: { kind: "hmac", accessKeyId: "MINE" },
    });
    expect(new ZenlayerClient({ env: {}, token: "t0k3n" }).settings).toMatchObject({
      origin: "https://console.zenlayer.com",
      auth: { kind: "token" },
    });
    expect(() => new ZenlayerClient({ env, scheme: "ftp" })).toThrow(/scheme must be HTTP or HTTPS/);
  });
});
