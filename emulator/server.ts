// HTTP layer: routing, the API request pipeline (auth → version/action → rate limit → faults →
// parameters → action) with the JSON envelopes of reference §3, and the `/_emulator/` control API.
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import { API_VERSIONS } from "../provider/api/rules";
import { type ErrorEnvelope, isActionName, SERVICES, type ServiceName, serviceOf } from "../provider/api/schemas";
import { ApiError, type Reply, RawJson, runAction } from "./actions";
import { authenticate, type Credentials } from "./auth";
import type { Catalog } from "./catalog";
import { FaultQueue, FaultRequest } from "./faults";
import type { RateLimiter } from "./rateLimit";
import type { InstanceStore } from "./state";

export const API_PATH = SERVICES.vm.path;
/** The service posted to at `path` (the VM API, or the tag service zrm), if any. */
const serviceAt = (path: string) => (Object.keys(SERVICES) as ServiceName[]).find((name) => SERVICES[name].path === path);
/** API versions each service accepts. */
const VERSIONS: Record<ServiceName, readonly string[]> = { vm: API_VERSIONS, zrm: [SERVICES.zrm.version] };
const CONTROL_PREFIX = "/_emulator/";
/** Far above any valid request (initScript ≤ 32 KB, ≤ 100 ids). */
const MAX_BODY_BYTES = 1024 * 1024;

export interface ServerParts {
  credentials: Credentials;
  store: InstanceStore;
  catalog: Catalog;
  limiter: RateLimiter;
  /** Whether the control API may answer (only when listening on a loopback address). */
  controlAllowed: () => boolean;
}

/** Request counters for `GET /_emulator/stats` (API requests only). */
class Stats {
  total = 0;
  byAction: Record<string, number> = {};
  byStatus: Record<string, number> = {};

  count(action: string | undefined, outcome: number | "dropped"): void {
    this.total += 1;
    if (action !== undefined) this.byAction[action] = (this.byAction[action] ?? 0) + 1;
    this.byStatus[String(outcome)] = (this.byStatus[String(outcome)] ?? 0) + 1;
  }
}

const newRequestId = () => `T${randomUUID().toUpperCase()}`;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const header = (req: http.IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function sendJson(res: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** `{requestId, response: {requestId, ...reply}}`; `RawJson` fields are spliced in without re-serialising. */
function successText(requestId: string, reply: Record<string, unknown>): string {
  let response = `{"requestId":"${requestId}"`;
  for (const [key, value] of Object.entries(reply))
    if (value !== undefined)
      response += `,${JSON.stringify(key)}:${value instanceof RawJson ? value.text : JSON.stringify(value)}`;
  return `{"requestId":"${requestId}","response":${response}}}`;
}

function errorText(requestId: string, error: ApiError): string {
  const body: ErrorEnvelope = { requestId, code: error.code, message: error.message };
  return JSON.stringify(body);
}

/** Reads the body; `undefined` when it exceeds the limit. */
async function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export class EmulatorServer {
  readonly faults = new FaultQueue();
  private stats = new Stats();
  readonly http: http.Server;

  constructor(private readonly parts: ServerParts) {
    this.http = http.createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        process.stderr.write(`zenlayer-emulator: internal error: ${(error as Error).stack ?? String(error)}\n`);
        if (!res.headersSent)
          sendJson(res, 500, errorText(newRequestId(), new ApiError(500, "INTERNAL_SERVER_ERROR", "Internal emulator error.")));
      });
    });
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path.startsWith(CONTROL_PREFIX)) return this.control(req, res, path.slice(CONTROL_PREFIX.length));
    const action = header(req, "x-zc-action");
    const outcome = await this.api(req, res, path, action);
    this.stats.count(action, outcome);
  }

  // ---- the API ------------------------------------------------------------------------------------

  /** Handles one API request; returns the status answered, or "dropped". */
  private async api(req: http.IncomingMessage, res: http.ServerResponse, path: string, action: string | undefined) {
    const requestId = newRequestId();
    const fail = (error: ApiError, headers?: http.OutgoingHttpHeaders) => {
      sendJson(res, error.status, errorText(requestId, error), headers);
      return error.status;
    };

    const service = serviceAt(path);
    if (!service)
      return fail(
        new ApiError(404, "INVALID_PATH", `No API at ${path}; the VM API is POST ${API_PATH}, tags POST ${SERVICES.zrm.path}.`),
      );
    if (req.method !== "POST")
      return fail(new ApiError(405, "METHOD_NOT_ALLOWED", `${req.method} is not allowed; the VM API takes POST.`), {
        allow: "POST",
      });
    const body = await readBody(req);
    if (!body)
      return fail(new ApiError(413, "REQUEST_ENTITY_TOO_LARGE", `The body exceeds ${MAX_BODY_BYTES} bytes.`), {
        connection: "close",
      });

    const now = Date.now();
    const auth = authenticate(
      {
        authorization: header(req, "authorization"),
        timestamp: header(req, "x-zc-timestamp"),
        signatureMethod: header(req, "x-zc-signature-method"),
        host: header(req, "host"),
        contentType: header(req, "content-type"),
        body,
      },
      this.parts.credentials,
      now,
    );
    if (!auth.ok) return fail(new ApiError(401, "AUTHFAILURE_SIGNATURE_FAILURE", `Authentication failed: ${auth.reason}.`));

    const version = header(req, "x-zc-version");
    if (version === undefined) return fail(new ApiError(400, "MISSING_PARAMETER", "The header `x-zc-version` is missing."));
    if (!VERSIONS[service].includes(version))
      return fail(
        new ApiError(
          400,
          "INVALID_PARAMETER_VALUE",
          `The header \`x-zc-version\` must be one of ${VERSIONS[service].join(", ")} for ${path}.`,
        ),
      );
    if (action === undefined) return fail(new ApiError(400, "MISSING_PARAMETER", "The header `x-zc-action` is missing."));
    if (!isActionName(action) || serviceOf(action) !== service)
      return fail(new ApiError(400, "INVALID_ACTION", `The action \`${action}\` is not supported at ${path}.`));

    if (!this.parts.limiter.take(auth.principal, now))
      return fail(new ApiError(429, "REQUEST_LIMIT_EXCEEDED", "The request rate limit is exceeded."));

    const latency = this.faults.take(action, ["latency"] as const);
    if (latency) await sleep(latency.ms);
    const fault = this.faults.take(action, ["error", "drop"] as const);
    if (fault?.kind === "error")
      return fail(new ApiError(fault.status, fault.code, fault.message ?? `Injected fault ${fault.code}.`));

    let params: unknown;
    try {
      params = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
    } catch {
      return fail(new ApiError(400, "INVALID_PARAMETER_VALUE", "The request body is not valid JSON."));
    }
    let reply: Reply<typeof action>;
    try {
      reply = runAction(action, params, {
        version,
        now: Date.now(),
        store: this.parts.store,
        catalog: this.parts.catalog,
        faults: this.faults,
      });
    } catch (error) {
      if (error instanceof ApiError) return fail(error);
      throw error;
    }
    if (fault?.kind === "drop") {
      // The lost-response case: the action took effect, the client never hears of it.
      req.socket.destroy();
      return "dropped" as const;
    }
    sendJson(res, 200, successText(requestId, reply));
    return 200;
  }

  // ---- the control API ----------------------------------------------------------------------------

  private async control(req: http.IncomingMessage, res: http.ServerResponse, route: string): Promise<void> {
    const answer = (status: number, value: unknown) => sendJson(res, status, JSON.stringify(value));
    const refuse = (status: number, code: string, message: string) => answer(status, { code, message });
    if (!this.parts.controlAllowed())
      return refuse(403, "CONTROL_API_DISABLED", "The control API answers only when the emulator listens on a loopback address.");
    const method = req.method ?? "GET";
    const body = await readBody(req);

    switch (`${method} ${route}`) {
      case "GET instances":
        return answer(200, { instances: this.parts.store.audit(Date.now()) });
      case "GET stats":
        return answer(200, this.stats);
      case "GET faults":
        return answer(200, { faults: this.faults.pending() });
      case "DELETE faults":
        this.faults.clear();
        return answer(200, { faults: [] });
      case "POST faults": {
        let raw: unknown;
        try {
          raw = JSON.parse(body?.toString("utf8") ?? "");
        } catch {
          return refuse(400, "INVALID_PARAMETER_VALUE", "The body must be a JSON fault description.");
        }
        const parsed = FaultRequest.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          return refuse(400, "INVALID_PARAMETER_VALUE", `Invalid fault: ${issue.path.join(".") || "(body)"}: ${issue.message}`);
        }
        return answer(200, { fault: this.faults.add(parsed.data) });
      }
      case "POST reset":
        this.parts.store.reset();
        this.faults.clear();
        this.parts.limiter.reset();
        this.stats = new Stats();
        return answer(200, { reset: true });
      default: {
        const known = ["instances", "stats", "faults", "reset"].includes(route);
        return known
          ? refuse(405, "METHOD_NOT_ALLOWED", `${method} is not allowed on ${CONTROL_PREFIX}${route}.`)
          : refuse(404, "INVALID_PATH", `No control endpoint ${CONTROL_PREFIX}${route}.`);
      }
    }
  }
}
