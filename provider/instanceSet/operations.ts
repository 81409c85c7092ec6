// create / read / update / delete of an instance set against the API. Create and update share one
// convergence routine: find the set's instances (recorded ids + the set tag), clean up failed ones,
// release what a failed scale-in left in the recycle bin (forceDelete), scale to the count, bring
// tags up to date, start stopped ones, wait until RUNNING, fix names. Any failure once an instance
// may exist is raised as Pulumi's partial-failure shape so that no VM is ever lost.
import { chunk, type ZenlayerClient } from "../api/client";
import { isApiError, OutcomeUnknownError } from "../api/errors";
import { expandInstanceName, LIMITS, offsetInstanceName } from "../api/rules";
import type { CreateInstancesRequest, InstanceInfo, Tag } from "../api/schemas";
import { type InstanceSetInputs, REPLACE_FIELDS, SET_TAG_KEY } from "./inputs";
import { type InstanceRecord, recordOf, type StoredOutputs, stateOf } from "./outputs";
import { untilCreated, untilGone, untilRecycled, untilRunning, untilStopped, type WaitOptions, waitForStatuses } from "./waiter";

export interface OperationsContext {
  client: ZenlayerClient;
  log: (line: string) => void;
}

/** Pulumi's partial-failure shape: the engine records `id` and `properties` and shows `reasons`. */
export class PartialFailure extends Error {
  constructor(
    readonly id: string,
    readonly properties: Record<string, unknown>,
    readonly reasons: string[],
  ) {
    super(reasons.join("; "));
  }
}

/** Statuses of instances that are no longer members of a set. */
const DEPARTED = new Set(["RECYCLING", "RECYCLE", "RELEASING"]);
const GONE_CODES = ["INVALID_INSTANCE_NOT_FOUND", "OPERATION_FAILED_RESOURCE_NOT_FOUND", "OPERATION_DENIED_INSTANCE_RECYCLED"];
/** Consecutive CreateInstances with an unknown outcome and no instance to show for it before giving up. */
const MAX_UNKNOWN_OUTCOMES = 3;
/** Per-instance calls (TerminateInstance, ModifyResourceTags) in flight at once. */
const CALL_CONCURRENCY = 10;
/** ReleaseInstances answers for an instance already on its way out (a retry after a lost answer finds it RELEASING). */
const RELEASED_CODES = ["INVALID_INSTANCE_NOT_FOUND", "OPERATION_DENIED_INSTANCE_NOT_RECYCLED"];
/** Statuses of an instance a StartInstances took effect for (a retry after a lost answer finds it so). */
const STARTED = new Set(["BOOTING", "RUNNING"]);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The members of a set while an operation runs: kept current so a failure can report them. */
class Members {
  private readonly byId = new Map<string, InstanceRecord>();
  readonly orderNumbers: string[];
  /** A CreateInstances had an unknown outcome: instances may exist that no member stands for yet. */
  mayHaveMore = false;

  constructor(orderNumbers: readonly string[] = []) {
    this.orderNumbers = [...orderNumbers];
  }
  get ids(): string[] {
    return [...this.byId.keys()];
  }
  get size(): number {
    return this.byId.size;
  }
  has(id: string): boolean {
    return this.byId.has(id);
  }
  add(record: InstanceRecord): void {
    this.byId.set(record.instanceId, record);
  }
  /** Makes `records` the members, in their order. */
  reset(records: readonly InstanceRecord[]): void {
    this.byId.clear();
    for (const record of records) this.add(record);
  }
  setStatus(id: string, status: string): void {
    const record = this.byId.get(id);
    if (record) record.status = status;
  }
  addCreated(ids: readonly string[], zoneId: string): void {
    for (const instanceId of ids) {
      if (!this.byId.has(instanceId)) this.add(placeholder(instanceId, zoneId));
    }
  }
  rename(ids: Iterable<string>, instanceName: string): void {
    for (const id of ids) {
      const record = this.byId.get(id);
      if (record) record.instanceName = instanceName;
    }
  }
  remove(ids: Iterable<string>): void {
    for (const id of ids) this.byId.delete(id);
  }
  records(): InstanceRecord[] {
    return [...this.byId.values()];
  }
}

const placeholder = (instanceId: string, zoneId: string | null): InstanceRecord => ({
  instanceId,
  instanceName: null,
  status: "PENDING",
  zoneId,
  publicIpAddresses: [],
  privateIpAddresses: [],
  publicIpv6Addresses: [],
  createTime: null,
});

/** Creation order: createTime, then id (ids are assigned in order). */
const byCreation = (a: InstanceInfo, b: InstanceInfo) =>
  (a.createTime ?? "").localeCompare(b.createTime ?? "") || a.instanceId.localeCompare(b.instanceId);

export class InstanceSetOperations {
  constructor(private readonly ctx: OperationsContext) {}

  private get client() {
    return this.ctx.client;
  }

  private readonly readStatuses = (ids: readonly string[]) => this.client.describeStatusesByIds(ids);

  // ---- create / update -------------------------------------------------------------------

  async create(inputs: InstanceSetInputs & Record<string, unknown>): Promise<{ id: string; outs: Record<string, unknown> }> {
    const setKey = requireSetKey(inputs);
    const members = new Members();
    // Recorded even with no member when instances may exist: the next up or destroy finds them by tag.
    const outs = await this.converge(inputs, members, { recorded: [], adopt: inputs.adoptInstanceIds ?? [] }, (reasons) =>
      members.size > 0 || members.mayHaveMore
        ? new PartialFailure(setKey, this.properties(inputs, members), reasons)
        : new Error(reasons.join("; ")),
    );
    return { id: setKey, outs };
  }

  async update(
    id: string,
    olds: StoredOutputs,
    news: InstanceSetInputs & Record<string, unknown>,
  ): Promise<{ outs: Record<string, unknown> }> {
    const members = new Members(olds.orderNumbers ?? []);
    // What state recorded stands until the set is found again: a failure before then must not
    // write an emptier set into state.
    members.reset(olds.instances ?? (olds.instanceIds ?? []).map((instanceId) => placeholder(instanceId, olds.zoneId ?? null)));
    const retiredTagKeys = Object.keys(olds.tags ?? {}).filter((key) => !Object.hasOwn(news.tags ?? {}, key));
    const outs = await this.converge(
      news,
      members,
      { recorded: olds.instanceIds ?? [], adopt: [], retiredTagKeys },
      // Failed before every instance was retagged: keep the old tags in state (none, if there were
      // none), so that the next update still sees the change and knows which keys to delete.
      (reasons, retagged) =>
        new PartialFailure(id, this.properties(retagged ? news : { ...news, tags: olds.tags }, members), reasons),
    );
    return { outs };
  }

  private properties(inputs: Record<string, unknown>, members: Members): Record<string, unknown> {
    const { instanceCount } = inputs as InstanceSetInputs;
    return plainJson({ ...inputs, ...stateOf(requireSetKey(inputs), instanceCount, members.records(), members.orderNumbers) });
  }

  private async converge(
    inputs: InstanceSetInputs & Record<string, unknown>,
    members: Members,
    /** Ids in state, ids to adopt, and tag keys the previous inputs had and these do not. */
    known: { recorded: readonly string[]; adopt: readonly string[]; retiredTagKeys?: readonly string[] },
    /** The error to raise; `retagged`: whether the existing members' tags were brought to the inputs'. */
    failure: (reasons: string[], retagged: boolean) => Error,
  ): Promise<Record<string, unknown>> {
    const setKey = requireSetKey(inputs);
    const label = labelOf(inputs);
    const { adopt } = known;
    let retagged = false;
    try {
      const { alive, failed, recycled } = await this.discover(setKey, known.recorded, adopt);
      members.reset(alive.map(recordOf));
      if (adopt.length > 0) {
        const missing = adopt.filter((id) => !members.has(id));
        if (missing.length > 0)
          throw new Error(`adoptInstanceIds: ${missing.join(", ")} not found or already in the recycle bin`);
      }
      if (failed.length > 0) {
        this.ctx.log(`${label}: terminating ${failed.length} instance(s) that failed to create: ${failed.join(", ")}`);
        await this.terminateAll(failed, inputs, label);
      }
      // Recorded members left in (or on their way to) the bin by an earlier scale-in that failed or was
      // killed before releasing them, or terminated out of band. Only recorded ones: instances of an
      // earlier life of the resource under the same key may be in the bin on purpose.
      const leftInBin = recycled.filter((id) => known.recorded.includes(id));
      if (inputs.forceDelete && leftInBin.length > 0) {
        this.ctx.log(`${label}: releasing ${leftInBin.length} instance(s) left in the recycle bin: ${leftInBin.join(", ")}`);
        await this.terminateAll(leftInBin, inputs, label);
      }

      const surplus = members.size - inputs.instanceCount;
      if (surplus > 0) {
        const victims = members.ids.slice(-surplus); // newest first
        this.ctx.log(`${label}: scaling in by ${surplus}: ${victims.join(", ")}`);
        await this.terminateAll(victims, inputs, label);
        members.remove(victims);
      }
      const kept = alive.filter((info) => members.has(info.instanceId));
      await this.retag(inputs, kept, known.retiredTagKeys ?? [], label);
      retagged = true;
      if (members.size < inputs.instanceCount) await this.createMissing(inputs, members, label);

      const stopping = members.records().filter((m) => m.status === "STOPPING");
      if (stopping.length > 0) {
        // The API starts only STOPPED instances: let those on their way down get there first.
        const ids = stopping.map((m) => m.instanceId);
        const { statuses, notReady } = await waitForStatuses(
          this.readStatuses,
          ids,
          untilStopped,
          this.waitOptions(inputs, label, "stopped"),
        );
        if (notReady.length > 0) {
          throw new Error(
            `${notReady.length} instance(s) still STOPPING after ${inputs.readyTimeoutSeconds}s: ${notReady.join(", ")}`,
          );
        }
        for (const [id, status] of statuses) if (status !== undefined) members.setStatus(id, status);
      }
      const stopped = members.records().filter((m) => m.status === "STOPPED");
      for (const batch of chunk(
        stopped.map((m) => m.instanceId),
        LIMITS.idsPerCall,
      )) {
        await this.start(batch);
      }

      // After the wait every member's record is fresh (from discovery, the tag lookup or the wait's
      // last poll): no describe follows.
      await this.waitRunning(inputs, members, label);
      await this.rename(inputs, members, label);
      return this.properties(inputs, members);
    } catch (error) {
      throw failure([messageOf(error)], retagged);
    }
  }

  /**
   * StartInstances for a batch. A retry after a lost answer (or a timeout) finds instances already
   * booting, which fails the whole batch: then starts what is still STOPPED, and fails only when an
   * instance is neither stopped nor on its way up.
   */
  private async start(batch: readonly string[]): Promise<void> {
    try {
      await this.client.call("StartInstances", { instanceIds: [...batch] });
    } catch (error) {
      if (!isApiError(error, "OPERATION_DENIED_INSTANCE_NOT_STOPPED")) throw error;
      const statuses = await this.readStatuses(batch);
      if (batch.some((id) => statuses.get(id) !== "STOPPED" && !STARTED.has(statuses.get(id) ?? ""))) throw error;
      const still = batch.filter((id) => statuses.get(id) === "STOPPED");
      if (still.length > 0) await this.client.call("StartInstances", { instanceIds: still });
    }
  }

  /** The set's live instances (recorded ids, adopted ids and the set tag), those that failed to create, and those in (or on the way to) the recycle bin. */
  private async discover(setKey: string, recorded: readonly string[], adopt: readonly string[]) {
    const wanted = [...new Set([...recorded, ...adopt])];
    const [byId, tagged] = await Promise.all([
      this.client.describeInstancesByIds(wanted),
      this.client.describeAllInstances({ tags: [{ key: SET_TAG_KEY, value: setKey }] }),
    ]);
    const found = new Map(byId.map((i) => [i.instanceId, i]));
    const ordered = wanted.flatMap((id) => found.get(id) ?? []);
    const extra = tagged.filter((i) => !found.has(i.instanceId)).sort(byCreation);
    const all = [...ordered, ...extra];
    const idsIn = (status: string) => all.filter((i) => i.instanceStatus === status).map((i) => i.instanceId);
    return {
      alive: all.filter((i) => !DEPARTED.has(i.instanceStatus) && i.instanceStatus !== "CREATE_FAILED"),
      failed: idsIn("CREATE_FAILED"),
      recycled: [...idsIn("RECYCLING"), ...idsIn("RECYCLE")],
    };
  }

  private async createMissing(inputs: InstanceSetInputs, members: Members, label: string): Promise<void> {
    const setKey = requireSetKey(inputs);
    let unknownOutcomes = 0;
    while (members.size < inputs.instanceCount) {
      const count = Math.min(LIMITS.instancesPerCreate, inputs.instanceCount - members.size);
      const before = members.size;
      try {
        const res = await this.client.call("CreateInstances", createRequest(inputs, count, members.size));
        if (res.orderNumber) members.orderNumbers.push(res.orderNumber);
        members.addCreated(res.instanceIdSet, inputs.zoneId);
        this.ctx.log(`${label}: CreateInstances created ${res.instanceIdSet.length} (${members.size}/${inputs.instanceCount})`);
      } catch (error) {
        if (!(error instanceof OutcomeUnknownError)) throw error;
        members.mayHaveMore = true;
        // The request may have taken effect: adopt whatever now carries the set tag instead of re-sending.
        this.ctx.log(`${label}: ${error.message}; looking the set up by its tag`);
        const fresh = await this.taggedNewcomers(setKey, members, !error.answered);
        for (const info of fresh) members.add(recordOf(info));
        this.ctx.log(`${label}: found ${fresh.length} instance(s) from that request`);
      }
      unknownOutcomes = members.size === before ? unknownOutcomes + 1 : 0;
      if (unknownOutcomes >= MAX_UNKNOWN_OUTCOMES) {
        throw new Error(`CreateInstances: ${MAX_UNKNOWN_OUTCOMES} requests in a row had an unknown outcome and created nothing`);
      }
    }
  }

  /**
   * Live instances with the set tag that are not members yet. A request the API did not answer may
   * still be acting there: then, until one more request timeout has passed, nothing found is not
   * taken for "nothing created" (re-sending then would create the instances twice). A request it
   * answered (with an error) is done: one look is enough.
   */
  private async taggedNewcomers(setKey: string, members: Members, patient: boolean): Promise<InstanceInfo[]> {
    const deadline = Date.now() + (patient ? this.client.settings.requestTimeoutMs : 0);
    for (;;) {
      const tagged = await this.client.describeAllInstances({ tags: [{ key: SET_TAG_KEY, value: setKey }] });
      const fresh = tagged.filter((i) => !members.has(i.instanceId) && !DEPARTED.has(i.instanceStatus)).sort(byCreation);
      if (fresh.length > 0 || Date.now() >= deadline) return fresh;
      await sleep(Math.min(1000, deadline - Date.now()));
    }
  }

  private waitOptions(inputs: InstanceSetInputs, label: string, target: string): WaitOptions {
    return {
      label,
      target,
      timeoutMs: inputs.readyTimeoutSeconds * 1000,
      maxIntervalMs: inputs.pollIntervalSeconds * 1000,
      log: this.ctx.log,
    };
  }

  private async waitRunning(inputs: InstanceSetInputs, members: Members, label: string): Promise<void> {
    const waiting = members.records().filter((m) => m.status !== "RUNNING");
    if (waiting.length === 0) return;
    // Polls with DescribeInstances rather than the lighter status call: the round that sees the
    // last instance RUNNING also brings its addresses, which saves a describe per 100 afterwards.
    const readAndRecord = async (ids: readonly string[]) => {
      const infos = await this.client.describeInstancesByIds(ids);
      for (const info of infos) members.add(recordOf(info));
      return new Map(infos.map((i) => [i.instanceId, i.instanceStatus]));
    };
    const result = await waitForStatuses(
      readAndRecord,
      waiting.map((m) => m.instanceId),
      untilRunning,
      this.waitOptions(inputs, label, "RUNNING"),
    );
    const reasons: string[] = [];
    const failed = result.failed.map((id) => `${id} (${result.statuses.get(id) ?? "vanished"})`);
    if (failed.length > 0) reasons.push(`${failed.length} instance(s) did not reach RUNNING: ${failed.join(", ")}`);
    if (result.notReady.length > 0) {
      reasons.push(
        `${result.notReady.length} of ${members.size} instance(s) not RUNNING after ${inputs.readyTimeoutSeconds}s ` +
          `(readyTimeoutSeconds): ${result.notReady.slice(0, 10).join(", ")}${result.notReady.length > 10 ? ", …" : ""}; ` +
          "run `pulumi up` again to keep waiting",
      );
    }
    if (reasons.length > 0) throw new Error(reasons.join("; "));
  }

  /**
   * Brings existing members' tags to the inputs' (new instances get them at creation): sets missing
   * or different values, the set tag included, and removes the keys the inputs no longer have.
   * Tags other tools put on the instances are left alone.
   */
  private async retag(
    inputs: InstanceSetInputs,
    infos: readonly InstanceInfo[],
    retiredTagKeys: readonly string[],
    label: string,
  ): Promise<void> {
    const wanted = tagsOf(inputs);
    const changes = infos.flatMap((info) => {
      const current = new Map((info.tags?.tags ?? []).map((t) => [t.key, t.value]));
      const replaceTags = wanted.filter((t) => current.get(t.key) !== t.value);
      const deleteTagKeys = retiredTagKeys.filter((key) => current.has(key));
      if (replaceTags.length === 0 && deleteTagKeys.length === 0) return [];
      return [
        {
          resourceUuid: info.instanceId,
          ...(replaceTags.length > 0 ? { replaceTags } : {}),
          ...(deleteTagKeys.length > 0 ? { deleteTagKeys } : {}),
        },
      ];
    });
    if (changes.length === 0) return;
    this.ctx.log(`${label}: updating the tags of ${changes.length} instance(s)`);
    await inParallel(changes, CALL_CONCURRENCY, (change) => this.client.call("ModifyResourceTags", change));
  }

  /** Renames members whose name differs from the pattern's name for their position. */
  private async rename(inputs: InstanceSetInputs, members: Members, label: string): Promise<void> {
    const pattern = inputs.instanceName;
    if (pattern === undefined) return;
    const byName = new Map<string, string[]>();
    members.records().forEach((m, index) => {
      const expected = expandInstanceName(pattern, index);
      if (m.instanceName !== expected) byName.set(expected, [...(byName.get(expected) ?? []), m.instanceId]);
    });
    if (byName.size === 0) return;
    this.ctx.log(`${label}: renaming ${[...byName.values()].flat().length} instance(s)`);
    await Promise.all(
      [...byName].flatMap(([instanceName, ids]) =>
        chunk(ids, LIMITS.idsPerCall).map(async (batch) => {
          await this.client.call("ModifyInstancesAttribute", { instanceIds: batch, instanceName });
          members.rename(batch, instanceName);
        }),
      ),
    );
  }

  // ---- delete ----------------------------------------------------------------------------

  async delete(id: string, props: StoredOutputs): Promise<void> {
    const label = labelOf(props);
    const recorded = props.instanceIds ?? [];
    const setKey = props.setKey ?? id;
    const tagged = await this.client.describeAllInstances({ tags: [{ key: SET_TAG_KEY, value: setKey }] });
    const ids = [...new Set([...recorded, ...tagged.map((i) => i.instanceId)])];
    const options = {
      readyTimeoutSeconds: props.readyTimeoutSeconds ?? 1200,
      pollIntervalSeconds: props.pollIntervalSeconds ?? 10,
      forceDelete: props.forceDelete ?? false,
    };
    if (ids.length === 0) return;
    this.ctx.log(`${label}: terminating ${ids.length} instance(s)`);
    await this.terminateAll(ids, options, label);
  }

  /**
   * TerminateInstance for each id (bounded concurrency), waits for the recycle bin, then releases
   * when forceDelete is set. Already recycled or missing instances count as done.
   */
  private async terminateAll(
    ids: readonly string[],
    options: Pick<InstanceSetInputs, "readyTimeoutSeconds" | "pollIntervalSeconds" | "forceDelete">,
    label: string,
  ): Promise<void> {
    const waitOptions = (target: string) => this.waitOptions(options as InstanceSetInputs, label, target);
    const statuses = await this.client.describeStatusesByIds(ids);
    const creating = ids.filter((id) => untilCreated(statuses.get(id), 0) === "pending");
    if (creating.length > 0) {
      // The API refuses to terminate an instance that is still being created.
      this.ctx.log(`${label}: waiting for ${creating.length} instance(s) to finish creating before terminating them`);
      await waitForStatuses(this.readStatuses, creating, untilCreated, waitOptions("created"));
    }
    const errors: string[] = [];
    const live = ids.filter((id) => statuses.get(id) !== undefined && !DEPARTED.has(statuses.get(id)!));
    await inParallel(live, CALL_CONCURRENCY, async (id) => {
      try {
        await this.client.call("TerminateInstance", { instanceId: id });
      } catch (error) {
        if (!isApiError(error, ...GONE_CODES)) errors.push(`${id}: ${messageOf(error)}`);
      }
    });
    if (errors.length > 0) throw new Error(`TerminateInstance failed for ${errors.length} instance(s): ${errors.join("; ")}`);

    const recycled = await waitForStatuses(this.readStatuses, ids, untilRecycled, waitOptions("in the recycle bin"));
    if (recycled.notReady.length > 0) {
      throw new Error(`${recycled.notReady.length} instance(s) not in the recycle bin in time: ${recycled.notReady.join(", ")}`);
    }
    if (!options.forceDelete) return;
    const inBin = ids.filter((id) => recycled.statuses.get(id) === "RECYCLE");
    for (const batch of chunk(inBin, LIMITS.idsPerCall)) {
      try {
        await this.client.call("ReleaseInstances", { instanceIds: batch });
      } catch (error) {
        // One id already gone or releasing fails the whole batch: release the rest one by one (the wait
        // below confirms every one disappears).
        if (!isApiError(error, ...RELEASED_CODES)) throw error;
        for (const instanceId of batch) {
          await this.client
            .call("ReleaseInstances", { instanceIds: [instanceId] })
            .catch((e) => (isApiError(e, ...RELEASED_CODES) ? undefined : Promise.reject(e)));
        }
      }
    }
    const gone = await waitForStatuses(this.readStatuses, inBin, untilGone, waitOptions("released"));
    if (gone.notReady.length > 0)
      throw new Error(`${gone.notReady.length} instance(s) not released in time: ${gone.notReady.join(", ")}`);
  }

  // ---- read ------------------------------------------------------------------------------

  /** Refresh: the set's live members now; `undefined` when none remain. */
  async read(id: string, props: StoredOutputs): Promise<Record<string, unknown> | undefined> {
    const setKey = props.setKey ?? id;
    const { alive, failed } = await this.discover(setKey, props.instanceIds ?? [], []);
    // Instances that failed to create still exist: keep the set (the next up removes them).
    if (alive.length === 0 && failed.length === 0) return undefined;
    const members = alive.map(recordOf);
    return { ...props, ...stateOf(setKey, props.instanceCount ?? members.length, members, props.orderNumbers ?? []) };
  }
}

function requireSetKey(inputs: Partial<InstanceSetInputs>): string {
  if (!inputs.setKey) throw new Error("setKey is missing: the inputs did not pass through check");
  return inputs.setKey;
}

const labelOf = (inputs: Partial<InstanceSetInputs>) => inputs.setName?.split("/").pop() ?? inputs.setKey ?? "instance set";

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Outputs as plain JSON: an `undefined` anywhere makes the provider host fail to encode the answer
 * (for a partial failure it then never answers at all), so keys holding one are dropped.
 */
const plainJson = (value: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(value));

/** The CreateInstances request for `count` more instances, numbered on from `offset`. */
export function createRequest(inputs: InstanceSetInputs, count: number, offset: number): CreateInstancesRequest {
  const request: Record<string, unknown> = {};
  for (const field of REPLACE_FIELDS) {
    if (inputs[field] !== undefined) request[field] = inputs[field];
  }
  if (inputs.instanceName !== undefined) request.instanceName = offsetInstanceName(inputs.instanceName, offset);
  request.instanceCount = count;
  request.tags = { tags: tagsOf(inputs) };
  return request as CreateInstancesRequest;
}

/** Every instance's tags: the inputs' and the set tag. */
const tagsOf = (inputs: InstanceSetInputs): Tag[] => [
  ...Object.entries(inputs.tags ?? {}).map(([key, value]) => ({ key, value })),
  { key: SET_TAG_KEY, value: requireSetKey(inputs) },
];

/** `work` for every item, at most `concurrency` at a time. */
async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
