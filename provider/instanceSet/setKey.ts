// The set key: the tag value that marks every instance of one set, so that a create interrupted by
// a crash or a lost response is found again and adopted instead of created twice.
import { createHash } from "node:crypto";
import { changedFields } from "./diff";
import { type InstanceSetInputs, REPLACE_FIELDS } from "./inputs";

type Identity = Partial<InstanceSetInputs>;

/**
 * Generation 0 for a new set; the previous generation while the fields that force replacement
 * stay the same; the next one when they change (the engine then replaces the set, and the new
 * set must not adopt the old one's instances).
 */
export function nextGeneration(olds: Identity | undefined, news: Identity): number {
  const previous = olds?.setKey ? generationOf(olds.setKey) : undefined;
  if (previous === undefined) return 0;
  return changedFields(olds!, news, REPLACE_FIELDS).length > 0 ? previous + 1 : previous;
}

/** `<name>-g<generation>-<hash>`: deterministic from project, stack, resource name and generation; ≤ 64 chars. */
export function setKeyFor(setName: string, generation: number): string {
  const hash = createHash("sha256").update(`${setName}\n${generation}`).digest("hex").slice(0, 16);
  const name = (setName.split("/").pop() ?? "set").replace(/[^A-Za-z0-9.-]/g, "-").slice(0, 32);
  return `${name}-g${generation}-${hash}`;
}

export function generationOf(setKey: string): number | undefined {
  const match = /-g(\d+)-[0-9a-f]{16}$/.exec(setKey);
  return match ? Number(match[1]) : undefined;
}
