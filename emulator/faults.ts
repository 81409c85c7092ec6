// Injected faults (control API `POST /_emulator/faults`). Request faults (`error`, `latency`, `drop`)
// match the next `times` authenticated API requests of an action (or `*`); creation faults
// (`create-failed`, `vanish`) apply to the next `times` instances CreateInstances makes.
import { z } from "zod";
import { isActionName } from "../provider/api/schemas";
import type { CreationOutcome } from "./state";

const action = z
  .string()
  .refine((name) => name === "*" || isActionName(name), { message: "must be an action name or *" })
  .default("*");
const times = z.number().int().min(1).max(1_000_000).default(1);

export const FaultRequest = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("error"),
    action,
    times,
    status: z.number().int().min(400).max(599),
    code: z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be an UPPER_SNAKE_CASE code"),
    message: z.string().optional(),
  }),
  z.object({ kind: z.literal("latency"), action, times, ms: z.number().int().min(0).max(120_000) }),
  z.object({ kind: z.literal("drop"), action, times }),
  z.object({ kind: z.literal("create-failed"), action: z.enum(["CreateInstances", "*"]).default("*"), times }),
  z.object({ kind: z.literal("vanish"), action: z.enum(["CreateInstances", "*"]).default("*"), times }),
]);
export type FaultRequest = z.infer<typeof FaultRequest>;
export type Fault = FaultRequest & { id: number; remaining: number };
type Kind = Fault["kind"];

export class FaultQueue {
  private faults: Fault[] = [];
  private nextId = 1;

  add(request: FaultRequest): Fault {
    const fault = { ...request, id: this.nextId++, remaining: request.times };
    this.faults.push(fault);
    return fault;
  }

  pending(): readonly Fault[] {
    return this.faults;
  }

  clear(): void {
    this.faults = [];
  }

  /** Uses up one application of the oldest pending fault of one of `kinds` that matches `actionName`. */
  take<K extends Kind>(actionName: string, kinds: readonly K[]): Extract<Fault, { kind: K }> | undefined {
    const fault = this.faults.find(
      (f): f is Extract<Fault, { kind: K }> =>
        (kinds as readonly Kind[]).includes(f.kind) && (f.action === "*" || f.action === actionName),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  /** How the next created instance's deployment ends. */
  creationOutcome(): CreationOutcome {
    const fault = this.take("CreateInstances", ["create-failed", "vanish"] as const);
    if (!fault) return "RUNNING";
    return fault.kind === "vanish" ? "vanish" : "CREATE_FAILED";
  }
}
