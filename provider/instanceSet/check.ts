// check: validate every input before any API call and assign the set key.
import { type CheckFailure, type InstanceSetInputs, validateInputs, withDefaults } from "./inputs";
import { nextGeneration, setKeyFor } from "./setKey";

export interface CheckResult {
  inputs?: Record<string, unknown>;
  failures?: CheckFailure[];
}

export function checkInstanceSet(olds: unknown, news: unknown): CheckResult {
  const validation = validateInputs(news);
  if (!validation.ok) {
    // Only preview's unknown values stand in the way: let them through, create never sees them.
    if (validation.failures.length === 0) return { inputs: withDefaults(news as Record<string, unknown>) };
    return { failures: validation.failures };
  }
  const previous = validateInputs(olds);
  const previousInputs: Partial<InstanceSetInputs> | undefined = previous.ok ? previous.inputs : undefined;
  const generation = nextGeneration(previousInputs, validation.inputs);
  return { inputs: { ...validation.inputs, setKey: setKeyFor(validation.inputs.setName, generation) } };
}
