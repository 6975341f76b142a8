import { createHash } from "node:crypto";
import { buildStateMachine } from "./asl.ts";
import type { WorkflowDefinition } from "./define.ts";
import { type HistoryCost, historyCostOf, nearHistoryLimit, superstepEvents } from "./history.ts";
import type { ExecutionHistory, Successor, SuperstepPlan } from "./types.ts";

/**
 * Continue-as-new: a long run hands over to a new execution of the same state machine on the
 * same thread before its execution's history fills up (or after `continueAsNew.afterSupersteps`).
 * The successor is a recovery of the thread — the same invoke, so the recursion limit keeps
 * counting — and takes the lease over from this execution (see handlers.ts), so one execution
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

/** A new execution's history, once its Start task has returned. */
export function openingHistory(workflow: WorkflowDefinition): ExecutionHistory {
  return { supersteps: 0, events: historyCost(workflow).opening };
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
  if (plan.status !== "running" || !history || workflow.hosting === "single") return plan;
  const after = workflow.continueAsNew?.afterSupersteps;
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
  plan: Pick<SuperstepPlan, "workflow" | "threadId" | "checkpointId" | "lease">,
): Successor {
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
    },
  };
}
