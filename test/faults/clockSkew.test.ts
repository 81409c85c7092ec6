// A local clock an hour behind the API's. The emulator runs as its own process (its clock is right;
// it accepts signatures within ±300 s), this process's Date.now() is an hour late. The client learns
// the offset from the refusal's Date header, says the local clock is off, and signs right from then on.
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ZenlayerClient } from "../../provider/api/client";
import { ZenlayerApiError } from "../../provider/api/errors";
import { resetEmulator, stats } from "../support/emulatorControl";
import { type ScriptedApi, startScriptedApi } from "../support/scriptedApi";
import { expectNoSecretExposed, expose, SECRETS } from "./exposure";

const CLI = path.resolve(__dirname, "../../dist/emulator/cli.js");
const KEY = { accessKeyId: "SKEWKEYID", accessKeyPassword: SECRETS.accessKeyPassword };
const HOUR_MS = 3_600_000;

let emulator: ChildProcess;
let domain: string;
let url: string;

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  emulator = spawn(
    process.execPath,
    [CLI, "--port", "0", "--access-key-id", KEY.accessKeyId, "--access-key-password", KEY.accessKeyPassword],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let stdout = "";
  domain = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line: ${stdout}`)), 10_000);
    emulator.once("exit", (code) => reject(new Error(`emulator exited with ${code}: ${stdout}`)));
    emulator.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk;
      const match = /listening on http:\/\/(\S+?:\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  url = `http://${domain}`;
});
afterAll(async () => {
  await new Promise((resolve) => {
    emulator.once("exit", resolve);
    emulator.kill("SIGTERM");
  });
  expectNoSecretExposed();
});
afterEach(() => vi.restoreAllMocks());

/** This process's clock, `offsetMs` off. */
function skewClock(offsetMs: number) {
  const realNow = Date.now.bind(Date);
  vi.spyOn(Date, "now").mockImplementation(() => realNow() + offsetMs);
}

const client = (extra: Partial<ConstructorParameters<typeof ZenlayerClient>[0]> = {}) =>
  new ZenlayerClient({ ...KEY, domain, scheme: "HTTP", env: {}, backoff: { baseMs: 10, capMs: 20 }, ...extra });

describe("a local clock an hour behind the API", () => {
  it("is refused with a message that says the local clock is off, when the client may not retry", async () => {
    await resetEmulator(url);
    skewClock(-HOUR_MS);
    const error = await client({ maxRetries: 0 })
      .call("DescribeZones", {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZenlayerApiError);
    const message = (error as Error).message;
    expose("clock-skew error message", message);
    expect(message).toContain("AUTHFAILURE_SIGNATURE_FAILURE");
    expect(message).toMatch(/local clock is off by 3(599|600|601) s/);
    expect(message).toContain("fix the system clock");
  });

  it("is corrected from the API's Date header: the retry and every later call succeed", async () => {
    await resetEmulator(url);
    skewClock(-HOUR_MS);
    const c = client();
    const zones = await c.call("DescribeZones", {});
    expect(zones.zoneSet?.length).toBeGreaterThan(0);
    expect((await stats(url)).byStatus).toEqual({ "401": 1, "200": 1 });
    await c.call("DescribeZones", {});
    await c.call("DescribeInstances", {});
    expect((await stats(url)).byStatus).toEqual({ "401": 1, "200": 3 }); // the offset is kept
  });

  it("is not corrected twice: an API whose Date keeps moving away gets the clock message, after one retry", async () => {
    let api: ScriptedApi | undefined;
    try {
      api = await startScriptedApi((_req, i) => ({
        status: 401,
        json: { requestId: `T-${i}`, code: "AUTHFAILURE_SIGNATURE_FAILURE", message: "Authentication failed: stale timestamp." },
        headers: { date: new Date(Date.now() + (i + 1) * HOUR_MS).toUTCString() },
      }));
      const error = await new ZenlayerClient({ ...KEY, domain: api.domain, scheme: "HTTP", env: {} })
        .call("DescribeZones", {})
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ZenlayerApiError);
      expose("clock-skew error message", (error as Error).message);
      expect((error as Error).message).toContain("local clock is off");
      expect(api.requests).toHaveLength(2);
    } finally {
      await api?.close();
    }
  });
});
