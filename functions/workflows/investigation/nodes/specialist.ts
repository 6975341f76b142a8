import type { AgentRun } from "#agents";
import { tradingDayStore } from "#tools";
import { openDay } from "#trading";
import { createSpecialistAgent, taskMessageOf } from "../agents.ts";
import { findingFrom } from "../answers.ts";
import { NOTEBOOK_OF } from "../state.ts";
import type {
  AssignedBreak,
  EffortEntry,
  InvestigationFinding,
  Notebook,
  Specialist,
  SpecialistTask,
  WorkingNote,
} from "../types.ts";

/** What a specialist node writes: shared findings and effort, and its OWN notebook only. */
export type SpecialistUpdate = {
  findings: InvestigationFinding[];
  effort: EffortEntry[];
} & Partial<Record<(typeof NOTEBOOK_OF)[Specialist], Notebook>>;

/**
 * The node for one specialist, run once per round it has a batch (its own Lambda on Step
 * Functions). It receives only its `Send` task — the day's reference and its batch of breaks —
 * never the state, so it cannot read another agent's notebook. It opens the day by reference
 * (`openDay`, memoised per process), runs its tool agent once per break, in turn (a real
 * provider's rate limit is per account, not per break), and writes the findings, its effort for
 * the round, and its private notebook.
 *
 * @example
 * const update = await specialistNode("pricing")({ data, round: 1, breaks });
 * update.findings.length; // breaks.length
 */
export function specialistNode(specialist: Specialist) {
  return async (task: SpecialistTask): Promise<SpecialistUpdate> => {
    const { day } = await openDay(task.data);
    const agent = createSpecialistAgent(specialist, tradingDayStore(day));
    const runs: { assigned: AssignedBreak; run: AgentRun }[] = [];
    for (const assigned of task.breaks) {
      const { attempt: _attempt, ...record } = assigned;
      runs.push({ assigned, run: await agent.invoke(taskMessageOf(record)) });
    }
    const findings = runs.map(({ assigned, run }) => findingFrom(specialist, assigned, task.round, run));
    return {
      findings,
      effort: [
        effortOf(
          specialist,
          task.round,
          runs.map((r) => r.run),
        ),
      ],
      [NOTEBOOK_OF[specialist]]: notebookOf(task.round, runs, findings),
    };
  };
}

function effortOf(specialist: Specialist, round: number, runs: readonly AgentRun[]): EffortEntry {
  const toolCalls: Record<string, number> = {};
  for (const call of runs.flatMap((r) => r.toolCalls)) toolCalls[call.name] = (toolCalls[call.name] ?? 0) + 1;
  const model = runs[0]?.model;
  return {
    id: `${specialist}#${round}`,
    specialist,
    round,
    breaks: runs.length,
    modelCalls: sum(runs.map((r) => r.iterations)),
    toolCalls,
    refusals: runs.flatMap((r) => r.toolCalls).filter((c) => c.refused).length,
    inputTokens: sum(runs.map((r) => r.usage.inputTokens)),
    outputTokens: sum(runs.map((r) => r.usage.outputTokens)),
    model: model ? `${model.provider}/${model.model}` : "none",
  };
}

function notebookOf(
  round: number,
  runs: readonly { assigned: AssignedBreak; run: AgentRun }[],
  findings: readonly InvestigationFinding[],
): Notebook {
  const notes = runs.map(({ assigned, run }, i): WorkingNote => {
    const finding = findings[i];
    return {
      id: `${round}:${assigned.breakId}`,
      round,
      breakId: assigned.breakId,
      conclusion:
        finding?.status === "resolved"
          ? `${finding.rootCause} (${finding.confidence}): ${finding.nextAction}`
          : `${finding?.status}: ${finding?.escalation?.reason ?? ""}`,
      toolCalls: run.toolCalls.map(({ name, args, ok, refused }) => ({
        name,
        args,
        ok,
        ...(refused ? { refused } : {}),
      })),
    };
  });
  return { lastRound: round, notes, history: runs.at(-1)?.run.messages ?? [] };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}
