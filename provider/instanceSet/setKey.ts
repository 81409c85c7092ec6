// The set key: the tag value that marks every instance of one set, so that a create interrupted by
// a crash or a lost response is found again and adopted instead of created twice.
import { createHash } from "node:crypto";
import { canonicalJson } from "./diff";
import { type InstanceSetInputs, REPLACE_FIELDS } from "./inputs";

/** Fields left out of the key's hash: the tag is readable by anyone who can list the instances. */
const UNHASHED_FIELDS: ReadonlySet<string> = new Set(["password"]);

/**
 * `<name>-<hash>` from the set's identity (organization, project, stack, parent, resource name) and
 * the values of the fields that force a replacement. It depends on the inputs alone (the engine
 * checks a replacement's inputs without the old ones), so a replacement gets a key of its own, and
 * an interrupted create finds its instances again under the same key. A replacement that keeps the
 * key (only a password changed) is made delete-first by diff.
 */
export function setKeyFor(inputs: InstanceSetInputs): string {
  const identity = REPLACE_FIELDS.filter((field) => !UNHASHED_FIELDS.has(field)).map((field) => [field, inputs[field] ?? null]);
  const hash = createHash("sha256")
    .update(`${inputs.setName}\n${canonicalJson(identity)}`)
    .digest("hex")
    .slice(0, 16);
  const name = (inputs.setName.split("/").pop() ?? "set").replace(/[^A-Za-z0-9.-]/g, "-").slice(0, 32);
  return `${name}-${hash}`;
}
