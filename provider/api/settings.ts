// Where the client's credentials, endpoint and limits come from: explicit options first, then the
// environment variables the official Terraform provider uses (reference §5.1).
import { z } from "zod";
import { InvalidSettingError, MissingCredentialsError } from "./errors";
import { API_VERSIONS } from "./rules";

export const DEFAULT_DOMAIN = "console.zenlayer.com";

/** Settings a caller may pass; every field is optional and falls back to the environment. */
export const ClientSettingsInput = z.object({
  accessKeyId: z.string().optional(),
  accessKeyPassword: z.string().optional(),
  token: z.string().optional(),
  /** API host, optionally with a port (`127.0.0.1:8787`) or a scheme prefix. */
  domain: z.string().optional(),
  /** `HTTP` or `HTTPS` (any case). */
  scheme: z.string().optional(),
  apiVersion: z.enum(API_VERSIONS).optional(),
  /** Requests per second this process sends to one endpoint with one key. */
  maxRequestsPerSecond: z.number().positive().optional(),
  /** Requests in flight at once to one endpoint with one key. */
  maxConcurrentRequests: z.number().int().positive().optional(),
  /** Time allowed for one HTTP exchange (headers and body each). */
  requestTimeoutSeconds: z.number().positive().optional(),
  /** Retries of a retryable failure before it is reported. */
  maxRetries: z.number().int().min(0).optional(),
  debug: z.boolean().optional(),
});
export type ClientSettingsInput = z.infer<typeof ClientSettingsInput>;

export type Auth = { kind: "hmac"; accessKeyId: string; accessKeyPassword: string } | { kind: "token"; token: string };

export interface ResolvedSettings {
  origin: string;
  /** The Host header value, signed as sent. */
  host: string;
  auth: Auth;
  apiVersion: (typeof API_VERSIONS)[number];
  maxRequestsPerSecond: number;
  maxConcurrentRequests: number;
  requestTimeoutMs: number;
  maxRetries: number;
  debug: boolean;
}

export const ENV = {
  accessKeyId: "ZENLAYERCLOUD_ACCESS_KEY_ID",
  accessKeyPassword: "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD",
  token: "ZENLAYERCLOUD_TOKEN",
  domain: "ZENLAYERCLOUD_DOMAIN",
  scheme: "ZENLAYERCLOUD_SCHEME",
  clientTimeout: "ZENLAYERCLOUD_CLIENT_TIMEOUT",
  maxRequestsPerSecond: "ZENLAYERCLOUD_MAX_REQUESTS_PER_SECOND",
  debug: "ZENLAYERCLOUD_DEBUG",
} as const;

const trimmed = (value: string | undefined): string | undefined => {
  const t = value?.trim();
  return t ? t : undefined;
};

function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidSettingError(`${name} must be a positive number, got "${value}"`);
  return n;
}

function resolveAuth(explicit: ClientSettingsInput, env: NodeJS.ProcessEnv): Auth {
  const levels = [
    { id: trimmed(explicit.accessKeyId), password: trimmed(explicit.accessKeyPassword), token: trimmed(explicit.token) },
    {
      id: trimmed(env[ENV.accessKeyId]),
      password: trimmed(env[ENV.accessKeyPassword]),
      token: trimmed(env[ENV.token]),
    },
  ];
  for (const level of levels) {
    if (level.id && level.password) return { kind: "hmac", accessKeyId: level.id, accessKeyPassword: level.password };
    if (level.token) return { kind: "token", token: level.token };
  }
  throw new MissingCredentialsError();
}

function resolveEndpoint(domainSetting: string | undefined, schemeSetting: string | undefined): { origin: string; host: string } {
  let domain = domainSetting ?? DEFAULT_DOMAIN;
  let scheme = schemeSetting?.toLowerCase();
  const prefixed = /^(https?):\/\/(.*)$/i.exec(domain);
  if (prefixed) {
    scheme ??= prefixed[1]!.toLowerCase();
    domain = prefixed[2]!;
  }
  domain = domain.replace(/\/+$/, "");
  scheme ??= "https";
  if (scheme !== "http" && scheme !== "https")
    throw new InvalidSettingError(`scheme must be HTTP or HTTPS, got "${schemeSetting}"`);
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/.test(domain)) {
    throw new InvalidSettingError(
      `domain must be a host name with an optional port (e.g. console.zenlayer.com), got "${domain}"`,
    );
  }
  return { origin: `${scheme}://${domain}`, host: domain.toLowerCase() };
}

/** Resolves settings: explicit values win, then `ZENLAYERCLOUD_*` variables, then defaults. */
export function resolveSettings(explicitInput: ClientSettingsInput = {}, env: NodeJS.ProcessEnv = process.env): ResolvedSettings {
  const parsed = ClientSettingsInput.safeParse(explicitInput);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const value = (explicitInput as Record<PropertyKey, unknown>)[issue.path[0] ?? ""];
    const rule = issue.message.replace(/^Invalid option: expected/, "must be");
    throw new InvalidSettingError(`${issue.path.join(".")} ${rule}, got ${JSON.stringify(value)}`);
  }
  const explicit = parsed.data;
  const { origin, host } = resolveEndpoint(
    trimmed(explicit.domain) ?? trimmed(env[ENV.domain]),
    trimmed(explicit.scheme) ?? trimmed(env[ENV.scheme]),
  );
  const timeoutSeconds = explicit.requestTimeoutSeconds ?? positiveNumber(ENV.clientTimeout, env[ENV.clientTimeout]) ?? 60;
  return {
    origin,
    host,
    auth: resolveAuth(explicit, env),
    apiVersion: explicit.apiVersion ?? "2026-04-01",
    maxRequestsPerSecond:
      explicit.maxRequestsPerSecond ?? positiveNumber(ENV.maxRequestsPerSecond, env[ENV.maxRequestsPerSecond]) ?? 20,
    maxConcurrentRequests: explicit.maxConcurrentRequests ?? 16,
    requestTimeoutMs: timeoutSeconds * 1000,
    maxRetries: explicit.maxRetries ?? 6,
    debug: explicit.debug ?? ["1", "true", "yes"].includes((env[ENV.debug] ?? "").toLowerCase()),
  };
}

/** The secret values a log line or error message must never contain. */
export function secretsOf(settings: ResolvedSettings): string[] {
  return settings.auth.kind === "hmac" ? [settings.auth.accessKeyPassword] : [settings.auth.token];
}
