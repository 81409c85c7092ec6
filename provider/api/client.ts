// The Zenlayer VM API client: signs, sends over a keep-alive undici pool, validates every answer
// with the action's zod schema, retries what is safe to retry and never blindly re-sends a
// CreateInstances whose outcome is unknown.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Pool, errors as undiciErrors } from "undici";
import type { z } from "zod";
import {
  ConnectionError,
  NOT_ACTED_CODES,
  OutcomeUnknownError,
  RETRYABLE_CODES,
  ResponseFormatError,
  ZenlayerApiError,
} from "./errors";
import { type RequestBudget, sharedBudget } from "./rateLimiter";
import { scrub, secretValuesIn } from "./redaction";
import { sharedReader } from "./coalescingReader";
import { LIMITS } from "./rules";
import {
  ACTIONS,
  type ActionName,
  type ActionRequest,
  type ActionResponse,
  type DescribeInstancesRequest,
  ErrorEnvelope,
  type ImageInfo,
  type InstanceInfo,
  SERVICES,
  type ServiceName,
  SuccessEnvelope,
  serviceOf,
} from "./schemas";
import { type ClientSettingsInput, type ResolvedSettings, resolveSettings, secretsOf } from "./settings";
import { authorizationHeader, SIGNATURE_METHOD, signature } from "./signing";

export interface ClientOptions extends ClientSettingsInput {
  /** Where debug lines go (default: stderr, only when `debug` is on). */
  logger?: (line: string) => void;
  /** Environment to read `ZENLAYERCLOUD_*` from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Backoff base and cap for retries, in milliseconds. */
  backoff?: { baseMs: number; capMs: number };
}

const CONTENT_TYPE = "application/json";
/** The API's timestamp window is not documented; a skew beyond this is reported as such. */
const CLOCK_SKEW_WINDOW_MS = 300_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function packageVersion(): string {
  // Walk up from this file to our package.json (the layout differs between sources and dist/).
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "pulumi-zenlayer-vm") return pkg.version ?? "0.0.0";
    }
  }
  return "0.0.0";
}
const REQUEST_CLIENT = `pulumi-zenlayer-vm-${packageVersion()}`;

const pools = new Map<string, Pool>();
function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, { connections: 32, keepAliveTimeout: 10_000, pipelining: 1 });
    pools.set(origin, pool);
  }
  return pool;
}

/** Errors raised before the request left this machine: safe to re-send whatever the action. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

type Attempt<T> = { kind: "done"; value: T } | { kind: "retry"; error: Error; waitMs?: number };

export class ZenlayerClient {
  readonly settings: ResolvedSettings;
  private readonly budget: RequestBudget;
  /** What the process-wide shared reads are keyed by (see the constructor). */
  private readonly readerKey: string;
  private readonly log: ((line: string) => void) | undefined;
  private readonly backoff: { baseMs: number; capMs: number };
  private readonly secrets: string[];
  /** Server time minus local time, learnt from a signature failure caused by clock skew. */
  private clockOffsetMs = 0;

  constructor(options: ClientOptions = {}) {
    const { logger, env, backoff, ...settings } = options;
    this.settings = resolveSettings(settings, env ?? process.env);
    this.secrets = secretsOf(this.settings);
    // Shared budget and reads per endpoint and identity (a token stands for itself, by a digest).
    const { auth } = this.settings;
    const keyId =
      auth.kind === "hmac" ? auth.accessKeyId : `token-${createHash("sha256").update(auth.token).digest("hex").slice(0, 16)}`;
    const budgetKey = `${this.settings.origin}|${keyId}`;
    const { maxRequestsPerSecond, maxConcurrentRequests, requestTimeoutMs, maxRetries } = this.settings;
    this.budget = sharedBudget(budgetKey, maxRequestsPerSecond, maxConcurrentRequests);
    // Shared reads run through the client that started them: only clients alike share them.
    this.readerKey = [budgetKey, maxRequestsPerSecond, maxConcurrentRequests, requestTimeoutMs, maxRetries].join("|");
    this.log = this.settings.debug ? (logger ?? ((line) => process.stderr.write(`${line}\n`))) : undefined;
    this.backoff = backoff ?? { baseMs: 500, capMs: 10_000 };
  }

  /** Calls one action and returns its validated `response` object. */
  async call<A extends ActionName>(action: A, params: ActionRequest<A>): Promise<ActionResponse<A>> {
    const spec = ACTIONS[action];
    const secrets = [...this.secrets, ...secretValuesIn(params)];
    const body = JSON.stringify(params);
    let lastError: Error | undefined;
    for (let attempt = 0; attempt <= this.settings.maxRetries; attempt++) {
      if (attempt > 0) await sleep(this.backoffMs(attempt - 1, lastError));
      const result = await this.attempt(action, spec.response, spec.sendOnce, body, attempt, secrets);
      if (result.kind === "done") return result.value as ActionResponse<A>;
      lastError = result.error;
      if (result.waitMs) this.budget.pause(result.waitMs);
    }
    throw lastError ?? new Error(`Zenlayer ${action}: no attempt made`);
  }

  private backoffMs(retry: number, error: Error | undefined): number {
    const ceiling = Math.min(this.backoff.capMs, this.backoff.baseMs * 2 ** retry);
    // Equal jitter: at least half the ceiling, so throttled callers really slow down.
    const delay = ceiling / 2 + (Math.random() * ceiling) / 2;
    return error instanceof ZenlayerApiError && error.code === "AUTHFAILURE_SIGNATURE_FAILURE" ? 0 : delay;
  }

  private headers(body: string, service: ServiceName, version: string): Record<string, string> {
    const headers: Record<string, string> = {
      "content-type": CONTENT_TYPE,
      host: this.settings.host,
      "x-zc-version": version,
      "x-zc-service": service,
      "x-zc-request-client": REQUEST_CLIENT,
    };
    const { auth } = this.settings;
    if (auth.kind === "token") {
      headers.authorization = `Bearer ${auth.token}`;
      return headers;
    }
    const timestamp = String(Math.floor((Date.now() + this.clockOffsetMs) / 1000));
    const sig = signature({
      contentType: CONTENT_TYPE,
      host: this.settings.host,
      body,
      timestamp,
      accessKeyPassword: auth.accessKeyPassword,
    });
    headers["x-zc-signature-method"] = SIGNATURE_METHOD;
    headers["x-zc-timestamp"] = timestamp;
    headers.authorization = authorizationHeader(auth.accessKeyId, sig);
    return headers;
  }

  private async attempt(
    action: ActionName,
    responseSchema: z.ZodType,
    sendOnce: boolean,
    body: string,
    attempt: number,
    secrets: string[],
  ): Promise<Attempt<unknown>> {
    const release = await this.budget.acquire();
    const started = Date.now();
    const serviceName = serviceOf(action);
    const service = SERVICES[serviceName];
    const version = service.version ?? this.settings.apiVersion;
    const headers = { ...this.headers(body, serviceName, version), "x-zc-action": action };
    let status: number;
    let text: string;
    let dateHeader: string | undefined;
    try {
      const res = await poolFor(this.settings.origin).request({
        path: service.path,
        method: "POST",
        headers,
        body,
        headersTimeout: this.settings.requestTimeoutMs,
        bodyTimeout: this.settings.requestTimeoutMs,
      });
      status = res.statusCode;
      const date = res.headers.date;
      dateHeader = Array.isArray(date) ? date[0] : date;
      text = await res.body.text();
    } catch (error) {
      release();
      return this.transportFailure(action, sendOnce, error, attempt, started);
    }
    release();
    const latency = Date.now() - started;
    // An answer we cannot read: a send-once action may or may not have acted, so the caller must reconcile.
    const malformed = (detail: string): never => {
      if (sendOnce) throw new OutcomeUnknownError(action, `HTTP ${status} with ${detail}`);
      throw new ResponseFormatError(action, status, detail);
    };

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.debug(action, undefined, status, latency, attempt);
      const detail = `the body is not JSON (${scrub(text.slice(0, 120), secrets).replace(/\s+/g, " ")})`;
      if (status >= 500 && !sendOnce) return { kind: "retry", error: new ResponseFormatError(action, status, detail) };
      return malformed(detail);
    }

    if (status !== 200) {
      const envelope = ErrorEnvelope.safeParse(json);
      if (!envelope.success) {
        this.debug(action, undefined, status, latency, attempt);
        return malformed("an error answer without the {requestId, code, message} envelope");
      }
      const { code, message, requestId } = envelope.data;
      this.debug(action, requestId ?? undefined, status, latency, attempt, code);
      const error = new ZenlayerApiError(action, status, code, scrub(message ?? "", secrets), requestId ?? undefined);
      return this.apiFailure(action, sendOnce, error, dateHeader);
    }

    const envelope = SuccessEnvelope.safeParse(json);
    if (!envelope.success) {
      this.debug(action, undefined, status, latency, attempt);
      return malformed("a 200 answer without the {requestId, response} envelope");
    }
    this.debug(action, envelope.data.requestId, status, latency, attempt);
    const parsed = responseSchema.safeParse(envelope.data.response);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue && issue.path.length > 0 ? `response.${issue.path.join(".")}` : "response";
      return malformed(`field ${field}: ${issue?.message ?? "invalid"}`);
    }
    return { kind: "done", value: parsed.data };
  }

  private apiFailure(
    action: ActionName,
    sendOnce: boolean,
    error: ZenlayerApiError,
    dateHeader: string | undefined,
  ): Attempt<never> {
    if (error.code === "AUTHFAILURE_SIGNATURE_FAILURE" && this.settings.auth.kind === "hmac" && dateHeader) {
      const serverTime = Date.parse(dateHeader);
      const skew = serverTime - (Date.now() + this.clockOffsetMs);
      if (Number.isFinite(serverTime) && Math.abs(skew) > CLOCK_SKEW_WINDOW_MS) {
        // Correct once and retry: signatures carry our clock, and the API refuses a skewed one.
        const firstTime = this.clockOffsetMs === 0;
        this.clockOffsetMs += skew;
        const skewed = new ZenlayerApiError(
          action,
          error.httpStatus,
          error.code,
          `${error.apiMessage} (the local clock is off by ${Math.round(skew / 1000)} s from the API's Date header; ` +
            `signatures are only valid within ±${CLOCK_SKEW_WINDOW_MS / 1000} s — fix the system clock)`,
          error.requestId,
        );
        if (firstTime) return { kind: "retry", error: skewed };
        throw skewed;
      }
    }
    if (!RETRYABLE_CODES.has(error.code) && error.httpStatus !== 429) throw error;
    if (sendOnce && !NOT_ACTED_CODES.has(error.code) && error.httpStatus !== 429) {
      // A 500 to a send-once action may hide a half-done operation: let the caller reconcile.
      throw new OutcomeUnknownError(action, `HTTP ${error.httpStatus} ${error.code}`, true);
    }
    const throttled = error.code === "REQUEST_LIMIT_EXCEEDED" || error.httpStatus === 429;
    return { kind: "retry", error, waitMs: throttled ? 1000 : undefined };
  }

  private transportFailure(
    action: ActionName,
    sendOnce: boolean,
    error: unknown,
    attempt: number,
    started: number,
  ): Attempt<never> {
    const code = (error as { code?: string }).code ?? "";
    const description = `${code || (error as Error).name}: ${(error as Error).message}`;
    this.debug(action, undefined, 0, Date.now() - started, attempt, code || "NETWORK_ERROR");
    const notSent = NOT_SENT_CODES.has(code);
    if (sendOnce && !notSent) throw new OutcomeUnknownError(action, description);
    const wrapped =
      error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError
        ? new ConnectionError(action, this.settings.origin, `no answer within ${this.settings.requestTimeoutMs} ms (${code})`)
        : new ConnectionError(action, this.settings.origin, description);
    return { kind: "retry", error: wrapped };
  }

  private debug(
    action: string,
    requestId: string | undefined,
    status: number,
    latencyMs: number,
    attempt: number,
    code?: string,
  ) {
    this.log?.(
      `zenlayer ${action} status=${status}${code ? ` code=${code}` : ""} requestId=${requestId ?? "-"} latency=${latencyMs}ms attempt=${attempt + 1}`,
    );
  }

  // ---- helpers over several calls ----------------------------------------------------------

  /** DescribeInstances across every page of a filter (pageSize up to 1000, following totalCount). */
  async describeAllInstances(filter: Omit<DescribeInstancesRequest, "pageNum" | "pageSize">, pageSize = LIMITS.maxPageSize) {
    return this.allPages((pageNum) => this.call("DescribeInstances", { ...filter, pageNum, pageSize }));
  }

  /**
   * DescribeInstances for any number of ids, ≤100 per call, in the order asked; unknown ids are
   * absent. Concurrent callers in this process share calls (see coalescingReader.ts).
   */
  async describeInstancesByIds(instanceIds: readonly string[]): Promise<InstanceInfo[]> {
    if (instanceIds.length === 0) return [];
    const found = await sharedReader(this.readerKey, "instances", (ids) => this.fetchInstances(ids)).read(instanceIds);
    return instanceIds.flatMap((id) => found.get(id) ?? []);
  }

  /** Statuses of any number of instances, ≤100 ids per DescribeInstancesStatus call, shared likewise. */
  describeStatusesByIds(instanceIds: readonly string[]): Promise<Map<string, string>> {
    return sharedReader(this.readerKey, "statuses", (ids) => this.fetchStatuses(ids)).read(instanceIds);
  }

  private async fetchInstances(instanceIds: readonly string[]): Promise<Map<string, InstanceInfo>> {
    const pages = await this.pagesByIds("DescribeInstances", instanceIds);
    return new Map(pages.flatMap((page) => (page.dataSet ?? []).map((i) => [i.instanceId, i] as const)));
  }

  private async fetchStatuses(instanceIds: readonly string[]): Promise<Map<string, string>> {
    const pages = await this.pagesByIds("DescribeInstancesStatus", instanceIds);
    return new Map(pages.flatMap((page) => (page.dataSet ?? []).map((s) => [s.instanceId, s.instanceStatus] as const)));
  }

  private pagesByIds<A extends "DescribeInstances" | "DescribeInstancesStatus">(action: A, instanceIds: readonly string[]) {
    return Promise.all(
      chunk(instanceIds, LIMITS.idsPerCall).map((ids) =>
        this.call(action, { instanceIds: ids, pageSize: LIMITS.idsPerCall } as ActionRequest<A>),
      ),
    );
  }

  /** DescribeImages across every page. */
  async describeAllImages(filter: Omit<ActionRequest<"DescribeImages">, "pageNum" | "pageSize">): Promise<ImageInfo[]> {
    return this.allPages((pageNum) => this.call("DescribeImages", { ...filter, pageNum, pageSize: LIMITS.maxPageSize }));
  }

  private async allPages<T>(page: (pageNum: number) => Promise<{ totalCount: number; dataSet?: T[] | null }>): Promise<T[]> {
    const items: T[] = [];
    for (let pageNum = 1; ; pageNum++) {
      const { totalCount, dataSet } = await page(pageNum);
      const rows = dataSet ?? [];
      items.push(...rows);
      if (rows.length === 0 || items.length >= totalCount) return items;
    }
  }
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
