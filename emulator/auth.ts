// Request authentication (reference §2.3): ZC2-HMAC-SHA256 over the raw body bytes and the received
// Content-Type and Host values, or a bearer token. The canonical request is computed by the same
// code the client signs with (provider/api/signing.ts), but every input comes from the wire.
import { createHash, timingSafeEqual } from "node:crypto";
import { parseAuthorization, SIGNATURE_METHOD, SIGNED_HEADERS, signature, signaturesEqual } from "../provider/api/signing";

/** [ASSUMPTION] The API's window is undocumented; ±300 s tolerates the Go SDK's re-sent retries (up to 7 s). */
export const TIMESTAMP_WINDOW_SECONDS = 300;

export interface Credentials {
  accessKeyId: string;
  accessKeyPassword: string;
  /** Accepted bearer token; bearer authentication is refused when unset. */
  token?: string;
}

export interface ReceivedRequest {
  authorization?: string;
  timestamp?: string;
  signatureMethod?: string;
  host?: string;
  contentType?: string;
  body: Buffer;
}

/** Who made the request (the rate limit is per principal), or why it is refused. */
export type AuthResult = { ok: true; principal: string } | { ok: false; reason: string };

const digest = (text: string) => createHash("sha256").update(text).digest();
/** Constant-time equality of two strings of any length (compares their digests). */
const secretsEqual = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

export function authenticate(request: ReceivedRequest, credentials: Credentials, nowMs: number): AuthResult {
  const header = request.authorization?.trim();
  if (!header) return { ok: false, reason: "the Authorization header is missing" };

  if (/^bearer\s/i.test(header)) {
    const token = header.slice(header.indexOf(" ") + 1).trim();
    if (credentials.token === undefined || !secretsEqual(token, credentials.token))
      return { ok: false, reason: "the bearer token is not valid" };
    return { ok: true, principal: "token" };
  }

  const parsed = parseAuthorization(header);
  if (!parsed) return { ok: false, reason: `the Authorization header is not ${SIGNATURE_METHOD} or Bearer` };
  if (parsed.signedHeaders !== SIGNED_HEADERS) return { ok: false, reason: `SignedHeaders must be ${SIGNED_HEADERS}` };
  if (request.signatureMethod !== undefined && request.signatureMethod.trim() !== SIGNATURE_METHOD)
    return { ok: false, reason: `x-zc-signature-method must be ${SIGNATURE_METHOD}` };
  if (!secretsEqual(parsed.accessKeyId, credentials.accessKeyId)) return { ok: false, reason: "the access key id is unknown" };

  const timestamp = request.timestamp?.trim() ?? "";
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "x-zc-timestamp is missing or not Unix seconds" };
  if (Math.abs(Number(timestamp) - nowMs / 1000) > TIMESTAMP_WINDOW_SECONDS)
    return { ok: false, reason: `x-zc-timestamp is more than ${TIMESTAMP_WINDOW_SECONDS} s from the server clock` };

  const expected = signature({
    contentType: request.contentType ?? "",
    host: request.host ?? "",
    body: request.body,
    timestamp,
    accessKeyPassword: credentials.accessKeyPassword,
  });
  if (!signaturesEqual(parsed.signature, expected)) return { ok: false, reason: "the signature does not match the request" };
  return { ok: true, principal: parsed.accessKeyId };
}
