import type { WorkflowDefinition } from "./define.ts";
import type { SuperstepPlan, TaskListStore, TaskRef } from "./types.ts";

/**
 * When a superstep leaves the payload for S3 and the Distributed Map (docs/engine.md, "Scale:
 * the Distributed Map"). The plan carries ~75 bytes per task and the inline Map's results as
 * many again, so 1,000 tasks stay well inside Step Functions' 256 KB payload.
 */
export const DEFAULT_DISTRIBUTED_ABOVE = 1000;
/** Child executions at once when no node of the superstep says otherwise. */
export const DEFAULT_DISTRIBUTED_CONCURRENCY = 500;
/** Step Functions' ceiling on a Distributed Map's `MaxConcurrency`. */
export const DISTRIBUTED_MAX_CONCURRENCY = 10_000;

/**
 * The task count above which a superstep runs as a Distributed Map: the lowest
 * `distributedAbove` among the nodes it runs, so a node that asks for it early gets it.
 */
export function distributedAbove(workflow: WorkflowDefinition, tasks: readonly TaskRef[]): number {
  return lowest(workflow, tasks, (n) => n.distributedAbove, DEFAULT_DISTRIBUTED_ABOVE);
}

/**
 * The Distributed Map's `MaxConcurrency` for a superstep: the lowest `maxConcurrency` among
 * the nodes it runs, so no node sees more of its tasks at once than it allows.
 */
export function distributedConcurrency(workflow: WorkflowDefinition, tasks: readonly TaskRef[]): number {
  return lowest(workflow, tasks, (n) => n.maxConcurrency, DEFAULT_DISTRIBUTED_CONCURRENCY);
}

/** Whether a plan's superstep runs as a Distributed Map (per-node hosting only: the others have no Map). */
export function runsDistributed(workflow: WorkflowDefinition, plan: SuperstepPlan): boolean {
  return (
    workflow.hosting === "per-node" &&
    plan.status === "running" &&
    plan.tasks.length > distributedAbove(workflow, plan.tasks)
  );
}

/**
 * The plan as it enters the state machine: a superstep above its threshold has its tasks written
 * to S3 and carries only their location and count; any other plan is unchanged. Without a store
 * (no data bucket configured) every superstep stays inline.
 */
export async function withTaskList(
  store: TaskListStore | undefined,
  workflow: WorkflowDefinition,
  plan: SuperstepPlan,
): Promise<SuperstepPlan> {
  if (!store || !runsDistributed(workflow, plan)) return plan;
  const taskList = await store.write(plan, distributedConcurrency(workflow, plan.tasks));
  return { ...plan, tasks: [], taskList };
}

function lowest(
  workflow: WorkflowDefinition,
  tasks: readonly TaskRef[],
  setting: (n: NonNullable<WorkflowDefinition["nodes"][string]>) => number | undefined,
  fallback: number,
): number {
  const nodes = new Set(tasks.map((t) => t.node));
  const values = [...nodes].map((node) => workflow.nodes[node]).flatMap((n) => (n ? [setting(n)] : []));
  const set = values.filter((v): v is number => v !== undefined);
  return set.length === 0 ? fallback : Math.min(...set);
}
