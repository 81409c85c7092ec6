// The client against malformed answers: bodies that are not JSON, JSON of any shape, envelopes with
// fields missing or of the wrong type, at any status. Every call ends in a valid response or a typed
// error (ResponseFormatError, ZenlayerApiError, OutcomeUnknownError) that names the action — and
// for a malformed response, the field — never in a TypeError from deep inside.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZenlayerClient } from "../../provider/api/client";
import { OutcomeUnknownError, ResponseFormatError, ZenlayerApiError } from "../../provider/api/errors";
import { ACTIONS, type ActionName } from "../../provider/api/schemas";
import { type Answer, type ScriptedApi, startScriptedApi } from "../support/scriptedApi";
import { expectNoSecretExposed, expose, SECRETS } from "./exposure";

/** Each action with a request and a well-formed response to corrupt. */
const CASES: Array<{ action: ActionName; params: Record<string, unknown>; response: Record<string, unknown> }> = [
  {
    action: "DescribeInstances",
    params: { instanceIds: ["i-1"] },
    response: {
      totalCount: 1,
      dataSet: [{ instanceId: "i-1", instanceStatus: "RUNNING", zoneId: "SEL-A", publicIpAddresses: ["100.64.0.1"] }],
    },
  },
  {
    action: "DescribeInstancesStatus",
    params: { instanceIds: ["i-1"] },
    response: { totalCount: 1, dataSet: [{ instanceId: "i-1", instanceStatus: "RUNNING" }] },
  },
  {
    action: "CreateInstances",
    params: {
      zoneId: "SEL-A",
      imageId: "img-1",
      instanceType: "c.1c2g",
      instanceChargeType: "POSTPAID",
      internetChargeType: "ByBandwidth",
      password: SECRETS.instancePassword,
    },
    response: { instanceIdSet: ["i-1", "i-2"], orderNumber: "o-1" },
  },
  { action: "TerminateInstance", params: { instanceId: "i-1" }, response: {} },
  { action: "DescribeZones", params: {}, response: { zoneSet: [{ zoneId: "SEL-A", zoneName: "Seoul A" }] } },
];

let api: ScriptedApi;
let next: Answer;
let runs = 0;

beforeAll(async () => {
  api = await startScriptedApi(() => next);
});
afterAll(async () => {
  await api.close();
  expectNoSecretExposed();
});

/** Every path into a JSON value (object keys and array indices), the value itself first. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const inner =
    value && typeof value === "object"
      ? Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, Array.isArray(value) ? Number(k) : k]))
      : [];
  return [prefix, ...inner];
}

/** A copy of `value` with the thing at `path` replaced (or removed, for `undefined`). */
function replaced(value: unknown, path: Array<string | number>, by: unknown): unknown {
  if (path.length === 0) return by;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  if (by === undefined) delete at[path.at(-1)!];
  else at[path.at(-1)!] = by;
  return copy;
}

const STATUSES = [200, 200, 200, 400, 403, 404, 500, 503];

/** An answer: garbage text, truncated JSON, any JSON, or a success/error envelope with one part corrupted. */
const answerFor = (response: Record<string, unknown>): fc.Arbitrary<Answer> => {
  const envelope = { requestId: "T-1", response: { requestId: "T-1", ...response } };
  const error = { requestId: "T-2", code: "INVALID_PARAMETER_VALUE", message: "bad" };
  const corrupt = (shape: Record<string, unknown>) =>
    fc
      .tuple(fc.constantFrom(...pathsOf(shape)), fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 })))
      .map(([path, by]) => replaced(shape, path, by));
  return fc.oneof(
    fc.record({ status: fc.constantFrom(...STATUSES), text: fc.string({ unit: "binary", maxLength: 200 }) }),
    fc.record({
      status: fc.constantFrom(...STATUSES),
      text: fc.nat({ max: JSON.stringify(envelope).length - 1 }).map((n) => JSON.stringify(envelope).slice(0, n)),
    }),
    fc.record({ status: fc.constantFrom(...STATUSES), json: fc.jsonValue() }),
    fc.record({ status: fc.constant(200), json: corrupt(envelope) }),
    fc.record({ status: fc.constantFrom(400, 404, 500, 503), json: corrupt(error) }),
  );
};

describe("client response parsing", () => {
  for (const { action, params, response } of CASES) {
    it(`${action}: a valid response or a typed error naming the action`, async () => {
      await fc.assert(
        fc.asyncProperty(answerFor(response), async (answer) => {
          next = answer;
          // A key of its own per run: no run inherits another's throttling pause.
          const client = new ZenlayerClient({
            accessKeyId: `ZLPROP${runs++}`,
            accessKeyPassword: SECRETS.accessKeyPassword,
            domain: api.domain,
            scheme: "HTTP",
            env: {},
            maxRetries: 0,
            backoff: { baseMs: 1, capMs: 1 },
          });
          const outcome = await client.call(action, params as never).then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          );
          if ("value" in outcome) {
            expect(ACTIONS[action].response.safeParse(outcome.value).success).toBe(true);
            return;
          }
          const { error } = outcome;
          expect(error).not.toBeInstanceOf(TypeError);
          expect([ResponseFormatError, ZenlayerApiError, OutcomeUnknownError].some((type) => error instanceof type)).toBe(true);
          const message = (error as Error).message;
          expose(`${action} error message`, message);
          expect(message).toContain(action);
          if (error instanceof ResponseFormatError && message.includes("field ")) expect(message).toMatch(/field response(\.|:)/);
        }),
        { numRuns: 150 },
      );
    });
  }

  it("names the exact field of a malformed response", async () => {
    next = { status: 200, json: { requestId: "T", response: { totalCount: 1, dataSet: [{ instanceId: 7 }] } } };
    const client = new ZenlayerClient({
      accessKeyId: "ZLPROPFIELD",
      accessKeyPassword: SECRETS.accessKeyPassword,
      domain: api.domain,
      scheme: "HTTP",
      env: {},
    });
    const error = await client.call("DescribeInstancesStatus", { instanceIds: ["i-1"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect((error as Error).message).toContain("DescribeInstancesStatus");
    expect((error as Error).message).toContain("response.dataSet.0.instanceId");
  });
});
