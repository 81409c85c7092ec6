// Everything the provider let out during a fault-suite file — outputs, partial-failure properties,
// `__provider` texts, log lines, error messages — collected so that one check at the end can prove
// no secret is among it: not the access key password, not a bearer token, not an instance password.
import { expect } from "vitest";

/** Secrets the suite's emulators and inputs use; distinctive, so a match is never a coincidence. */
export const SECRETS = {
  accessKeyPassword: "fault-suite-key-password-7Qx2",
  token: "fault-suite-bearer-token-Zp4m",
  instancePassword: "FaultSuite-Pw9!",
} as const;

interface Exposed {
  source: string;
  text: string;
}

const exposed: Exposed[] = [];

/**
 * Records something the provider returned or printed. Outputs hold the instance password under
 * their `password` key by design (the SDK declares it an additional secret output, so the engine
 * encrypts it in state); that one field is left out, every other place is scanned.
 */
export function expose(source: string, value: unknown): void {
  const text = typeof value === "string" ? value : JSON.stringify(withoutDeclaredSecret(value));
  if (text) exposed.push({ source, text });
}

function withoutDeclaredSecret(value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  const { password: _declaredSecret, ...rest } = value as Record<string, unknown>;
  return rest;
}

/** How many texts were recorded from each kind of source (the scan means little if nothing was). */
export function exposedSources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { source } of exposed) counts[source] = (counts[source] ?? 0) + 1;
  return counts;
}

/** Fails naming the first place a secret appears in. */
export function expectNoSecretExposed(extraSecrets: readonly string[] = []): void {
  const secrets = [...Object.values(SECRETS), ...extraSecrets];
  const leaks = exposed.flatMap(({ source, text }) =>
    secrets.filter((secret) => text.includes(secret)).map((secret) => `${source} contains ${secret}`),
  );
  expect(leaks).toEqual([]);
}
