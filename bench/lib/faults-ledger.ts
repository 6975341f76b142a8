/**
 * The fault bench's verdict per run id, from observations only: the executions the local Step
 * Functions registry ran on the run's thread, the thread's final state read from the checkpoint
 * table, and the node bodies that ran to completion. A run is lost when it never succeeded or
 * its state differs from the in-process reference on the same input; doubled when it was started
 * twice, succeeded twice, or a finished task's body ran again. Both are per run id, so a missing
 * run and a doubled one can never cancel out.
 */
import { runInProcess } from "switchyard/engine";
import type { LocalAws } from "switchyard/local";
import type { WorkflowDefinition } from "#engine";
import type { ExecutionRecord } from "../../local/executions.ts";
import { localSaver } from "../../local/saver.ts";
import { type Verdict, verdictOf } from "./faults-verdict.ts";
import { completions, stateOf } from "./faults-workflow.ts";

export type { Verdict } from "./faults-verdict.ts";

export interface RunSpec {
  readonly runId: string;
  readonly input: { trades: number[] };
}

/** The in-process reference state of each run's input, on threads of its own (`ref-<runId>`). */
export async function referenceStates(
  aws: LocalAws,
  workflow: WorkflowDefinition,
  runs: readonly RunSpec[],
): Promise<Map<string, Record<string, unknown> | undefined>> {
  const out = new Map<string, Record<string, unknown> | undefined>();
  for (const run of runs) {
    const threadId = `ref-${run.runId}`;
    await runInProcess(workflow, run.input, { aws, threadId });
    out.set(run.runId, await stateOf(workflow, localSaver(aws), threadId));
  }
  return out;
}

/**
 * Judges each run. `rerunsCaused` is how many task bodies of a run the bench itself made run
 * again — a worker killed after its body finished but before its output was stored.
 *
 * @example
 * const verdicts = await judge(aws, workflow, executions.list(), references, runs);
 */
export async function judge(
  aws: LocalAws,
  workflow: WorkflowDefinition,
  executions: readonly ExecutionRecord[],
  references: ReadonlyMap<string, Record<string, unknown> | undefined>,
  runs: readonly RunSpec[],
  rerunsCaused: ReadonlyMap<string, number> = new Map(),
): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const run of runs) {
    const reruns: number[] = [];
    for (const [key, n] of completions) if (key.startsWith(`${run.runId}/`)) reruns.push(n - 1);
    verdicts.push(
      verdictOf({
        runId: run.runId,
        executions: executions.filter((e) => e.threadId === run.runId),
        state: await stateOf(workflow, localSaver(aws), run.runId),
        reference: references.get(run.runId),
        reruns,
        rerunsCaused: rerunsCaused.get(run.runId) ?? 0,
      }),
    );
  }
  return verdicts;
}

/** `n/m runs succeeded once with the reference state`, plus what went wrong, by run id. */
export function describe(verdicts: readonly Verdict[]): string {
  const good = verdicts.filter((v) => !v.lost && !v.doubled).length;
  const bad = verdicts
    .filter((v) => v.lost || v.doubled)
    .map(
      (v) =>
        `${v.runId}: ${v.starts} start(s), ${v.succeeded} success(es), state ${v.sameState ? "=" : "≠"} reference, ${v.redone} redone`,
    );
  return [`${good}/${verdicts.length} runs once, state = reference`, ...bad].join("; ");
}
