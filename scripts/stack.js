#!/usr/bin/env node
// `npm run up` / `npm run destroy`: the top-level stack against the local emulator.
// Starts the emulator in the background unless one already answers on 127.0.0.1:8787, uses a
// local file backend under .pulumi-state/ with a passphrase for local secrets, and runs the
// Pulumi CLI on the stack `emulator`, which it points at the emulator. It refuses a stack that
// points elsewhere: a destroy against the emulator would find nothing and forget real instances.
// For the real API use a stack of its own and plain `pulumi up` (README).
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const http = require("node:http");

const root = path.resolve(__dirname, "..");
const command = process.argv[2];
if (command !== "up" && command !== "destroy") {
  console.error("usage: node scripts/stack.js up|destroy");
  process.exit(2);
}
const which = spawnSync(process.platform === "win32" ? "where" : "which", ["pulumi"], { encoding: "utf8" });
if (which.status !== 0) {
  console.error(
    "No `pulumi` CLI on the PATH: install it from https://www.pulumi.com/docs/install/ (e.g. `curl -fsSL https://get.pulumi.com | sh`), then run this again.",
  );
  process.exit(1);
}

const HOST = "127.0.0.1";
const PORT = 8787;
const STACK = "emulator";
const stateDir = path.join(root, ".pulumi-state");
fs.mkdirSync(stateDir, { recursive: true });

function emulatorAnswers() {
  return new Promise((resolve) => {
    const req = http.get({ host: HOST, port: PORT, path: "/_emulator/stats", timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
  });
}

async function ensureEmulator() {
  if (await emulatorAnswers()) return;
  const log = fs.openSync(path.join(stateDir, "emulator.log"), "a");
  const child = spawn(
    process.execPath,
    [path.join(root, "dist/emulator/cli.js"), "--port", String(PORT), "--state-file", path.join(stateDir, "emulator.json")],
    { detached: true, stdio: ["ignore", log, log] },
  );
  child.unref();
  for (let i = 0; i < 50; i++) {
    if (await emulatorAnswers()) {
      console.log(`emulator listening on http://${HOST}:${PORT} (pid ${child.pid}, log .pulumi-state/emulator.log)`);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the emulator did not start; see .pulumi-state/emulator.log");
}

function pulumi(args, env) {
  const result = spawnSync("pulumi", args, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

(async () => {
  await ensureEmulator();
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL ?? `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "",
  };
  pulumi(["stack", "select", "--create", STACK], env);
  const domain = spawnSync("pulumi", ["config", "get", "zenlayer:domain"], { cwd: root, env, encoding: "utf8" });
  const current = domain.status === 0 ? domain.stdout.trim() : "";
  if (current !== "" && current !== `${HOST}:${PORT}`) {
    console.error(
      `Stack ${STACK} points at ${current}, not at the local emulator: run \`pulumi ${command}\` yourself for that stack.`,
    );
    process.exit(1);
  }
  pulumi(["config", "set", "zenlayer:domain", `${HOST}:${PORT}`], env);
  pulumi(["config", "set", "zenlayer:scheme", "HTTP"], env);
  pulumi(["config", "set", "zenlayer:accessKeyId", "ZLEMULATORKEYID"], env);
  pulumi(["config", "set", "--secret", "zenlayer:accessKeyPassword", "zl-emulator-secret"], env);
  pulumi([command, "--yes"], env);
})().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
