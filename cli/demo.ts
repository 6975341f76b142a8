import type { RunSummary } from "#engine";
import { getWorkflow, type ReconciliationStateValue } from "#workflows";
import { executedRunView, formatSummary } from "./format.ts";
import { type ExecutedRun, executeRun, type RunCommandOptions } from "./run.ts";

export interface DemoOptions extends Omit<RunCommandOptions, "workflow" | "inputPath"> {
  /** The trade day: seed and size (default the standard day, 2,000 trades). */
  readonly dataset?: { seed?: number; trades?: number; businessDate?: string };
}

/**
 * `switchyard demo` (what `npm start` runs): an end-of-day in two workflows on the embedded AWS.
 * Reconciliation (orchestrator–worker) matches the day's trades against broker confirmations in
 * parallel workers; investigation (supervisor) hands every break it found to pricing, settlement
 * and booking agents until each has a root cause or is escalated. The day is generated, written in
 * the canonical format and read back like a desk's files; the breaks flow from one run's
 * `breaks.json` into the next run's input, as a scheduler or an operator would pass them.
 */
export async function demoCommand(options: DemoOptions): Promise<number> {
  const dataset = options.dataset ?? {};
  options.progress("End of day: reconciliation → investigation, on the embedded AWS\n");
  const reconciliation = await executeRun(
    { ...options, workflow: getWorkflow("reconciliation") },
    { dataset },
  );
  print(options, reconciliation);
  if (reconciliation.result.status !== "succeeded") return 1;

  const state = reconciliation.result.state as ReconciliationStateValue;
  if (!state.plan || !state.report) return 1;
  options.progress(
    `\nHanding ${state.report.breaksFound} breaks (${state.report.outputs.breaks}) to investigation\n`,
  );
  const investigation = await executeRun(
    { ...options, workflow: getWorkflow("investigation") },
    { data: state.plan.data, breaksUri: state.report.outputs.breaks },
  );
  print(options, investigation);
  return investigation.result.status === "failed" ? 1 : 0;
}

function print(options: Pick<DemoOptions, "json" | "out">, run: ExecutedRun): void {
  if (options.json) {
    options.out(JSON.stringify(executedRunView(run), null, 2));
    return;
  }
  const fallback: RunSummary = {
    headline: `${run.workflow.name} ${run.result.status}`,
    steps: [],
    figures: {},
  };
  options.out(`\n═══ ${run.workflow.name} ═══\n${formatSummary(run.summary ?? fallback, run.facts)}`);
}
