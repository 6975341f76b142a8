import type { parseArgs } from "node:util";
import { SwitchyardError } from "#core";
import { HOSTINGS, type Hosting, type WorkflowDefinition } from "#engine";

/** The CLI's options, shared by the dispatcher and the command mappings. */
export const OPTIONS = {
  input: { type: "string" },
  data: { type: "string" },
  mapping: { type: "string" },
  out: { type: "string" },
  "business-date": { type: "string" },
  json: { type: "boolean", default: false },
  "in-process": { type: "boolean", default: false },
  hosting: { type: "string" },
  memory: { type: "boolean", default: false },
  "data-dir": { type: "string", default: ".switchyard/aws" },
  help: { type: "boolean", short: "h", default: false },
  trades: { type: "string" },
  seed: { type: "string" },
  trace: { type: "boolean", default: false },
  fork: { type: "string" },
  list: { type: "boolean", default: false },
  "dry-run": { type: "boolean", default: false },
  bulk: { type: "boolean", default: false },
  workflow: { type: "string" },
  error: { type: "string" },
  "min-age": { type: "string" },
  id: { type: "string", multiple: true },
  answer: { type: "string" },
  "recursion-limit": { type: "string" },
  "stall-timeout": { type: "string" },
  all: { type: "boolean", default: false },
  target: { type: "string", default: "local" },
  stage: { type: "string" },
  context: { type: "string", short: "c", multiple: true },
} as const;

export type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>["values"];

/** Wrong words on the command line: exit 2 with the usage. */
export class UsageError extends SwitchyardError {
  constructor(message: string) {
    super("Cli.Usage", message);
  }
}

export const out = (text: string) => console.log(text);
export const progress = (line: string) => console.error(line);

export function withHosting(workflow: WorkflowDefinition, hosting: string | undefined): WorkflowDefinition {
  if (hosting === undefined) return workflow;
  if (!(HOSTINGS as readonly string[]).includes(hosting)) {
    throw new UsageError(`--hosting ${hosting}: ${HOSTINGS.join(", ")}`);
  }
  return { ...workflow, hosting: hosting as Hosting };
}

/** `--recursion-limit n`: LangGraph's `recursionLimit` for this run instead of the workflow's. */
export function withRecursionLimit(
  workflow: WorkflowDefinition,
  text: string | undefined,
): WorkflowDefinition {
  return text === undefined ? workflow : { ...workflow, recursionLimit: recursionLimitFlag(text) };
}

export function recursionLimitFlag(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--recursion-limit ${text}: a whole number of at least 1`);
  return n;
}

/**
 * Ctrl-C while a command runs: the first asks the run to stop at a clean point (its signal), the
 * second ends the process at once (exit 130, as shells count SIGINT).
 */
export function interruptible(say: (line: string) => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let first = 0;
  const onSigint = () => {
    // One Ctrl-C can arrive twice (from the terminal, and relayed by a wrapper such as tsx).
    if (controller.signal.aborted && performance.now() - first > 1000) process.exit(130);
    if (controller.signal.aborted) return;
    first = performance.now();
    say("  stopping at a clean point: tasks already running finish first (Ctrl-C again to quit at once)…");
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  return { signal: controller.signal, dispose: () => process.off("SIGINT", onSigint) };
}

/** `--stall-timeout s` (else SWITCHYARD_STALL_SECONDS): the watchdog's limit, in ms. */
export function stallTimeoutMs(flag: string | undefined, fromEnv: number): number {
  if (flag === undefined) return fromEnv * 1000;
  const n = Number(flag);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--stall-timeout ${flag}: seconds, more than 0`);
  return n * 1000;
}

export function required(value: string | undefined, message: string): string {
  if (!value) throw new UsageError(message);
  return value;
}

export function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} ${text}: a whole number`);
  return n;
}

export function parseJson(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${flag} ${text} is not JSON`);
  }
}

/**
 * The run input from `--input` and the data flags: `--data <folder|files|s3://…>` (with
 * `--mapping` and `--business-date`) becomes `input.data`, `--out` becomes `input.out`; a flag
 * beside the same field in the `--input` file is a usage error, not a silent override.
 */
export function dataFlagsInput(
  values: Pick<Values, "data" | "mapping" | "out" | "business-date">,
): Record<string, unknown> {
  if (!values.data && (values.mapping || values["business-date"])) {
    throw new UsageError("--mapping and --business-date go with --data");
  }
  return {
    ...(values.data
      ? {
          data: {
            uri: values.data,
            ...(values.mapping ? { mapping: values.mapping } : {}),
            ...(values["business-date"] ? { businessDate: values["business-date"] } : {}),
          },
        }
      : {}),
    ...(values.out ? { out: values.out } : {}),
  };
}

/** Merges the data flags into the `--input` file's object, refusing a field given twice. */
export function mergeInput(fromFile: unknown, fromFlags: Record<string, unknown>): unknown {
  if (Object.keys(fromFlags).length === 0) return fromFile;
  if (fromFile === null || typeof fromFile !== "object" || Array.isArray(fromFile)) {
    throw new UsageError("--data/--out need --input to hold a JSON object");
  }
  for (const key of Object.keys(fromFlags)) {
    if (key in fromFile) throw new UsageError(`${key} is given both in --input and as a flag`);
  }
  return { ...fromFile, ...fromFlags };
}
