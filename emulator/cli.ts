#!/usr/bin/env node
// `zenlayer-emulator`: runs the emulator until SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import {
  DEFAULT_ACCESS_KEY_ID,
  DEFAULT_ACCESS_KEY_PASSWORD,
  DEFAULT_HOST,
  DEFAULT_PORT,
  type EmulatorOptions,
  startEmulator,
} from "./index";

const USAGE = `Usage: zenlayer-emulator [options]

A local emulator of the Zenlayer Cloud VM API (POST /api/v2/vm, ZC2-HMAC-SHA256 or bearer auth).

Options:
  --host <address>                 listen address (default ${DEFAULT_HOST})
  --port <n>                       listen port, 0 = any free port (default ${DEFAULT_PORT})
  --access-key-id <id>             accepted access key id (default ${DEFAULT_ACCESS_KEY_ID})
  --access-key-password <secret>   its secret (default ${DEFAULT_ACCESS_KEY_PASSWORD})
  --token <token>                  also accept "Authorization: Bearer <token>"
  --deploy-seconds <s>             time in PENDING + DEPLOYING (default 3)
  --terminate-seconds <s>          time in RECYCLING (default 1)
  --release-seconds <s>            time in RELEASING (default 1)
  --power-seconds <s>              time in STOPPING / BOOTING / REBOOT (default 1)
  --recycle-retention-seconds <s>  time in RECYCLE before automatic release, 0 = never (default 86400)
  --qps <n>                        requests per second per access key, 0 = unlimited (default 0)
  --state-file <file>              keep the state in this JSON file across restarts
  --catalog <file>                 JSON catalogue (zones, offerings, images) replacing the seeded one
  --help                           show this help
`;

const NUMERIC = {
  port: "port",
  "deploy-seconds": "deploySeconds",
  "terminate-seconds": "terminateSeconds",
  "release-seconds": "releaseSeconds",
  "power-seconds": "powerSeconds",
  "recycle-retention-seconds": "recycleRetentionSeconds",
  qps: "qps",
} as const;
const TEXT = {
  host: "host",
  "access-key-id": "accessKeyId",
  "access-key-password": "accessKeyPassword",
  token: "token",
  "state-file": "stateFile",
  catalog: "catalog",
} as const;

const STRING = { type: "string" } as const;
const FLAGS = {
  help: { type: "boolean" },
  ...(Object.fromEntries(Object.keys(NUMERIC).map((f) => [f, STRING])) as Record<keyof typeof NUMERIC, typeof STRING>),
  ...(Object.fromEntries(Object.keys(TEXT).map((f) => [f, STRING])) as Record<keyof typeof TEXT, typeof STRING>),
} as const;

function parseOptions(argv: string[]): EmulatorOptions | "help" {
  const { values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: FLAGS });
  if (values.help) return "help";
  const options: EmulatorOptions = {};
  for (const [flag, key] of Object.entries(NUMERIC)) {
    const text = values[flag as keyof typeof NUMERIC];
    if (typeof text !== "string") continue;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || value < 0)
      throw new Error(`--${flag} must be a non-negative number, got "${text}"`);
    if (key === "port" && (!Number.isInteger(value) || value > 65535))
      throw new Error(`--port must be an integer 0 to 65535, got "${text}"`);
    options[key] = value;
  }
  for (const [flag, key] of Object.entries(TEXT)) {
    const text = values[flag as keyof typeof TEXT];
    if (typeof text === "string") options[key] = text;
  }
  return options;
}

async function main(): Promise<void> {
  let options: EmulatorOptions | "help";
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`zenlayer-emulator: ${(error as Error).message} (see --help)\n`);
    process.exit(2);
  }
  if (options === "help") {
    process.stdout.write(USAGE);
    return;
  }
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator(options);
  } catch (error) {
    process.stderr.write(`zenlayer-emulator: ${(error as Error).message}\n`);
    process.exit(2);
  }
  process.stdout.write(
    `zenlayer-emulator: access key id ${emulator.accessKeyId}, access key password ${emulator.accessKeyPassword}` +
      `${emulator.token ? ", bearer token accepted" : ""}\n` +
      `zenlayer-emulator: listening on ${emulator.url} (domain ${emulator.domain}, API POST ${emulator.url}/api/v2/vm)\n`,
  );
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

void main();
