// The `zenlayer-emulator` command (dist/emulator/cli.js, built by `npm run build`): flags, the
// `listening on` line, bearer tokens, and state that survives a restart with --state-file.
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, DOCS_CREATE, send, sleep, type Target } from "./signedRequest";

const CLI = path.resolve(__dirname, "../../dist/emulator/cli.js");
const KEY = { accessKeyId: "CLIKEYID", accessKeyPassword: "cli-secret" };

interface Launched extends Target {
  child: ChildProcess;
  stdout: string;
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c;
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c;
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

function launch(args: string[]): Promise<Launched> {
  const child = spawn(
    process.execPath,
    [CLI, "--port", "0", "--access-key-id", KEY.accessKeyId, "--access-key-password", KEY.accessKeyPassword, ...args],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let stdout = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line: ${stdout}`)), 10_000);
    child.on("exit", (code) => reject(new Error(`exited with ${code}: ${stdout}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk;
      const match = /listening on (http:\/\/(\S+?:\d+))/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ child, stdout, url: match[1]!, domain: match[2]!, ...KEY });
      }
    });
  });
}

function stop(launched: Launched): Promise<number | null> {
  return new Promise((resolve) => {
    launched.child.once("exit", (code) => resolve(code));
    launched.child.kill("SIGTERM");
  });
}

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the emulator tests`);
});

describe("zenlayer-emulator", () => {
  it("--help prints the usage with every flag", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    for (const flag of [
      "--host",
      "--port",
      "--access-key-id",
      "--access-key-password",
      "--token",
      "--deploy-seconds",
      "--terminate-seconds",
      "--release-seconds",
      "--qps",
      "--state-file",
      "--catalog",
    ])
      expect(stdout).toContain(flag);
  });

  it.each([["--bogus"], ["--port", "70000"], ["--qps=abc"], ["--deploy-seconds=-1"], ["--port"], ["extra"]])(
    "exits 2 with a one-line error for %j",
    async (...args) => {
      const { code, stderr, stdout } = await run(args);
      expect(code).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(/^zenlayer-emulator: /);
      expect(stdout).toBe("");
    },
  );

  it("exits 2 naming a bad --catalog file", async () => {
    const { code, stderr } = await run(["--port", "0", "--catalog", "/nonexistent/catalog.json"]);
    expect(code).toBe(2);
    expect(stderr).toContain("/nonexistent/catalog.json");
  });

  it("prints the credentials and the listening line, accepts a bearer token and fractional deploy seconds", async () => {
    const emulator = await launch(["--token", "cli-token", "--deploy-seconds", "0.2"]);
    try {
      expect(emulator.stdout).toContain(KEY.accessKeyId);
      expect(emulator.stdout).toContain(KEY.accessKeyPassword);
      expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const created = await api(emulator, "CreateInstances", DOCS_CREATE);
      const [id] = created.json.response.instanceIdSet;
      await sleep(300);
      const status = await send(emulator, {
        headers: {
          "content-type": "application/json",
          "x-zc-action": "DescribeInstancesStatus",
          "x-zc-version": "2023-03-13",
          authorization: "Bearer cli-token",
        },
        body: JSON.stringify({ instanceIds: [id] }),
      });
      expect(status.json.response.dataSet).toEqual([{ instanceId: id, instanceStatus: "RUNNING" }]);
    } finally {
      expect(await stop(emulator)).toBe(0);
    }
  });
});

describe("--state-file", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zl-state-"));
  const stateFile = path.join(dir, "state.json");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("keeps instances, their lifecycle and the id sequence across a restart", async () => {
    const first = await launch(["--state-file", stateFile, "--deploy-seconds", "0", "--terminate-seconds", "0.1"]);
    let ids: string[];
    try {
      ids = (await api(first, "CreateInstances", { ...DOCS_CREATE, instanceCount: 3, instanceName: "keep-[0,1]" })).json.response
        .instanceIdSet;
      expect((await api(first, "ModifyInstancesAttribute", { instanceIds: [ids[0]], instanceName: "renamed" })).status).toBe(200);
      expect((await api(first, "TerminateInstance", { instanceId: ids[1] })).status).toBe(200);
    } finally {
      expect(await stop(first)).toBe(0);
    }
    expect(fs.readdirSync(dir)).toEqual(["state.json"]); // the temp file was renamed into place

    const second = await launch(["--state-file", stateFile]);
    try {
      const described = await api(second, "DescribeInstances", { instanceIds: ids });
      expect(
        described.json.response.dataSet.map((i: { instanceName: string; instanceStatus: string }) => [
          i.instanceName,
          i.instanceStatus,
        ]),
      ).toEqual([
        ["renamed", "RUNNING"],
        ["keep-1", "RECYCLE"],
        ["keep-2", "RUNNING"],
      ]);
      const [fresh] = (await api(second, "CreateInstances", DOCS_CREATE)).json.response.instanceIdSet;
      expect(ids).not.toContain(fresh);
      expect(BigInt(fresh)).toBeGreaterThan(BigInt(ids[2]!));
      expect(fresh.slice(0, 7)).toBe(ids[0]!.slice(0, 7));
    } finally {
      expect(await stop(second)).toBe(0);
    }
  });

  it("refuses a corrupt state file", async () => {
    const corrupt = path.join(dir, "corrupt.json");
    fs.writeFileSync(corrupt, '{"format":1}');
    const { code, stderr } = await run(["--port", "0", "--state-file", corrupt]);
    expect(code).toBe(2);
    expect(stderr).toContain("corrupt.json");
  });

  it("refuses a state file it cannot write, at start", async () => {
    const { code, stderr } = await run(["--port", "0", "--state-file", path.join(dir, "no-such-dir", "state.json")]);
    expect(code).toBe(2);
    expect(stderr).toContain("no-such-dir");
  });
});
