// The instance store and the lifecycle of reference §4.11.
// Status is computed lazily: every instance carries a short timeline of (status, from-time) steps
// written when an operation is accepted, and its status is the last step whose time has passed.
// No timers per instance, so thousands of instances cost nothing while idle. A step "GONE" means the
// instance no longer exists for the API (released, auto-released or vanished); the record stays for
// the audit API.
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import { z } from "zod";
import { InstanceInfo, InstanceStatus, type Tag } from "../provider/api/schemas";

const GONE = "GONE";
const Phase = z.union([InstanceStatus, z.literal(GONE)]);
type Phase = z.infer<typeof Phase>;
const Step = z.object({ status: Phase, at: z.number() });
type Step = z.infer<typeof Step>;

/** Everything DescribeInstances shows about an instance except its (computed) status. */
export const StoredInfo = InstanceInfo.omit({ instanceStatus: true });
export type StoredInfo = z.infer<typeof StoredInfo>;

const PersistedInstance = z.object({
  seq: z.number().int(),
  info: StoredInfo,
  timeline: z.array(Step).min(1),
  vanished: z.boolean(),
});

export interface InstanceRecord extends z.infer<typeof PersistedInstance> {
  /** Cache: the JSON of `info` without its opening brace (see `instanceJson`); dropped when `info` changes. */
  json?: string;
}

const StateFile = z.object({
  format: z.literal(1),
  idPrefix: z.string().regex(/^\d{5}$/),
  nextSeq: z.number().int().positive(),
  instances: z.array(PersistedInstance),
});

/** Durations of the transitional states, in milliseconds. */
export interface LifecycleTimes {
  deployMs: number;
  terminateMs: number;
  releaseMs: number;
  /** STOPPING, BOOTING and REBOOT. */
  powerMs: number;
  /** Time an instance stays in RECYCLE before it is released automatically; 0 = never. */
  recycleRetentionMs: number;
}

/** How a new instance's creation ends (faults can make it fail or vanish). */
export type CreationOutcome = "RUNNING" | "CREATE_FAILED" | "vanish";

export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export class InstanceStore {
  private readonly records = new Map<string, InstanceRecord>();
  /** Instance ids are `93` + this + a sequence number; random per fresh state so separate runs rarely collide. */
  private idPrefix = String(Math.floor(Math.random() * 100_000)).padStart(5, "0");
  private nextSeq = 1;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly times: LifecycleTimes,
    private readonly stateFile?: string,
  ) {
    if (stateFile && fs.existsSync(stateFile)) this.load(stateFile);
    // Write once now, so an unwritable path fails at start rather than later in a timer.
    this.flush();
  }

  // ---- identity and addresses -------------------------------------------------------------------

  /** Reserves the next sequence number (ids are never reused, not even after a reset or a restart with a state file). */
  allocateSeq(): number {
    const seq = this.nextSeq++;
    this.changed();
    return seq;
  }

  instanceId(seq: number): string {
    return `93${this.idPrefix}${String(seq).padStart(11, "0")}`;
  }

  addresses(seq: number, ipv4: boolean, ipv6: boolean) {
    const [a, b, c] = [(seq >> 16) & 255, (seq >> 8) & 255, seq & 255];
    return {
      publicIpAddresses: ipv4 ? [`100.${64 + (a & 63)}.${b}.${c}`] : [],
      publicIpv6Addresses: ipv6 ? [`2001:db8::${seq.toString(16)}`] : [],
      privateIpAddresses: [`10.${a}.${b}.${c}`],
    };
  }

  diskId(): string {
    return `disk-${randomUUID().replace(/-/g, "").slice(0, 20)}`;
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  /** Adds an instance created at `now`: PENDING for the first third of the deploy time, then DEPLOYING. */
  add(seq: number, info: StoredInfo, outcome: CreationOutcome, now: number): InstanceRecord {
    const done = now + this.times.deployMs;
    const timeline: Step[] = [
      { status: "PENDING", at: now },
      { status: "DEPLOYING", at: now + this.times.deployMs / 3 },
      { status: outcome === "vanish" ? GONE : outcome, at: done },
    ];
    const record: InstanceRecord = { seq, info, timeline, vanished: outcome === "vanish" };
    this.records.set(info.instanceId, record);
    this.changed();
    return record;
  }

  terminate(record: InstanceRecord, now: number): void {
    // A CREATE_FAILED instance is removed directly (reference §4.4).
    if (this.status(record, now) === "CREATE_FAILED") {
      this.schedule(record, now, [[GONE, 0]]);
      return;
    }
    const recycled = this.times.terminateMs;
    const steps: Array<[Phase, number]> = [
      ["RECYCLING", 0],
      ["RECYCLE", recycled],
    ];
    if (this.times.recycleRetentionMs > 0) steps.push([GONE, recycled + this.times.recycleRetentionMs]);
    this.schedule(record, now, steps);
  }

  release(record: InstanceRecord, now: number): void {
    this.schedule(record, now, [
      ["RELEASING", 0],
      [GONE, this.times.releaseMs],
    ]);
  }

  /** STOPPING/BOOTING/REBOOT for the power time, then `to`. */
  power(record: InstanceRecord, now: number, via: "STOPPING" | "BOOTING" | "REBOOT", to: "STOPPED" | "RUNNING"): void {
    this.schedule(record, now, [
      [via, 0],
      [to, this.times.powerMs],
    ]);
  }

  rename(record: InstanceRecord, name: string): void {
    record.info.instanceName = name;
    record.json = undefined;
    this.changed();
  }

  retag(record: InstanceRecord, tags: Tag[]): void {
    record.info.tags = { tags };
    record.json = undefined;
    this.changed();
  }

  /** Replaces the future of a record's timeline with `steps` (offsets from `now`), keeping the current step. */
  private schedule(record: InstanceRecord, now: number, steps: Array<[Phase, number]>): void {
    const current = record.timeline.filter((s) => s.at <= now).at(-1);
    record.timeline = [...(current ? [current] : []), ...steps.map(([status, offset]) => ({ status, at: now + offset }))];
    this.changed();
  }

  // ---- queries ------------------------------------------------------------------------------------

  private static phase(record: InstanceRecord, now: number): Phase {
    const { timeline } = record;
    for (let i = timeline.length - 1; i > 0; i--) {
      const step = timeline[i]!;
      if (step.at <= now) return step.status;
    }
    return timeline[0]!.status;
  }

  /** The API status of a record, or `undefined` once it is gone. */
  status(record: InstanceRecord, now: number): InstanceStatus | undefined {
    const phase = InstanceStore.phase(record, now);
    return phase === GONE ? undefined : phase;
  }

  /** An instance the API still knows, with its status. */
  find(instanceId: string, now: number): { record: InstanceRecord; status: InstanceStatus } | undefined {
    const record = this.records.get(instanceId);
    const status = record && this.status(record, now);
    return record && status ? { record, status } : undefined;
  }

  /** Every record ever created, in creation order (Map iteration order is insertion order). */
  all(): IterableIterator<InstanceRecord> {
    return this.records.values();
  }

  /** InstanceInfo as JSON text. The status-less part is cached, so a poll costs one string concatenation. */
  instanceJson(record: InstanceRecord, status: InstanceStatus): string {
    record.json ??= JSON.stringify(record.info).slice(1);
    return `{"instanceStatus":"${status}",${record.json}`;
  }

  /** The control API's view: every instance ever created, including released and vanished ones. */
  audit(now: number) {
    return [...this.records.values()].map((record) => {
      const visible = record.timeline.filter((s) => s.at <= now && s.status !== GONE).at(-1) ?? record.timeline[0]!;
      const gone = record.timeline.find((s) => s.status === GONE && s.at <= now);
      return {
        ...record.info,
        instanceStatus: visible.status,
        /** True once the API no longer knows the instance (released, removed, auto-released or vanished). */
        released: gone !== undefined,
        releaseTime: gone ? isoSeconds(gone.at) : null,
        vanished: record.vanished && gone !== undefined,
      };
    });
  }

  /** Empties the store. The id sequence continues so that ids are never reused. */
  reset(): void {
    this.records.clear();
    this.changed();
  }

  // ---- persistence --------------------------------------------------------------------------------

  private load(file: string): void {
    let parsed: z.infer<typeof StateFile>;
    try {
      parsed = StateFile.parse(JSON.parse(fs.readFileSync(file, "utf8")));
    } catch (error) {
      throw new Error(`state file ${file} is unreadable: ${(error as Error).message.split("\n")[0]}`);
    }
    this.idPrefix = parsed.idPrefix;
    this.nextSeq = parsed.nextSeq;
    for (const instance of parsed.instances) this.records.set(instance.info.instanceId, instance);
  }

  /** Writes are coalesced (at most one per 100 ms); `flush` writes pending changes now. */
  private changed(): void {
    if (!this.stateFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      try {
        this.flush();
      } catch (error) {
        process.stderr.write(`zenlayer-emulator: cannot write the state file: ${(error as Error).message}\n`);
      }
    }, 100);
  }

  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.stateFile) return;
    const state: z.infer<typeof StateFile> = {
      format: 1,
      idPrefix: this.idPrefix,
      nextSeq: this.nextSeq,
      instances: [...this.records.values()].map(({ seq, info, timeline, vanished }) => ({ seq, info, timeline, vanished })),
    };
    // Atomic replace: a crash mid-write leaves the previous file intact.
    const temp = `${this.stateFile}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(state));
    fs.renameSync(temp, this.stateFile);
  }
}
