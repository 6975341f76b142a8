import { isProductionStage } from "#config";
import { InvalidFaultsError } from "./errors.ts";

/**
 * Fault injection for tests and drills: the `FAULTS` setting makes a named node, tool or AWS
 * call fail a set number of times, then behave. Off unless set; refused in production stages.
 *
 * ```
 * FAULTS="node:classify=throw*2, aws:PutItem=throttle*3, tool:get_position=timeout"
 *          kind:name        =mode    *count (default 1)
 * ```
 * Modes: `throw` (a fatal error, as a bug would), `timeout` (a `TimeoutError`, retryable),
 * `throttle` (a `ThrottlingException` — `ProvisionedThroughputExceededException` for
 * DynamoDB — with the SDK's throttling marks, retryable). AWS names match the command
 * (`PutItem`) or service and command (`DynamoDB.PutItem`); `*` matches every name of a kind.
 */
export type FaultKind = "node" | "tool" | "aws";
export type FaultMode = "throw" | "timeout" | "throttle";

export interface FaultSpec {
  readonly kind: FaultKind;
  readonly name: string;
  readonly mode: FaultMode;
  readonly count: number;
}

const KINDS = new Set<FaultKind>(["node", "tool", "aws"]);
const MODES = new Set<FaultMode>(["throw", "timeout", "throttle"]);
const ENTRY = /^(\w+):([\w.*/-]+)=(\w+)(?:\*(\d+))?$/;
const MAX_COUNT = 10_000;

/**
 * Parses and validates a `FAULTS` value. Empty or absent means no faults.
 *
 * @example
 * parseFaults("aws:PutItem=throttle*3", "dev"); // [{ kind: "aws", name: "PutItem", mode: "throttle", count: 3 }]
 * parseFaults("node:x=throw", "prod"); // throws InvalidFaultsError: refused in production
 */
export function parseFaults(setting: string | undefined, stage: string): FaultSpec[] {
  const entries = (setting ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return [];
  if (isProductionStage(stage)) {
    throw new InvalidFaultsError(`fault injection is refused in production stage "${stage}".`);
  }
  return entries.map((entry) => {
    const m = ENTRY.exec(entry);
    if (!m) throw new InvalidFaultsError(`"${entry}" is not kind:name=mode[*count].`);
    const [, kind, name, mode, count] = m as unknown as [string, string, string, string, string | undefined];
    if (!KINDS.has(kind as FaultKind))
      throw new InvalidFaultsError(`"${entry}": kind must be node, tool or aws.`);
    if (!MODES.has(mode as FaultMode))
      throw new InvalidFaultsError(`"${entry}": mode must be throw, timeout or throttle.`);
    const n = count === undefined ? 1 : Number(count);
    if (n < 1 || n > MAX_COUNT) throw new InvalidFaultsError(`"${entry}": count must be 1–${MAX_COUNT}.`);
    return { kind: kind as FaultKind, name, mode: mode as FaultMode, count: n };
  });
}

/** One injected failure, shaped like the real one so every retry layer treats it as such. */
export function faultError(spec: Pick<FaultSpec, "kind" | "name" | "mode">, service?: string): Error {
  const where = `${spec.kind}:${spec.name}`;
  if (spec.mode === "throttle") {
    const name = service === "DynamoDB" ? "ProvisionedThroughputExceededException" : "ThrottlingException";
    return Object.assign(new Error(`Injected fault: ${where} throttled`), {
      name,
      $fault: "client",
      $retryable: { throttling: true },
      $metadata: { httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 },
    });
  }
  if (spec.mode === "timeout") {
    return Object.assign(new Error(`Injected fault: ${where} timed out`), { name: "TimeoutError" });
  }
  return Object.assign(new Error(`Injected fault: ${where} failed`), { name: "Switchyard.InjectedFault" });
}

/** What was injected, for the faults table of tests, drills and the bench. */
export interface InjectedFault {
  readonly kind: FaultKind;
  readonly name: string;
  readonly mode: FaultMode;
  readonly at: string;
}

/**
 * The armed faults of one process: {@link Faults.take} consumes them one failure at a time.
 *
 * @example
 * const faults = Faults.fromEnv(process.env);
 * faults.take("node", "classify"); // an Error to throw, or undefined
 */
export class Faults {
  readonly #remaining: { spec: FaultSpec; left: number }[];
  readonly injected: InjectedFault[] = [];

  constructor(specs: readonly FaultSpec[]) {
    this.#remaining = specs.map((spec) => ({ spec, left: spec.count }));
  }

  /** From `FAULTS` and `SWITCHYARD_STAGE` (default `dev`). */
  static fromEnv(source: Record<string, string | undefined> = process.env): Faults {
    return new Faults(parseFaults(source.FAULTS, source.SWITCHYARD_STAGE || "dev"));
  }

  get armed(): boolean {
    return this.#remaining.some((r) => r.left > 0);
  }

  /** Failures still to inject, by `kind:name=mode`. */
  remaining(): Record<string, number> {
    return Object.fromEntries(
      this.#remaining.map((r) => [`${r.spec.kind}:${r.spec.name}=${r.spec.mode}`, r.left]),
    );
  }

  /**
   * The error to fail this call with, consuming one count, or undefined to let it through.
   * `service` qualifies AWS names (`DynamoDB.PutItem`) and picks the service's throttle name.
   */
  take(kind: FaultKind, name: string, service?: string): Error | undefined {
    const names = new Set([name, "*", ...(service ? [`${service}.${name}`] : [])]);
    const hit = this.#remaining.find((r) => r.left > 0 && r.spec.kind === kind && names.has(r.spec.name));
    if (!hit) return undefined;
    hit.left--;
    this.injected.push({ kind, name, mode: hit.spec.mode, at: new Date().toISOString() });
    return faultError({ kind, name, mode: hit.spec.mode }, service);
  }

  /** Disarms every remaining fault (the end of a drill). */
  disarm(): void {
    for (const r of this.#remaining) r.left = 0;
  }

  /** Throws the armed fault for this call, if any. */
  inject(kind: FaultKind, name: string, service?: string): void {
    const err = this.take(kind, name, service);
    if (err) throw err;
  }
}

/** The slice of an SDK v3 client this module needs: its middleware stack. */
export interface MiddlewareClient {
  readonly middlewareStack: object;
}

/**
 * Adds fault injection to an AWS SDK v3 client. It sits in the `deserialize` step, inside the
 * SDK's retry loop, where a real throttle arrives: the SDK's own retry strategy sees an
 * injected throttle exactly as it would see DynamoDB's.
 *
 * @example
 * const dynamodb = withFaults(new DynamoDBClient({}), Faults.fromEnv());
 */
export function withFaults<C extends MiddlewareClient>(client: C, faults: Faults): C {
  if (!faults.armed) return client;
  const stack = client.middlewareStack as {
    add(
      middleware: unknown,
      options: { step: string; name: string; priority?: string; override?: boolean },
    ): void;
  };
  stack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string; clientName?: string }) =>
      async (args: unknown) => {
        // The context's names survive minification; class names do not.
        const command = (context.commandName ?? "").replace(/Command$/, "");
        const service = (context.clientName ?? client.constructor.name).replace(/Client$/, "");
        faults.inject("aws", command, service);
        return next(args);
      },
    { step: "deserialize", name: "switchyardFaultInjection", priority: "low", override: true },
  );
  return client;
}
