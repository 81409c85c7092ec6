// Authentication: signatures built here by hand with node:crypto (not through provider/api/signing.ts),
// so the emulator is checked against the reference's algorithm rather than against our own client code.
import { createHash, createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { api, send } from "./signedRequest";

const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");

/** Reference §2.1, step by step. */
function handSignature(secret: string, host: string, contentType: string, body: string, timestamp: string): string {
  const canonical = ["POST", "/", "", `content-type:${contentType}\nhost:${host}\n`, "content-type;host", sha256(body)].join(
    "\n",
  );
  const stringToSign = `ZC2-HMAC-SHA256\n${timestamp}\n${sha256(canonical)}`;
  return createHmac("sha256", secret).update(stringToSign).digest("hex");
}

interface HandRequest {
  body: string;
  /** What goes into the signature (defaults: the real values). */
  signHost?: string;
  signBody?: string;
  secret?: string;
  keyId?: string;
  contentType?: string;
  timestamp?: number;
}

let emulator: RunningEmulator;
const now = () => Math.floor(Date.now() / 1000);

function handHeaders(r: HandRequest): Record<string, string> {
  const timestamp = String(r.timestamp ?? now());
  const contentType = r.contentType ?? "application/json";
  const sig = handSignature(
    r.secret ?? emulator.accessKeyPassword,
    r.signHost ?? emulator.domain,
    contentType,
    r.signBody ?? r.body,
    timestamp,
  );
  // Mixed-case header names, as some SDKs send them: the emulator must match case-insensitively.
  return {
    Host: emulator.domain,
    "Content-Type": contentType,
    "X-ZC-Action": "DescribeInstances",
    "X-Zc-Version": "2023-03-13",
    "X-ZC-Signature-Method": "ZC2-HMAC-SHA256",
    "X-ZC-Timestamp": timestamp,
    Authorization: `ZC2-HMAC-SHA256 Credential=${r.keyId ?? emulator.accessKeyId}, SignedHeaders=content-type;host, Signature=${sig}`,
  };
}

const handSend = (r: HandRequest) => send(emulator, { headers: handHeaders(r), body: r.body });

function expectAuthFailure(answer: { status: number; json: { code?: string; requestId?: string } }): void {
  expect(answer.status).toBe(401);
  expect(answer.json.code).toBe("AUTHFAILURE_SIGNATURE_FAILURE");
  expect(answer.json.requestId).toMatch(/^T[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, deploySeconds: 0 });
});
afterAll(() => emulator.close());

describe("hand-built ZC2-HMAC-SHA256", () => {
  it("reproduces the reference's vector D (host 127.0.0.1:8787)", () => {
    const body =
      '{"zoneId":"SEL-A","imageId":"img-yKK4q6XybymPgfx7ynUUqC3N8","instanceType":"c.1c2g","instanceName":"web-[1,2]","password":"Example~123","instanceChargeType":"POSTPAID","internetChargeType":"ByBandwidth","instanceCount":2,"subnetId":"subnet-0001"}';
    expect(handSignature("zl-test-secret-0123456789abcdef", "127.0.0.1:8787", "application/json", body, "1700000000")).toBe(
      "2d09b3b4365f40e829fc025169f3350fff774fc15370c61228570cf861926085",
    );
  });

  it("is accepted, and an identical re-sent request is accepted too (no nonce cache)", async () => {
    const body = '{"instanceIds":["1"]}';
    const headers = handHeaders({ body });
    for (let i = 0; i < 2; i++) {
      const answer = await send(emulator, { headers, body });
      expect(answer.status).toBe(200);
      expect(answer.json.response).toMatchObject({ totalCount: 0, dataSet: [] });
    }
  });

  it("verifies a Python-SDK body with spaces and Content-Type application/json; charset=utf-8", async () => {
    const answer = await handSend({ body: '{"instanceIds": ["x"]}', contentType: "application/json; charset=utf-8" });
    expect(answer.status).toBe(200);
    expect(answer.json.response.totalCount).toBe(0);
  });

  it("accepts timestamps inside the ±300 s window", async () => {
    for (const skew of [-290, 290]) expect((await handSend({ body: "{}", timestamp: now() + skew })).status).toBe(200);
  });

  it("refuses a tampered body", async () => {
    expectAuthFailure(await handSend({ body: '{"instanceIds":["2"]}', signBody: '{"instanceIds":["1"]}' }));
    // Same JSON value, different bytes: the signature covers the raw bytes, not a re-serialisation.
    expectAuthFailure(await handSend({ body: '{"instanceIds": ["1"]}', signBody: '{"instanceIds":["1"]}' }));
  });

  it("refuses a signature made for another host (the port is part of it)", async () => {
    expectAuthFailure(await handSend({ body: "{}", signHost: "127.0.0.1" }));
    expectAuthFailure(await handSend({ body: "{}", signHost: "console.zenlayer.com" }));
  });

  it("refuses a wrong secret and an unknown key id", async () => {
    expectAuthFailure(await handSend({ body: "{}", secret: "not-the-secret" }));
    expectAuthFailure(await handSend({ body: "{}", keyId: "SOMEONEELSE" }));
  });

  it("refuses stale and future timestamps", async () => {
    expectAuthFailure(await handSend({ body: "{}", timestamp: now() - 301 }));
    expectAuthFailure(await handSend({ body: "{}", timestamp: now() + 301 }));
    // Vector D itself is correctly signed but from 2023: stale.
    expectAuthFailure(await handSend({ body: "{}", timestamp: 1700000000 }));
  });

  it("refuses requests missing the Authorization or timestamp header, or signing other headers", async () => {
    const body = "{}";
    const { Authorization: _, ...unsigned } = handHeaders({ body });
    expectAuthFailure(await send(emulator, { headers: unsigned, body }));
    const { "X-ZC-Timestamp": __, ...noTimestamp } = handHeaders({ body });
    expectAuthFailure(await send(emulator, { headers: noTimestamp, body }));
    const headers = handHeaders({ body });
    headers.Authorization = headers.Authorization!.replace("SignedHeaders=content-type;host", "SignedHeaders=host");
    expectAuthFailure(await send(emulator, { headers, body }));
    expectAuthFailure(await send(emulator, { headers: { ...handHeaders({ body }), Authorization: "Basic dXNlcjpwYXNz" }, body }));
  });

  it("refuses a bearer token when none is configured", async () => {
    const headers = { "content-type": "application/json", "x-zc-action": "DescribeZones", "x-zc-version": "2026-04-01" };
    expectAuthFailure(await send(emulator, { headers: { ...headers, authorization: "Bearer anything" }, body: "{}" }));
  });
});

describe("bearer tokens", () => {
  let withToken: RunningEmulator;
  beforeAll(async () => {
    withToken = await startEmulator({ port: 0, token: "tok-123" });
  });
  afterAll(() => withToken.close());

  const bearer = (token: string) =>
    send(withToken, {
      headers: {
        "content-type": "application/json",
        "x-zc-action": "DescribeZones",
        "x-zc-version": "2026-04-01",
        authorization: `Bearer ${token}`,
      },
      body: "{}",
    });

  it("accepts the configured token without timestamp or signature headers", async () => {
    const answer = await bearer("tok-123");
    expect(answer.status).toBe(200);
    expect(answer.json.response.zoneSet.length).toBeGreaterThan(0);
  });

  it("refuses another token", async () => {
    expectAuthFailure(await bearer("tok-124"));
    expectAuthFailure(await bearer(""));
  });

  it("still accepts HMAC-signed requests", async () => {
    expect((await api(withToken, "DescribeZones")).status).toBe(200);
  });
});
