// diff: which changes replace the set, which an update applies in place, and whether a refreshed
// set needs repair. Always answers `changes` explicitly (an unknown answer would make the engine
// diff inputs itself, `__provider` included).
import { IN_PLACE_FIELDS, type InstanceSetInputs, REPLACE_FIELDS } from "./inputs";
import type { InstanceSetOutputs } from "./outputs";

export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value ?? null, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/** The fields whose values differ (deep, key order ignored). */
export function changedFields<K extends string>(
  olds: Partial<Record<K, unknown>>,
  news: Partial<Record<K, unknown>>,
  fields: readonly K[],
): K[] {
  return fields.filter((f) => canonicalJson(olds[f]) !== canonicalJson(news[f]));
}

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** A set needs repair when a refresh found fewer RUNNING instances than it should hold. */
export function needsRepair(olds: Partial<InstanceSetOutputs>): boolean {
  const running = (olds.instances ?? []).filter((i) => i.status === "RUNNING").length;
  return olds.status !== "RUNNING" || running !== olds.instanceCount;
}

export function diffInstanceSet(olds: Partial<InstanceSetOutputs>, news: Partial<InstanceSetInputs>): DiffResult {
  const replaces = changedFields(olds, news, REPLACE_FIELDS);
  const inPlace = changedFields(olds, news, IN_PLACE_FIELDS);
  return {
    changes: replaces.length > 0 || inPlace.length > 0 || needsRepair(olds),
    replaces,
    // A replacement under the same set key (only a password changed) created first would adopt the
    // old set's instances by their tag: delete the old set first.
    deleteBeforeReplace: replaces.length > 0 && news.setKey !== undefined && news.setKey === olds.setKey,
  };
}
