// check against random and hostile inputs: whatever the program passes — wrong types, huge counts,
// over-long names and scripts, unicode, `__proto__` and `constructor` keys — check answers with
// failures naming the field. It never throws and never calls the API (the runtime points at a
// recording server that must see no request).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InstanceSetRuntime } from "../../provider/runtime";
import { fail, type ScriptedApi, startScriptedApi } from "../support/scriptedApi";
import { expectNoSecretExposed, expose, SECRETS } from "./exposure";

let api: ScriptedApi;
let runtime: InstanceSetRuntime;

beforeAll(async () => {
  api = await startScriptedApi(() => fail(500, "INTERNAL_SERVER_ERROR"));
  runtime = new InstanceSetRuntime((line) => expose("runtime log", line));
  const config: Record<string, string> = {
    "zenlayer:accessKeyId": "ZLCHECKKEY",
    "zenlayer:accessKeyPassword": SECRETS.accessKeyPassword,
    "zenlayer:domain": api.domain,
    "zenlayer:scheme": "HTTP",
  };
  runtime.configure({ get: (key) => config[key] });
});
afterAll(async () => {
  await api.close();
  expectNoSecretExposed();
});

const VALID = {
  zoneId: "SEL-A",
  instanceType: "c.1c2g",
  imageId: "img-yKK4q6XybymPgfx7ynUUqC3N8",
  instanceCount: 3,
  instanceName: "web-[1,2]",
  password: SECRETS.instancePassword,
  setName: "proj/dev/web",
};

/** Runs check as the host does: it must answer, with failures, and without a request to the API. */
async function checkOf(news: unknown, olds: unknown = {}) {
  const before = api.requests.length;
  const result = await runtime.check(olds, news);
  expose("check failures", result.failures);
  expect(api.requests.length - before, "check called the API").toBe(0);
  expect(result.failures?.length, `check accepted ${JSON.stringify(news)?.slice(0, 200)}`).toBeGreaterThan(0);
  for (const f of result.failures!) {
    expect(typeof f.property).toBe("string");
    expect(typeof f.reason).toBe("string");
    expect(f.reason.length).toBeGreaterThan(0);
  }
  return result.failures!;
}

// ---- hostile values, each invalid for its field -----------------------------------------------

const wrongType = (...but: Array<"string" | "number" | "boolean" | "object" | "array" | "null">) =>
  fc.oneof(
    ...[
      but.includes("string") ? null : fc.string(),
      but.includes("number") ? null : fc.double(),
      but.includes("boolean") ? null : fc.boolean(),
      but.includes("object") ? null : fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      but.includes("array") ? null : fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
      but.includes("null") ? null : fc.constant(null),
    ].filter((a) => a !== null),
  );

const unicode = (minLength: number, maxLength: number) => fc.string({ unit: "binary", minLength, maxLength });
const nonAscii = fc.string({ unit: "binary", minLength: 1, maxLength: 20 }).filter((s) => /[^\x20-\x7e]/.test(s));
const tooLong = (limit: number) => fc.string({ unit: "grapheme-ascii", minLength: limit + 1, maxLength: limit + 200 });
const hugeNumber = fc.oneof(
  fc.integer({ min: 1001, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(1e308, Number.MAX_VALUE, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, -0, 0, -1),
  fc.double({ min: 1.0001, max: 999.999, noInteger: true }),
);

/** [field, hostile value]: the field a failure must name, and what is put there. */
const HOSTILE: Record<string, fc.Arbitrary<unknown>> = {
  instanceCount: fc.oneof(hugeNumber, wrongType("number"), fc.constantFrom("3", "1e3", "")),
  zoneId: fc.oneof(wrongType("string"), fc.constant("")),
  imageId: fc.oneof(wrongType("string"), fc.constant("")),
  setName: fc.oneof(wrongType("string"), fc.constant("")),
  instanceName: fc.oneof(tooLong(64), nonAscii, wrongType("string"), fc.constant("web-[1,9]"), fc.constant("")),
  initScript: fc.oneof(
    tooLong(32 * 1024),
    fc.constantFrom("é".repeat(16_385), "🙂".repeat(8_193), "\u0000".repeat(40_000)),
    wrongType("string"),
  ),
  password: fc.oneof(
    unicode(0, 7),
    tooLong(16),
    nonAscii,
    fc.constantFrom("alllowercase1!", "NoSpecial123"),
    wrongType("string"),
  ),
  tags: fc.oneof(
    wrongType("object"),
    fc.dictionary(tooLong(64), fc.string({ minLength: 1, maxLength: 5 }), { minKeys: 1, maxKeys: 3 }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tooLong(64), { minKeys: 1, maxKeys: 3 }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), wrongType("string"), { minKeys: 1, maxKeys: 3 }),
    fc.constant({ "pulumi-instance-set": "someone-elses-set" }),
    fc.constant(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, "v"]))),
  ),
  readyTimeoutSeconds: fc.oneof(
    hugeNumber.filter((n) => !(n >= 1 && n <= 86_400)),
    wrongType("number"),
  ),
  pollIntervalSeconds: fc.oneof(fc.constantFrom(0, 0.5, 301, -5, Number.NaN), wrongType("number")),
  forceDelete: wrongType("boolean"),
  catalogCheck: fc.oneof(fc.constantFrom("false", "true", 0, 1), wrongType("boolean")),
  instanceChargeType: fc.oneof(fc.constantFrom("postpaid", "PREPAID ", "FREE", "__proto__", "constructor"), wrongType("string")),
  nic: fc.oneof(
    fc.record({ wanName: fc.oneof(nonAscii, tooLong(15), fc.constantFrom("Eth0", "0eth", "e")) }),
    wrongType("object"),
  ),
  dataDisks: fc.oneof(
    fc.array(
      fc.record({
        diskSize: fc.oneof(
          hugeNumber.filter((n) => !Number.isInteger(n) || n < 1),
          wrongType("number"),
        ),
      }),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
    wrongType("array"),
  ),
  systemDisk: fc.oneof(fc.record({ diskSize: fc.constantFrom(0, -20, 1.5, "20") }), wrongType("object")),
  adoptInstanceIds: fc.oneof(fc.array(wrongType("string"), { minLength: 1, maxLength: 3 }), wrongType("array")),
};

/** Problems between fields: reported once every field is well-formed on its own. */
const CROSS_FIELD: Array<[string, Record<string, unknown>]> = [
  ["dataDisks", { dataDisks: Array.from({ length: 11 }, () => ({ diskSize: 20 })) }],
  [
    "dataDisks",
    {
      dataDisks: [
        { diskSize: 20, diskAmount: 6 },
        { diskSize: 20, diskAmount: 5 },
      ],
    },
  ],
  ["adoptInstanceIds", { adoptInstanceIds: ["i-1", "i-1"] }],
  ["adoptInstanceIds", { adoptInstanceIds: ["i-1", "i-2", "i-3", "i-4"] }],
  ["password", { keyId: "key-1" }],
  ["instanceChargePrepaid", { instanceChargeType: "PREPAID" }],
  ["instanceChargePrepaid", { instanceChargePrepaid: { period: 1 } }],
  ["trafficPackageSize", { trafficPackageSize: 2 }],
  ["startCidrIpv4", { startCidrIpv4: "100.64.0.1" }],
];

const FIELDS = Object.keys(HOSTILE);
const hostileField = fc.constantFrom(...FIELDS).chain((field) => HOSTILE[field]!.map((value) => [field, value] as const));

/** Keys that trip naive object handling, added with random values (own keys, as JSON.parse makes them). */
const trickyKeys = fc.dictionary(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 3 },
);

/** An object with these own properties, `__proto__` included (as JSON.parse makes them). */
function withOwnKeys(...sources: Array<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of sources.flatMap((source) => Object.entries(source))) {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const named = (failures: Array<{ property: string }>, field: string) =>
  failures.some((f) => f.property === field || f.property.startsWith(`${field}.`));

describe("check with hostile inputs", () => {
  it("names the hostile field, with or without tricky keys around it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileField, { minLength: 1, maxLength: 3 }), trickyKeys, async (hostile, tricky) => {
        const news = withOwnKeys(tricky, VALID, Object.fromEntries(hostile));
        const failures = await checkOf(news);
        for (const [field] of hostile)
          expect(named(failures, field), `${field} not named in ${JSON.stringify(failures)}`).toBe(true);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });

  it("names the field of a rule between fields", async () => {
    for (const [field, change] of CROSS_FIELD) {
      const failures = await checkOf({ ...VALID, ...change });
      expect(named(failures, field), `${field} not named in ${JSON.stringify(failures)}`).toBe(true);
    }
  });

  it("answers anything at all — any JSON value, with any olds — with failures, never an exception", async () => {
    const anything = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(undefined, Number.NaN, "", [], {}),
      fc.dictionary(fc.constantFrom(...FIELDS, "__proto__", "constructor"), fc.jsonValue({ maxDepth: 3 })),
    );
    await fc.assert(
      fc.asyncProperty(anything, anything, async (news, olds) => {
        await checkOf(news, olds);
      }),
      { numRuns: 400 },
    );
  });

  it("keeps a rejected password out of its failure", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", minLength: 2, maxLength: 40 }), async (random) => {
        const password = `Zq${random}`; // a prefix no failure text contains, so a match means an echo
        const failures = await checkOf({ ...VALID, password, instanceCount: 0 });
        expect(JSON.stringify(failures)).not.toContain(JSON.stringify(password).slice(1, -1));
      }),
      { numRuns: 200 },
    );
  });

  it("does not take inputs from a `__proto__` key, and pollutes no prototype", async () => {
    const failures = await checkOf(JSON.parse(`{"__proto__": ${JSON.stringify({ ...VALID, polluted: true })}}`));
    expect(failures.map((f) => f.property)).toEqual(expect.arrayContaining(["zoneId", "instanceCount", "setName"]));
    const nested = await checkOf({ ...VALID, instanceCount: -1, tags: JSON.parse('{"__proto__": {"polluted": "yes"}}') });
    expect(nested.map((f) => f.property)).toContain("instanceCount");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
