// The implementation behind the serialized provider: the thin methods stored in state load this
// module at run time, so `destroy` and `refresh` always run the installed code.
import { ZenlayerClient } from "./api/client";
import { InvalidSettingError, MissingCredentialsError } from "./api/errors";
import { scrub } from "./api/redaction";
import { type ClientSettingsInput, ENV, resolveSettings } from "./api/settings";
import { catalogProblems } from "./catalog";
import { checkInstanceSet } from "./instanceSet/check";
import { diffInstanceSet } from "./instanceSet/diff";
import { type InstanceSetInputs, UNKNOWN, validateInputs } from "./instanceSet/inputs";
import { InstanceSetOperations, PartialFailure } from "./instanceSet/operations";
import { StoredState, type StoredOutputs } from "./instanceSet/outputs";

/** The part of `pulumi.dynamic.Config` the provider uses. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/** Stack config keys (namespace `zenlayer`) and the client setting each one sets. */
const CONFIG_KEYS = {
  accessKeyId: "string",
  accessKeyPassword: "string",
  token: "string",
  domain: "string",
  scheme: "string",
  apiVersion: "string",
  maxRequestsPerSecond: "number",
  requestTimeoutSeconds: "number",
  debug: "boolean",
} as const;

export function settingsFromConfig(config: ConfigSource): ClientSettingsInput {
  const settings: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(CONFIG_KEYS)) {
    const raw = config.get(`zenlayer:${key}`)?.trim();
    if (raw === undefined || raw === "") continue;
    if (kind === "number") {
      const n = Number(raw);
      if (!Number.isFinite(n) || n <= 0) throw new InvalidSettingError(`zenlayer:${key} must be a positive number, got "${raw}"`);
      settings[key] = n;
    } else if (kind === "boolean") settings[key] = raw === "true";
    else settings[key] = raw;
  }
  return settings as ClientSettingsInput;
}

const log = (line: string) => process.stderr.write(`[zenlayer] ${line}\n`);
/** Environment variables that may hold a secret the settings fall back to. */
const SECRET_VARIABLES = [ENV.accessKeyPassword, ENV.token];

/** One runtime per process: `configure` is called once per provider text, before any CRUD call. */
export class InstanceSetRuntime {
  private settings: ClientSettingsInput = {};

  constructor(private readonly logLine: (line: string) => void = log) {}

  /**
   * Reads the stack config. A malformed setting fails here, so that the first `check` (and thus
   * `pulumi preview`) reports it; missing credentials are left to the first call that needs them.
   */
  configure(config: ConfigSource): void {
    this.settings = settingsFromConfig(config);
    try {
      resolveSettings(this.settings, process.env);
    } catch (error) {
      if (error instanceof MissingCredentialsError) return;
      const message = error instanceof Error ? error.message : String(error);
      throw new InvalidSettingError(`Zenlayer settings (stack config zenlayer:*, then ZENLAYERCLOUD_* variables): ${message}`);
    }
  }

  private operations(): InstanceSetOperations {
    const client = new ZenlayerClient({ ...this.settings, env: process.env });
    return new InstanceSetOperations({ client, log: this.logLine });
  }

  /** Runs an operation, keeping every secret the settings hold out of the error it may raise. */
  private async guarded<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const secrets = [
        this.settings.accessKeyPassword,
        this.settings.token,
        ...SECRET_VARIABLES.map((name) => process.env[name]),
      ];
      if (error instanceof PartialFailure) {
        throw new PartialFailure(
          error.id,
          error.properties,
          error.reasons.map((r) => scrub(r, secrets)),
        );
      }
      throw new Error(scrub(error instanceof Error ? error.message : String(error), secrets));
    }
  }

  async check(olds: unknown, news: unknown) {
    const result = checkInstanceSet(olds, news);
    if (result.failures || !result.inputs) return result;
    const problems = await this.catalogProblems(result.inputs);
    return problems.length > 0 ? { failures: problems } : result;
  }

  /** The optional catalogue cross-check: skipped for unknown values, without credentials, or when the API is unreachable. */
  private async catalogProblems(inputs: Record<string, unknown>) {
    const { zoneId, imageId, instanceType, instanceChargeType, catalogCheck } = inputs;
    if (catalogCheck === false) return [];
    const placement = [zoneId, imageId, instanceType, instanceChargeType];
    if (placement.some((v) => typeof v !== "string" || v === UNKNOWN)) return [];
    let client: ZenlayerClient;
    try {
      client = new ZenlayerClient({ ...this.settings, env: process.env, maxRetries: 1 });
    } catch (error) {
      if (error instanceof MissingCredentialsError) return []; // no credentials yet: create reports that clearly
      throw error;
    }
    try {
      return await catalogProblems(client, inputs as Parameters<typeof catalogProblems>[1]);
    } catch (error) {
      this.logLine(`catalog cross-check skipped: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return diffInstanceSet(storedOutputs(olds), news as Partial<InstanceSetInputs>);
  }

  async create(inputs: Record<string, unknown>) {
    return this.guarded(() => this.operations().create(checkedInputs(inputs)));
  }

  async read(id: string, props: Record<string, unknown>) {
    return this.guarded(async () => {
      const outs = await this.operations().read(id, storedOutputs(props));
      if (!outs) return {};
      const validation = validateInputs(outs);
      return { id, props: outs, inputs: validation.ok ? { ...validation.inputs, setKey: outs.setKey } : undefined };
    });
  }

  async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return this.guarded(() => this.operations().update(id, storedOutputs(olds), checkedInputs(news)));
  }

  async delete(id: string, props: Record<string, unknown>) {
    return this.guarded(() => this.operations().delete(id, storedOutputs(props)));
  }
}

/** Inputs that passed check (create/update only ever receive those); keeps `__provider` and friends. */
function checkedInputs(raw: Record<string, unknown>): InstanceSetInputs & Record<string, unknown> {
  const validation = validateInputs(raw);
  if (!validation.ok) {
    throw new Error(`invalid inputs: ${validation.failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`);
  }
  return { ...raw, ...validation.inputs, setKey: raw.setKey as string };
}

function storedOutputs(raw: Record<string, unknown>): StoredOutputs {
  const state = StoredState.safeParse(raw);
  return { ...raw, ...(state.success ? state.data : {}) } as StoredOutputs;
}
