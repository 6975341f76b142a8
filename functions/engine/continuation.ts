import { createHash } from "node:crypto";
import { buildStateMachine } from "./asl.ts";
import type { WorkflowDefinition } from "./define.ts";
import {
  HISTORY_EVENT_LIMIT,
  type HistoryCost,
  historyCostOf,
  nearHistoryLimit,
  superstepEvents,
} from "./history.ts";
import type { ExecutionHistory, Successor, SuperstepPlan } from "./types.ts";

/**
 * Continue-as-new: a long run hands over to a new execution of the same state machine on the
 * same thread before its execution's history fills up (or after `continueAsNew.afterSupersteps`).
 * The successor is a recovery of the thread — the same invoke, so the recursion limit keeps
 * counting — and takes the lease over from this execution (see steps.ts), so one execution
 * per thread holds throughout.
 *
 *   … Commit ─▶ Route ─continued─▶ Continue (states:startExecution, name from thread + checkpoint)
 *                                        └─▶ Continued (Succeed)      successor: Start (recover) ─▶ …
 */

const costs = new WeakMap<WorkflowDefinition, HistoryCost>();

/** The workflow's loop cost, from the definition it deploys (built once per workflow). */
export function historyCost(workflow: WorkflowDefinition): HistoryCost {
  let cost = costs.get(workflow);
  if (!cost) {
    cost = historyCostOf(buildStateMachine(workflow).definition);
    costs.set(workflow, cost);
  }
  return cost;
}

/**
 * A new execution's history, once its Start task has returned; `afterSupersteps`: the run's own
 * setting (a run option), which overrides the workflow's for every execution of the run.
 */
export function openingHistory(workflow: WorkflowDefinition, afterSupersteps?: number): ExecutionHistory {
  return {
    supersteps: 0,
    events: historyCost(workflow).opening,
    ...(afterSupersteps === undefined ? {} : { afterSupersteps }),
  };
}

/**
 * The history after a superstep of `tasks` tasks (`failed` of them failed) was committed, from
 * the one the plan carried (absent: an execution older than this count, counted from its start).
 */
export function afterSuperstep(
  workflow: WorkflowDefinition,
  carried: ExecutionHistory | undefined,
  tasks: number,
  failed: number,
): ExecutionHistory {
  const before = carried ?? openingHistory(workflow);
  return {
    ...before,
    supersteps: before.supersteps + 1,
    events: before.events + superstepEvents(historyCost(workflow), tasks, failed),
  };
}

/**
 * A running plan becomes `continued` when this execution has committed `afterSupersteps`
 * supersteps, or when its next superstep and the way out would come near the history limit.
 * Single hosting never continues: its one Lambda runs the graph to the end.
 */
export function continueIfDue(workflow: WorkflowDefinition, plan: SuperstepPlan): SuperstepPlan {
  const history = plan.history;
  if (plan.status !== "running" || !history || workflow.hosting === "per-graph") return plan;
  const after = history.afterSupersteps ?? workflow.continueAsNew?.afterSupersteps;
  const due =
    (after !== undefined && history.supersteps >= after) ||
    nearHistoryLimit(historyCost(workflow), history.events, plan.tasks.length);
  if (!due) return plan;
  return { ...plan, status: "continued", successor: successorOf(plan) };
}

/**
 * The successor of a continued plan. Its name derives from the thread and the checkpoint it
 * continues from, so a retried Continue (or commit) names the same execution and Step Functions
 * starts it once: `<thread, name-safe, ≤ 70>-c<8 hex>`, at most 80 characters.
 */
export function successorOf(
  plan: Pick<SuperstepPlan, "workflow" | "threadId" | "checkpointId" | "lease" | "history">,
): Successor {
  const own = plan.history?.afterSupersteps;
  const base = plan.threadId.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 70);
  const hash = createHash("sha256")
    .update(`${plan.threadId}\n${plan.checkpointId}`)
    .digest("hex")
    .slice(0, 8);
  const name = `${base}-c${hash}`;
  return {
    name,
    input: {
      workflow: plan.workflow,
      threadId: plan.threadId,
      runId: name,
      recover: true,
      ...(plan.lease ? { continues: plan.lease } : {}),
      ...(own === undefined ? {} : { continueAsNew: { afterSupersteps: own } }),
    },
  };
}

/**
 * How a workflow's executions spend their history, in a line (`switchyard describe`): the events
 * a superstep costs and when an execution hands over.
 *
 * @example
 * historyLine(workflow); // "11 + 9 per task events a superstep; continues as new after 1,124 1-task supersteps…"
 */
export function historyLine(workflow: WorkflowDefinition): string {
  if (workflow.hosting === "per-graph") return "one Lambda runs the graph: one execution, no continue-as-new";
  const cost = historyCost(workflow);
  const perSuperstep =
    cost.perTask > 0 ? `${cost.perSuperstep} + ${cost.perTask} per task` : `${cost.perSuperstep}`;
  const near = supersteps1TaskFit(cost);
  const after = workflow.continueAsNew?.afterSupersteps;
  const when =
    after !== undefined && after < near
      ? `after ${after.toLocaleString("en-US")} supersteps`
      : `near the ${HISTORY_EVENT_LIMIT.toLocaleString("en-US")}-event history (after ${near.toLocaleString("en-US")} 1-task supersteps)`;
  return `${perSuperstep} events a superstep; an execution continues as new ${when}`;
}

/** Supersteps of one task an execution commits before it hands over near the history limit. */
function supersteps1TaskFit(cost: HistoryCost): number {
  let events = cost.opening;
  let supersteps = 0;
  do {
    events += superstepEvents(cost, 1);
    supersteps++;
  } while (!nearHistoryLimit(cost, events, 1));
  return supersteps;
}
