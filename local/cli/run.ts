import { readFile } from "node:fs/promises";
import { readEnv } from "#config";
import type { RunResult, RunSummary, WorkflowDefinition } from "#engine";
import { createTelemetry } from "#telemetry";
import { auditStatusOf, type LocalAuditStatus } from "../audit.ts";
import { runInProcess, runOnStepFunctions, type StepFunctionsResult } from "../engine.ts";
import type { LocalAws } from "../local-aws.ts";
import { writeRunReport } from "../report/index.ts";
import { mergeInput } from "./args.ts";
import { checkRunData } from "./data-check.ts";
import { type Execution, executedRunView, formatDuration, formatPlan, formatSummary } from "./format.ts";

export interface RunCommandOptions {
  readonly workflow: WorkflowDefinition;
  readonly inputPath?: string;
  /** Input fields from flags (`--data`, `--out`…), merged into the `--input` file's object. */
  readonly inputFlags?: Record<string, unknown>;
  readonly json: boolean;
  readonly inProcess: boolean;
  readonly aws: LocalAws;
  readonly dataDir?: string;
  /** Progress lines go here (stderr), so `--json` output on stdout stays machine-readable. */
  readonly progress: (line: string) => void;
  readonly out: (text: string) => void;
  /** Where the HTML report and the trace go (`<dir>/reports`, `<dir>/traces`); default `.switchyard`. */
  readonly reportDir?: string;
  /** False with `TELEMETRY=off`: no callbacks, no observer, no report. Default true. */
  readonly telemetry?: boolean;
}

/** One run, executed and described: what the `run` and `demo` commands print. */
export interface ExecutedRun {
  readonly workflow: WorkflowDefinition;
  readonly result: RunResult;
  readonly summary: RunSummary | undefined;
  /** The "Run:" block: status, duration, mode, where checkpoints and the report are. */
  readonly facts: Record<string, string>;
  /** The same facts as numbers, for `--json` (the run view's `execution`). */
  readonly execution: Execution;
}

/**
 * `switchyard run <workflow>`: runs the workflow end to end on the embedded AWS — through the
 * local Step Functions interpreter by default, or in-process with `--in-process` — and prints
 * what each agent did. Returns the process exit code (0 succeeded or waiting, 1 failed).
 */
export async function runCommand(options: RunCommandOptions): Promise<number> {
  const fromFile = options.inputPath ? await readJsonInput(options.inputPath) : {};
  const input = mergeInput(fromFile, options.inputFlags ?? {});
  // A day that cannot be read refuses the run here (exit 2), naming the file and line; the
  // orchestrator then reads the same day from the process's memo instead of again.
  await checkRunData(options.workflow, input);
  const run = await executeRun(options, input);
  printRun(options, run);
  return run.result.status === "failed" ? 1 : 0;
}

/** Prints a run's summary and facts, as text or (with `--json`) one JSON document. */
export function printRun(options: Pick<RunCommandOptions, "json" | "out">, run: ExecutedRun): void {
  const { workflow, summary, facts, result } = run;
  if (options.json) {
    // The API's run view (docs/schemas/run-view.schema.json), not the table: programs read this.
    options.out(JSON.stringify(executedRunView(run), null, 2));
  } else {
    const fallback = { headline: `${workflow.name} ${result.status}`, steps: [], figures: {} };
    options.out(formatSummary(summary ?? fallback, facts));
  }
}

/**
 * Runs `input` through the workflow on the embedded AWS (progress on `options.progress`), writes
 * the HTML report and trace, and describes the run.
 */
export async function executeRun(
  options: Omit<RunCommandOptions, "inputPath" | "json" | "out">,
  input: unknown,
): Promise<ExecutedRun> {
  const { workflow, aws } = options;
  const mode = options.inProcess ? "in-process" : `Step Functions (local), ${workflow.hosting} hosting`;
  options.progress(`▶ ${workflow.name}: ${workflow.description}\n  mode: ${mode}`);
  // Captured in memory for the report; log lines stay off the terminal (progress owns stderr).
  const telemetry =
    options.telemetry === false ? undefined : createTelemetry({ capture: true, logLevel: "SILENT" });
  const started = performance.now();
  const result = options.inProcess
    ? await runInProcess(workflow, input, {
        aws,
        ...(telemetry
          ? { callbacks: [telemetry.callbacks({ rootIsRun: true, workflow: workflow.name })] }
          : {}),
      })
    : await runOnStepFunctions(workflow, input, {
        aws,
        onPlan: (plan) => options.progress(formatPlan(plan)),
        ...(telemetry
          ? { callbacks: [telemetry.callbacks({ rootIsRun: false })], observer: telemetry.observer }
          : {}),
      });
  const elapsed = performance.now() - started;
  let report: string | undefined;
  if (telemetry?.capture) {
    await telemetry.flush();
    const written = await writeRunReport(options.reportDir ?? ".switchyard", {
      workflow,
      result,
      capture: telemetry.capture,
      mode,
      engine: options.inProcess ? "in-process" : "step-functions",
      durationMs: elapsed,
      ...(await auditOf(aws, result.threadId)),
    });
    report = written.report;
  }

  const summary = workflow.summarize?.(result.state as never);
  const stats = "stats" in result ? (result as StepFunctionsResult).stats : undefined;
  const facts: Record<string, string> = {
    status: result.status,
    duration: formatDuration(elapsed),
    supersteps: String(result.supersteps),
    mode,
    model: modelDescription(),
    thread: result.threadId,
    checkpoints: `DynamoDB table ${aws.resources.checkpointTable.name} at ${aws.endpoints.dynamodb} (pk starts with thread ${result.threadId})`,
    ...(options.dataDir
      ? { "local AWS data": options.dataDir }
      : { "local AWS data": "in memory (gone on exit)" }),
    ...(stats
      ? {
          "state transitions": String(stats.stateTransitions),
          "lambda invocations": String(stats.lambdaInvocations),
          retries: String(stats.retries),
        }
      : {}),
    ...(result.error ? { error: `${result.error.code}: ${result.error.message}` } : {}),
    ...(report ? { report } : {}),
  };
  const execution: Execution = {
    durationMs: Math.round(elapsed),
    supersteps: result.supersteps,
    mode,
    model: facts.model as string,
    checkpoints: facts.checkpoints as string,
    localAwsData: facts["local AWS data"] as string,
    ...(stats
      ? {
          stateTransitions: stats.stateTransitions,
          lambdaInvocations: stats.lambdaInvocations,
          retries: stats.retries,
        }
      : {}),
    ...(report ? { report } : {}),
  };
  return { workflow, result, summary, facts, execution };
}

/** Which model the agents used — the offline policy model says so plainly. */
function modelDescription(): string {
  const env = readEnv();
  switch (env.MODEL_PROVIDER ?? "offline") {
    case "bedrock":
      return `Amazon Bedrock ${env.BEDROCK_MODEL_ID ?? ""}`;
    case "ollama":
      return `Ollama ${env.OLLAMA_MODEL ?? ""} at ${env.OLLAMA_BASE_URL ?? ""}`;
    case "openai":
      return `OpenAI ${env.OPENAI_MODEL ?? ""}`;
    default:
      return "offline policy model (deterministic rules over real tool calls; no LLM — set MODEL_PROVIDER for one)";
  }
}

async function readJsonInput(path: string): Promise<unknown> {
  const text = await readFile(path, "utf8");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputFileError(`--input ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

export class InputFileError extends Error {
  override readonly name = "InputFileError";
}

/** The run's audit, verified for its report; nothing when it recorded none. */
async function auditOf(aws: LocalAws, threadId: string): Promise<{ audit?: LocalAuditStatus }> {
  const audit = await auditStatusOf(aws.audit, threadId);
  return audit ? { audit } : {};
}
