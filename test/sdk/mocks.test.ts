// A program using InstanceSet under pulumi.runtime.setMocks: the mock runs the serialized provider
// the resource put into `__provider` (check + create against the emulator), so the outputs the
// program sees are the provider's real outputs, typed by the class's declarations.
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { type InstanceRecord, InstanceSet } from "../../sdk";

let emu: RunningEmulator;
const registered: Array<{ type: string; inputs: Record<string, unknown> }> = [];

beforeAll(async () => {
  emu = await startEmulator({ port: 0, deploySeconds: 0.2 });
  const config: Record<string, string> = {
    "zenlayer:accessKeyId": emu.accessKeyId,
    "zenlayer:accessKeyPassword": emu.accessKeyPassword,
    "zenlayer:domain": emu.domain,
    "zenlayer:scheme": "HTTP",
  };
  await pulumi.runtime.setMocks(
    {
      async newResource(args) {
        if (args.inputs.__provider === undefined) return { id: `${args.name}-id`, state: {} }; // a component
        registered.push({ type: args.type, inputs: args.inputs });
        const provider = require("require-from-string")(args.inputs.__provider).handler();
        await provider.configure({ config: { get: (k: string) => config[k] } });
        const checked = await provider.check({}, args.inputs);
        if (checked.failures) throw new Error(JSON.stringify(checked.failures));
        const { id, outs } = await provider.create(checked.inputs);
        return { id, state: outs };
      },
      call: () => ({}),
    },
    "mockproj",
    "mockstack",
    false,
  );
});
afterAll(async () => emu?.close());

const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

describe("InstanceSet in a program", () => {
  it("has typed, defined outputs and passes its identity and inputs to the provider", async () => {
    const web = new InstanceSet("web", {
      zoneId: "SEL-A",
      instanceType: "c.1c2g",
      imageId: pulumi.output("img-yKK4q6XybymPgfx7ynUUqC3N8"),
      instanceCount: 2,
      instanceName: "web-[1,2]",
      tags: { team: "edge" },
    });
    // Types: these assignments are checked by `tsc` in npm test.
    const ids: pulumi.Output<string[]> = web.instanceIds;
    const instances: pulumi.Output<InstanceRecord[]> = web.instances;
    const status: pulumi.Output<"RUNNING" | "INCOMPLETE"> = web.status;

    expect(await value(ids)).toHaveLength(2);
    expect((await value(instances)).map((i) => i.instanceName)).toEqual(["web-01", "web-02"]);
    expect(await value(status)).toBe("RUNNING");
    expect(await value(web.publicIpAddresses)).toHaveLength(2);
    expect(await value(web.setKey)).toMatch(/^web-[0-9a-f]{16}$/);
    expect(await value(web.instanceCount)).toBe(2);

    const [resource] = registered;
    expect(resource!.type).toBe("pulumi-nodejs:dynamic/zenlayer:InstanceSet");
    expect(resource!.inputs.setName).toBe("organization/mockproj/mockstack/web");
    expect(typeof resource!.inputs.__provider).toBe("string");
    expect(resource!.inputs).not.toHaveProperty("instanceIds"); // seeded outputs are not sent as inputs
  });

  it("gives same-named sets under different parents identities and instances of their own", async () => {
    class Web extends pulumi.ComponentResource {
      constructor(name: string) {
        super("test:index:Web", name);
      }
    }
    class Api extends pulumi.ComponentResource {
      constructor(name: string) {
        super("test:index:Api", name);
      }
    }
    const args = { zoneId: "SEL-A", instanceType: "c.1c2g", imageId: "img-yKK4q6XybymPgfx7ynUUqC3N8", instanceCount: 1 };
    const a = new InstanceSet("vms", args, { parent: new Web("a") });
    const b = new InstanceSet("vms", args, { parent: new Api("b") });
    const [keyA, keyB] = [await value(a.setKey), await value(b.setKey)];
    expect(keyA).toMatch(/^vms-[0-9a-f]{16}$/);
    expect(keyB).not.toBe(keyA);
    const [idsA, idsB] = [await value(a.instanceIds), await value(b.instanceIds)];
    expect(idsA.filter((id) => idsB.includes(id))).toEqual([]);
  });
});
