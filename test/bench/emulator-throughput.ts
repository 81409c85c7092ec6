// Emulator throughput: DescribeInstances with 100 ids per request against one emulator process.
// Run: `npm run build && npx tsx test/bench/emulator-throughput.ts` (or `npm run bench:emulator`).
// Knobs: BENCH_SECONDS (default 10), BENCH_CONCURRENCY (default 8), BENCH_MAX_REQUESTS (default 100000).
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { Pool } from "undici";
import { authorizationHeader, SIGNATURE_METHOD, signature } from "../../provider/api/signing";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const MAX_REQUESTS = Number(process.env.BENCH_MAX_REQUESTS ?? 100_000);
const INSTANCES = 1000;
const IDS_PER_REQUEST = 100;
const KEY = { id: "BENCHKEYID", secret: "bench-secret" };
const CLI = path.resolve(__dirname, "../../dist/emulator/cli.js");

async function startEmulatorProcess(): Promise<{ child: ChildProcess; url: string; domain: string }> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const child = spawn(
    process.execPath,
    [CLI, "--port", "0", "--qps", "0", "--deploy-seconds", "0", "--access-key-id", KEY.id, "--access-key-password", KEY.secret],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const match = /listening on (http:\/\/([^\s]+))/.exec(line);
    if (match) return { child, url: match[1]!, domain: match[2]! };
  }
  throw new Error("the emulator exited before listening");
}

function headers(domain: string, action: string, body: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const sig = signature({ contentType: "application/json", host: domain, body, timestamp, accessKeyPassword: KEY.secret });
  return {
    host: domain,
    "content-type": "application/json",
    "x-zc-action": action,
    "x-zc-version": "2026-04-01",
    "x-zc-signature-method": SIGNATURE_METHOD,
    "x-zc-timestamp": timestamp,
    authorization: authorizationHeader(KEY.id, sig),
  };
}

async function call(pool: Pool, domain: string, action: string, params: object): Promise<{ status: number; text: string }> {
  const body = JSON.stringify(params);
  const res = await pool.request({ path: "/api/v2/vm", method: "POST", headers: headers(domain, action, body), body });
  return { status: res.statusCode, text: await res.body.text() };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

async function main(): Promise<void> {
  const { child, url, domain } = await startEmulatorProcess();
  const pool = new Pool(url, { connections: CONCURRENCY, pipelining: 1, keepAliveTimeout: 30_000 });
  try {
    const ids: string[] = [];
    for (let made = 0; made < INSTANCES; made += 100) {
      const created = await call(pool, domain, "CreateInstances", {
        zoneId: "SEL-A",
        instanceType: "c.1c2g",
        imageId: "img-yKK4q6XybymPgfx7ynUUqC3N8",
        instanceChargeType: "POSTPAID",
        internetChargeType: "ByBandwidth",
        instanceCount: 100,
        instanceName: "bench-[0,4]",
        tags: { tags: [{ key: "bench", value: "throughput" }] },
      });
      if (created.status !== 200) throw new Error(`CreateInstances failed: ${created.text}`);
      ids.push(...(JSON.parse(created.text).response.instanceIdSet as string[]));
    }
    const bodies = Array.from({ length: INSTANCES / IDS_PER_REQUEST }, (_, i) => ({
      instanceIds: ids.slice(i * IDS_PER_REQUEST, (i + 1) * IDS_PER_REQUEST),
      pageSize: IDS_PER_REQUEST,
    }));
    const check = await call(pool, domain, "DescribeInstances", bodies[0]!);
    const parsed = JSON.parse(check.text).response;
    if (check.status !== 200 || parsed.dataSet.length !== IDS_PER_REQUEST)
      throw new Error(`unexpected answer: ${check.text.slice(0, 300)}`);
    console.log(
      `emulator ${url}: ${INSTANCES} instances; ${check.text.length} bytes per answer; ${CONCURRENCY} connections, ${SECONDS} s`,
    );

    const latencies: number[] = [];
    let failures = 0;
    let sent = 0;
    const started = performance.now();
    const deadline = started + SECONDS * 1000;
    const worker = async () => {
      while (performance.now() < deadline && sent < MAX_REQUESTS) {
        const body = bodies[sent++ % bodies.length]!;
        const t0 = performance.now();
        const answer = await call(pool, domain, "DescribeInstances", body);
        latencies.push(performance.now() - t0);
        if (answer.status !== 200) failures += 1;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(
      `DescribeInstances x${IDS_PER_REQUEST} ids: ${latencies.length} requests in ${elapsed.toFixed(1)} s = ` +
        `${(latencies.length / elapsed).toFixed(0)} req/s; p50 ${percentile(latencies, 50).toFixed(2)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(2)} ms; non-200: ${failures}`,
    );
    if (failures > 0) process.exitCode = 1;
  } finally {
    await pool.close();
    child.kill("SIGTERM");
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
