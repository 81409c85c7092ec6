// In-process API of the Zenlayer VM API emulator: `startEmulator(options)`.
import type { AddressInfo } from "node:net";
import { Catalog, type CatalogFile, loadCatalogFile, SEED_CATALOG } from "./catalog";
import { RateLimiter } from "./rateLimit";
import { EmulatorServer } from "./server";
import { InstanceStore } from "./state";

export { CatalogFile, SEED_CATALOG } from "./catalog";
export type { Fault, FaultRequest } from "./faults";
export { API_PATH } from "./server";

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8787;
export const DEFAULT_ACCESS_KEY_ID = "ZLEMULATORKEYID";
export const DEFAULT_ACCESS_KEY_PASSWORD = "zl-emulator-secret";

export interface EmulatorOptions {
  /** Listen address (default 127.0.0.1). The control API answers only on a loopback address. */
  host?: string;
  /** Listen port (default 8787; 0 picks a free port). */
  port?: number;
  accessKeyId?: string;
  accessKeyPassword?: string;
  /** Accepted bearer token; without it bearer authentication is refused. */
  token?: string;
  /** Time an instance spends in PENDING + DEPLOYING (default 3). */
  deploySeconds?: number;
  /** Time in RECYCLING (default 1). */
  terminateSeconds?: number;
  /** Time in RELEASING (default 1). */
  releaseSeconds?: number;
  /** Time in STOPPING, BOOTING and REBOOT (default 1). */
  powerSeconds?: number;
  /** Time in RECYCLE before automatic release (default 86400 = 24 h; 0 = never). */
  recycleRetentionSeconds?: number;
  /** Requests per second per access key (token bucket); 0 = unlimited (default). */
  qps?: number;
  /** JSON file the state is kept in across restarts (written atomically). */
  stateFile?: string;
  /** A catalogue replacing the seeded one: a JSON file path or the catalogue itself. */
  catalog?: string | CatalogFile;
}

export interface RunningEmulator {
  /** e.g. `http://127.0.0.1:40123` */
  url: string;
  host: string;
  port: number;
  /** `host:port`, what a client puts in its domain setting. */
  domain: string;
  accessKeyId: string;
  accessKeyPassword: string;
  token: string | undefined;
  close(): Promise<void>;
}

const isLoopback = (address: string) => /^127\./.test(address) || address === "::1" || address.startsWith("::ffff:127.");

function seconds(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isFinite(result) || result < 0) throw new Error(`${name} must be a non-negative number of seconds, got ${value}`);
  return result * 1000;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const qps = options.qps ?? 0;
  if (!Number.isFinite(qps) || qps < 0) throw new Error(`qps must be a non-negative number, got ${options.qps}`);
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port must be 0 to 65535, got ${options.port}`);
  const credentials = {
    accessKeyId: options.accessKeyId ?? DEFAULT_ACCESS_KEY_ID,
    accessKeyPassword: options.accessKeyPassword ?? DEFAULT_ACCESS_KEY_PASSWORD,
    token: options.token,
  };
  if (!credentials.accessKeyId || !credentials.accessKeyPassword)
    throw new Error("the access key id and password must not be empty");

  const catalogData =
    typeof options.catalog === "string"
      ? loadCatalogFile(options.catalog)
      : options.catalog === undefined
        ? SEED_CATALOG
        : options.catalog;
  const store = new InstanceStore(
    {
      deployMs: seconds("deploySeconds", options.deploySeconds, 3),
      terminateMs: seconds("terminateSeconds", options.terminateSeconds, 1),
      releaseMs: seconds("releaseSeconds", options.releaseSeconds, 1),
      powerMs: seconds("powerSeconds", options.powerSeconds, 1),
      recycleRetentionMs: seconds("recycleRetentionSeconds", options.recycleRetentionSeconds, 86_400),
    },
    options.stateFile,
  );

  let boundAddress = "";
  const server = new EmulatorServer({
    credentials,
    store,
    catalog: new Catalog(catalogData),
    limiter: new RateLimiter(qps),
    controlAllowed: () => isLoopback(boundAddress),
  });
  const host = options.host ?? DEFAULT_HOST;
  await new Promise<void>((resolve, reject) => {
    server.http.once("error", reject);
    server.http.listen(port, host, () => {
      server.http.off("error", reject);
      resolve();
    });
  });
  const address = server.http.address() as AddressInfo;
  boundAddress = address.address;
  const hostPart = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const domain = `${hostPart}:${address.port}`;

  return {
    url: `http://${domain}`,
    host: address.address,
    port: address.port,
    domain,
    ...credentials,
    close: async () => {
      store.flush();
      await new Promise<void>((resolve) => {
        server.http.close(() => resolve());
        server.http.closeAllConnections();
      });
    },
  };
}
