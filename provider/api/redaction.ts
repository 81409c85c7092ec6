// Keeps secrets out of logs and error messages.

const SECRET_KEY = /password|secret|token|authorization/i;
const MASK = "***";

/** Removes every known secret value from a text. */
export function scrub(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(MASK);
  }
  return out;
}

/** Secret values found in request parameters (instance passwords), to scrub from what the API echoes. */
export function secretValuesIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) secretValuesIn(v, found);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEY.test(k) && typeof v === "string") found.push(v);
      else secretValuesIn(v, found);
    }
  }
  return found;
}
