// ZC2-HMAC-SHA256 request signing (reference §2). Used by the client to sign and by the emulator
// to verify, so both sides compute the canonical request in exactly one place.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_METHOD = "ZC2-HMAC-SHA256";
export const SIGNED_HEADERS = "content-type;host";

export interface SignatureInput {
  /** The `Content-Type` header value exactly as sent. */
  contentType: string;
  /** The `Host` header value exactly as sent, including any port. */
  host: string;
  /** The exact body bytes sent (never a re-serialisation). */
  body: string | Uint8Array;
  /** Unix seconds, the same decimal string sent in `x-zc-timestamp`. */
  timestamp: string;
  accessKeyPassword: string;
}

const sha256Hex = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** The canonical request: canonical URI is always "/", the query string always empty. */
export function canonicalRequest(contentType: string, host: string, body: string | Uint8Array): string {
  const canonicalHeaders = `content-type:${contentType.trim().toLowerCase()}\nhost:${host.trim().toLowerCase()}\n`;
  return ["POST", "/", "", canonicalHeaders, SIGNED_HEADERS, sha256Hex(body)].join("\n");
}

export function stringToSign(timestamp: string, canonical: string): string {
  return `${SIGNATURE_METHOD}\n${timestamp}\n${sha256Hex(canonical)}`;
}

export function signature(input: SignatureInput): string {
  const canonical = canonicalRequest(input.contentType, input.host, input.body);
  return createHmac("sha256", input.accessKeyPassword).update(stringToSign(input.timestamp, canonical)).digest("hex");
}

export function authorizationHeader(accessKeyId: string, sig: string): string {
  return `${SIGNATURE_METHOD} Credential=${accessKeyId}, SignedHeaders=${SIGNED_HEADERS}, Signature=${sig}`;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  signedHeaders: string;
  signature: string;
}

const AUTHORIZATION_PATTERN = /^ZC2-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)$/;

/** Parses a ZC2-HMAC-SHA256 `Authorization` header; `undefined` when it is not one. */
export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const match = AUTHORIZATION_PATTERN.exec(header.trim());
  if (!match) return undefined;
  const [, accessKeyId = "", signedHeaders = "", sig = ""] = match;
  return { accessKeyId, signedHeaders, signature: sig.toLowerCase() };
}

/** Constant-time comparison of two hex signatures. */
export function signaturesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}
