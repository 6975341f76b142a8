import { describeAsk, fourEyesAskIn } from "#agents";
import type { RunView } from "#api";
import {
  outcomeView,
  type RunResult,
  type RunSummary,
  resultOf,
  type SuperstepPlan,
  type WorkflowDefinition,
} from "#engine";

/** Terminal formatting for the CLI: plain text, readable without colour, aligned figures. */
export function formatPlan(plan: SuperstepPlan): string {
  // Continue-as-new: the same run goes on in the next execution, on the same thread.
  if (plan.status === "continued")
    return `  step ${plan.step}: continued in execution ${plan.successor?.name ?? "(next)"}`;
  if (plan.status !== "running") return `  step ${plan.step}: ${plan.status}`;
  const byNode = new Map<string, number>();
  for (const t of plan.tasks) byNode.set(t.node, (byNode.get(t.node) ?? 0) + 1);
  const nodes = [...byNode].map(([node, n]) => (n > 1 ? `${node} ×${n}` : node));
  // A distributed superstep's tasks are in its task list (S3), which names no nodes here.
  if (plan.taskList) nodes.push(`${plan.taskList.count.toLocaleString("en-US")} tasks from a task list`);
  return `  step ${plan.step}: ${nodes.length === 0 ? "committing" : `running ${nodes.join(", ")}`}`;
}

/** How many tasks a plan runs: those it lists and those in its task list (a distributed superstep). */
export function plannedTasks(plan: Pick<SuperstepPlan, "tasks" | "taskList">): number {
  return plan.tasks.length + (plan.taskList?.count ?? 0);
}

export function formatSummary(summary: RunSummary, facts: Readonly<Record<string, string>>): string {
  const lines = [summary.headline, ""];
  if (summary.steps.length > 0) {
    lines.push("What each agent did:");
    const width = Math.max(...summary.steps.map((s) => s.node.length));
    for (const s of summary.steps) lines.push(`  ${s.node.padEnd(width)}  ${s.did}`);
    lines.push("");
  }
  lines.push(...table("Figures", summary.figures), "", ...table("Run", facts));
  return lines.join("\n");
}

export function table(title: string, rows: Readonly<Record<string, number | string>>): string[] {
  const entries = Object.entries(rows);
  if (entries.length === 0) return [];
  const width = Math.max(...entries.map(([k]) => k.length));
  return [
    `${title}:`,
    ...entries.map(
      ([k, v]) => `  ${k.padEnd(width)}  ${typeof v === "number" ? v.toLocaleString("en-US") : v}`,
    ),
  ];
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/**
 * A run view as text: the status lines, what a waiting run asks and the answers it accepts, then
 * (once finished) the summary, where the outputs are, and the workflow's result as JSON.
 *
 * @example
 * formatRunView(view, "the local AWS"); // "Run triage_… (triage) on the local AWS: waiting\n  step …"
 */
export function formatRunView(v: RunView, where: string): string {
  const lines = [`Run ${v.runId} (${v.workflow}) on ${where}: ${v.status}`];
  if (v.step !== undefined) lines.push(`  step        ${v.step}`);
  if (v.checkpointId !== undefined) lines.push(`  checkpoint  ${v.checkpointId}`);
  if (v.nodes.length > 0) {
    lines.push(`  nodes       ${v.nodes.map((n) => `${n.node} (${n.progress})`).join(", ")}`);
  }
  if (v.error)
    lines.push(
      `  error       ${v.error.code}${v.error.node ? ` in ${v.error.node}` : ""}: ${v.error.message}`,
    );
  for (const i of v.waiting?.interrupts ?? []) {
    lines.push(`  waiting on  ${i.node} (interrupt ${i.id}): ${JSON.stringify(i.value)}`);
    const ask = fourEyesAskIn(i.value);
    if (ask) lines.push(`  approvals   ${describeAsk(ask)}`);
    if (i.answer) lines.push(`  answers     ${describeSchema(i.answer)}`);
  }
  if (v.summary) lines.push("", formatSummary(v.summary, {}).trimEnd());
  if (v.outputs && Object.keys(v.outputs).length > 0) lines.push("", ...table("Outputs", v.outputs));
  if (v.result) {
    lines.push(
      "",
      "Result:",
      ...JSON.stringify(v.result, null, 2)
        .split("\n")
        .map((l) => `  ${l}`),
    );
  }
  return lines.join("\n");
}

/**
 * A JSON Schema in one line a person reads: `{decision: "approve"|"reject", by: string, comment?: string}`.
 *
 * @example
 * describeSchema({ type: "array", items: { type: "integer" } }); // "integer[]"
 */
export function describeSchema(schema: unknown, depth = Number.POSITIVE_INFINITY): string {
  const s = (schema ?? {}) as {
    type?: string | string[];
    enum?: unknown[];
    const?: unknown;
    items?: unknown;
    properties?: Record<string, unknown>;
    required?: string[];
    anyOf?: unknown[];
  };
  if (s.enum) return s.enum.map((e) => JSON.stringify(e)).join("|");
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.anyOf) return s.anyOf.map((a) => describeSchema(a, depth)).join("|");
  if (Array.isArray(s.type)) return s.type.join("|");
  if (s.type === "array") return `${describeSchema(s.items, depth)}[]`;
  if (s.type === "object" && s.properties) {
    if (depth < 1) return "{…}";
    const required = new Set(s.required ?? []);
    const fields = Object.entries(s.properties).map(
      ([k, v]) => `${k}${required.has(k) ? "" : "?"}: ${describeSchema(v, depth - 1)}`,
    );
    return `{${fields.join(", ")}}`;
  }
  return s.type ?? "any JSON";
}

/** How a CLI run executed, as numbers: the run view's `execution`. */
export type Execution = NonNullable<RunView["execution"]>;

/**
 * The run view of a run the CLI executed — the API's shape (`GET /runs/{id}`), plus the
 * workflow's result and how it executed. What `run --json` and `demo --json` print.
 *
 * @example
 * JSON.stringify(executedRunView({ workflow, result, execution })); // {"runId":"…","status":"succeeded",…}
 */
export function executedRunView(run: {
  readonly workflow: WorkflowDefinition;
  readonly result: RunResult;
  /** Absent for a run stopped before its end (Ctrl-C, the watchdog). */
  readonly execution?: Execution;
}): RunView {
  const { workflow, result, execution } = run;
  const declared = resultOf(workflow, result.status, result.state);
  const interrupts = result.interrupts ?? [];
  const { error, ...outcome } = outcomeView(workflow, {
    status: result.status,
    values: result.state,
    interrupts,
    ...(result.error ? { error: result.error } : {}),
  });
  return {
    runId: result.threadId,
    threadId: result.threadId,
    workflow: workflow.name,
    status: result.status,
    nodes: interrupts.map((i) => ({ node: i.node, progress: "interrupted" })),
    ...outcome,
    ...(declared ? { result: declared } : {}),
    ...(error ? { error } : {}),
    ...(execution ? { execution } : {}),
  };
}
