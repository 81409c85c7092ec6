// Test helper: raw HTTP requests to the emulator (node:http, so Host, Content-Type and the body
// bytes are exactly what the test says) and ZC2-HMAC-SHA256 signing via provider/api/signing.ts.
import * as http from "node:http";
import { authorizationHeader, SIGNATURE_METHOD, signature } from "../../provider/api/signing";

export interface Target {
  url: string;
  domain: string;
  accessKeyId: string;
  accessKeyPassword: string;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
  json: any;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Sends one request; rejects when the connection closes without an answer. */
export function send(target: Pick<Target, "url">, request: RawRequest): Promise<Answer> {
  const url = new URL(request.path ?? "/api/v2/vm", target.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: request.method ?? "POST", headers: request.headers ?? {}, setHost: !request.headers?.host },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on("error", reject);
    req.end(request.body);
  });
}

export interface SignOptions {
  version?: string;
  host?: string;
  contentType?: string;
  /** Unix seconds (default: now). */
  timestamp?: number;
  accessKeyId?: string;
  accessKeyPassword?: string;
}

/** The headers an official SDK sends for `action` with `body`, signed with the target's key. */
export function signedHeaders(target: Target, action: string, body: string, options: SignOptions = {}): Record<string, string> {
  const host = options.host ?? target.domain;
  const contentType = options.contentType ?? "application/json";
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const sig = signature({
    contentType,
    host,
    body,
    timestamp,
    accessKeyPassword: options.accessKeyPassword ?? target.accessKeyPassword,
  });
  return {
    host,
    "content-type": contentType,
    "x-zc-action": action,
    "x-zc-version": options.version ?? "2026-04-01",
    "x-zc-service": "vm",
    "x-zc-signature-method": SIGNATURE_METHOD,
    "x-zc-timestamp": timestamp,
    authorization: authorizationHeader(options.accessKeyId ?? target.accessKeyId, sig),
  };
}

/** A signed API call with a compact JSON body. */
export function api(target: Target, action: string, params: object = {}, options: SignOptions = {}): Promise<Answer> {
  const body = JSON.stringify(params);
  return send(target, { headers: signedHeaders(target, action, body, options), body });
}

/** A control API call (`/_emulator/<route>`). */
export function control(target: Pick<Target, "url">, method: string, route: string, body?: object): Promise<Answer> {
  return send(target, {
    method,
    path: `/_emulator/${route}`,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
}

export const DOCS_CREATE = {
  zoneId: "SEL-A",
  instanceType: "c.1c2g",
  imageId: "img-yKK4q6XybymPgfx7ynUUqC3N8",
  instanceChargeType: "POSTPAID",
  internetChargeType: "ByBandwidth",
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
