// check: validate every input before any API call and assign the set key.
import { type CheckFailure, validateInputs, withDefaults } from "./inputs";
import { setKeyFor } from "./setKey";

export interface CheckResult {
  inputs?: Record<string, unknown>;
  failures?: CheckFailure[];
}

/** `_olds` are not used: before a replacement the engine checks the new inputs without them. */
export function checkInstanceSet(_olds: unknown, news: unknown): CheckResult {
  const validation = validateInputs(news);
  if (!validation.ok) {
    // Only preview's unknown values stand in the way: let them through, create never sees them.
    if (validation.failures.length === 0) return { inputs: withDefaults(news as Record<string, unknown>) };
    return { failures: validation.failures };
  }
  return { inputs: { ...validation.inputs, setKey: setKeyFor(validation.inputs) } };
}
