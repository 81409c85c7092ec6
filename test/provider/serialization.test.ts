// The provider text Pulumi stores in state (`__provider`): small, secret-free, and loadable in
// another process from a stack's folder, where it runs the installed implementation.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";

const root = path.resolve(__dirname, "../..");
const run = promisify(execFile);
// As a user's program loads it: the built package, by name.
const providerModule = require("pulumi-zenlayer-vm/provider") as typeof import("../../provider");

let emu: RunningEmulator;
let text: string;
let containsSecrets: boolean;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, deploySeconds: 0.2 });
  // Even with credentials configured in this process, nothing of them may reach the text.
  const config: Record<string, string> = {
    "zenlayer:accessKeyPassword": emu.accessKeyPassword,
    "zenlayer:token": "tok-SECRET-123",
  };
  providerModule.sharedRuntime().configure({ get: (k) => config[k] });
  ({ text, containsSecrets } = await pulumi.runtime.serializeFunction(() => providerModule.instanceSetProvider, {
    allowSecrets: true,
  }));
});
afterAll(async () => emu?.close());

describe("the serialized provider", () => {
  it("is at most 4 KB and holds no credential", () => {
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(containsSecrets).toBe(false);
    expect(text).not.toContain(emu.accessKeyPassword);
    expect(text).not.toContain("tok-SECRET-123");
    expect(text).not.toMatch(/undici|zod/); // no client or schema captured: loaded at run time
  });

  it("loads and runs in a child process whose working directory is an example's folder", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-text-"));
    const file = path.join(dir, "provider.js");
    fs.writeFileSync(file, text);
    const script = `
      const handler = require("require-from-string")(require("fs").readFileSync(${JSON.stringify(file)}, "utf8")).handler;
      const provider = handler();
      const config = ${JSON.stringify({
        "zenlayer:accessKeyId": emu.accessKeyId,
        "zenlayer:accessKeyPassword": emu.accessKeyPassword,
        "zenlayer:domain": emu.domain,
        "zenlayer:scheme": "HTTP",
      })};
      (async () => {
        await provider.configure({ config: { get: (k) => config[k] } });
        const checked = await provider.check({}, { zoneId: "SEL-A", instanceType: "c.1c2g",
          imageId: "img-yKK4q6XybymPgfx7ynUUqC3N8", instanceCount: 1, setName: "p/s/child" });
        const created = await provider.create(checked.inputs);
        console.log(JSON.stringify({ id: created.id, status: created.outs.status, ids: created.outs.instanceIds }));
      })().catch((e) => { console.error(e.message); process.exit(1); });`;
    const { stdout } = await run(process.execPath, ["-e", script], { cwd: path.join(root, "examples", "quickstart") });
    const result = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(result.id).toMatch(/^child-[0-9a-f]{16}$/);
    expect(result.status).toBe("RUNNING");
    expect(result.ids).toHaveLength(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
