import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { readEnv } from "#config";
import { SwitchyardError } from "#core";
import type { RunResult, RunSummary, WorkflowDefinition } from "#engine";
import { createTelemetry } from "#telemetry";
import { auditStatusOf, type LocalAuditStatus } from "../local/audit.ts";
import {
  recoverOnStepFunctions,
  runInProcess,
  runOnStepFunctions,
  type StepFunctionsResult,
} from "../local/engine.ts";
import type { LocalAws } from "../local/local-aws.ts";
import { writeRunReport } from "../local/report/index.ts";
import { type LocalRun, readLocalRun } from "../local/runs.ts";
import { EXECUTION_ABORTED, RUN_STALLED } from "../local/step-functions.ts";
import { mergeInput, OPTIONS } from "./args.ts";
import { checkRunData } from "./data-check.ts";
import { type Execution, executedRunView, formatDuration, formatPlan, formatSummary } from "./format.ts";
import { TaskProgress } from "./task-progress.ts";

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
  /** Ctrl-C: the run stops at a clean point (exit 130) and says how to continue it. */
  readonly signal?: AbortSignal;
  /** The watchdog: a run nothing moved in for this long ends with exit 3. */
  readonly stallTimeoutMs?: number;
  /** Continue this run (its thread) from its last checkpoint instead of starting one. */
  readonly continueRun?: string;
}

/** Exit codes of a run that did not end by itself: stopped by Ctrl-C (as shells count SIGINT), stalled. */
export const EXIT_INTERRUPTED = 130;
export const EXIT_STALLED = 3;

/** One run, executed and described: what the `run` and `demo` commands print. */
export interface ExecutedRun {
  readonly workflow: WorkflowDefinition;
  readonly result: RunResult;
  readonly summary: RunSummary | undefined;
  /** The "Run:" block: status, duration, mode, where checkpoints and the report are. */
  readonly facts: Record<string, string>;
  /** The same facts as numbers, for `--json` (the run view's `execution`). */
  /** How it executed, as numbers (`--json`'s `execution`); absent when it stopped before its end. */
  readonly execution?: Execution;
  /** Node tasks this process ran (per node): a skipped finished task is not counted. */
  readonly nodeExecutions: Record<string, number>;
  /** Where the run stands now, when it stopped before its end (Ctrl-C, the watchdog). */
  readonly stopped?: LocalRun;
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
  return finishRun(options, run);
}

/**
 * Prints the run and returns its exit code: 0 succeeded or waiting, 1 failed, 3 stalled (the
 * watchdog ended it), 130 stopped by Ctrl-C — the last two say where it stopped and how to go on.
 */
export function finishRun(
  options: Pick<RunCommandOptions, "json" | "out" | "progress" | "dataDir">,
  run: ExecutedRun,
): number {
  const code = run.result.error?.code;
  if (code !== EXECUTION_ABORTED && code !== RUN_STALLED) {
    printRun(options, run);
    return run.result.status === "failed" ? 1 : 0;
  }
  const runId = run.result.threadId;
  const where = run.stopped
    ? `at step ${run.stopped.step}, ${run.stopped.tasks.done} of ${run.stopped.tasks.total} task(s) done`
    : "before its first checkpoint";
  const flag =
    options.dataDir && options.dataDir !== OPTIONS["data-dir"].default
      ? ` --data-dir ${options.dataDir}`
      : "";
  const command = `switchyard resume ${runId}${flag}`;
  const lines = [
    code === RUN_STALLED ? `■ stalled: ${run.result.error?.message}` : "■ stopped (Ctrl-C)",
    `  run ${runId} stopped ${where}`,
    options.dataDir
      ? `  continue it with: ${command}`
      : "  the local AWS was in memory (--memory): the run is gone with this process",
  ];
  for (const line of lines) options.progress(line);
  if (options.json) {
    options.out(
      JSON.stringify(
        {
          workflow: run.workflow.name,
          runId,
          status: code === RUN_STALLED ? "stalled" : "interrupted",
          error: run.result.error,
          ...(run.stopped ? { step: run.stopped.step, tasks: run.stopped.tasks } : {}),
          nodeExecutions: run.nodeExecutions,
          ...(options.dataDir ? { continueWith: command } : {}),
        },
        null,
        2,
      ),
    );
  }
  return code === RUN_STALLED ? EXIT_STALLED : EXIT_INTERRUPTED;
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
  const inProcess = options.inProcess && !options.continueRun;
  const mode = inProcess ? "in-process" : `Step Functions (local), ${workflow.hosting} hosting`;
  // The run id first, before any work: a run stopped or killed later can still be found by it.
  const threadId = options.continueRun ?? `${workflow.name}_${randomUUID()}`;
  const verb = options.continueRun ? "continuing" : "starting";
  options.progress(`▶ ${workflow.name}: ${workflow.description}\n  ${verb} run ${threadId}\n  mode: ${mode}`);
  // Captured in memory for the report; log lines stay off the terminal (progress owns stderr).
  const telemetry =
    options.telemetry === false ? undefined : createTelemetry({ capture: true, logLevel: "SILENT" });
  const started = performance.now();
  const nodeExecutions: Record<string, number> = {};
  const tasks = new TaskProgress(options.progress);
  const stepFunctions = {
    aws,
    threadId,
    onPlan: (plan: Parameters<typeof formatPlan>[0]) => {
      tasks.planned(plan);
      options.progress(formatPlan(plan));
    },
    wrapHandler: countingNodes(nodeExecutions, tasks),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.stallTimeoutMs ? { stallTimeoutMs: options.stallTimeoutMs } : {}),
    ...(telemetry ? telemetry.hooks({ rootIsRun: false }) : {}),
  };
  const result = inProcess
    ? await runInProcess(workflow, input, {
        aws,
        threadId,
        ...(telemetry ? telemetry.hooks({ rootIsRun: true, workflow: workflow.name }) : {}),
      })
    : options.continueRun
      ? await recoverOnStepFunctions(workflow, threadId, stepFunctions)
      : await runOnStepFunctions(workflow, input, stepFunctions);
  const elapsed = performance.now() - started;
  const code = result.error?.code;
  if (code === EXECUTION_ABORTED || code === RUN_STALLED) {
    const stopped = await readLocalRun(aws, workflow, threadId);
    return {
      workflow,
      result,
      summary: undefined,
      facts: {},
      nodeExecutions,
      ...(stopped ? { stopped } : {}),
    };
  }
  let report: string | undefined;
  if (telemetry?.capture) {
    await telemetry.flush();
    const written = await writeRunReport(options.reportDir ?? ".switchyard", {
      workflow,
      result,
      capture: telemetry.capture,
      mode,
      engine: inProcess ? "in-process" : "step-functions",
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
    // Counted per node Lambda: only per-node hosting has them (the others run nodes inside one Lambda).
    "node executions":
      !inProcess && workflow.hosting === "per-node"
        ? String(Object.values(nodeExecutions).reduce((a, b) => a + b, 0))
        : `not counted (${inProcess ? "in-process" : `${workflow.hosting} hosting`}: no Lambda per node)`,
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
    nodeExecutions,
  };
  return { workflow, result, summary, facts, execution, nodeExecutions };
}

type Wrap = NonNullable<Parameters<typeof runOnStepFunctions>[2]["wrapHandler"]>;

/** Counts node tasks that ran (not those skipped as finished or stale), per node. */
function countingNodes(into: Record<string, number>, progress: TaskProgress): Wrap {
  return (slot, handler) => async (event) => {
    const outcome = await handler(event);
    const ran = (outcome as { outcome?: string } | undefined)?.outcome;
    if (slot.node && (ran === "done" || ran === "interrupted")) {
      into[slot.node] = (into[slot.node] ?? 0) + 1;
      progress.taskDone();
    }
    return outcome;
  };
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

/** `--input` names a file that cannot be read as JSON: exit 2, naming the file. */
export class InputFileError extends SwitchyardError {
  constructor(message: string) {
    super("Cli.InputFile", message);
  }
}

/** The run's audit, verified for its report; nothing when it recorded none. */
async function auditOf(aws: LocalAws, threadId: string): Promise<{ audit?: LocalAuditStatus }> {
  const audit = await auditStatusOf(aws.audit, threadId);
  return audit ? { audit } : {};
}
