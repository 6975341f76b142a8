import { randomUUID } from "node:crypto";
import { z } from "zod";
import { lazily } from "#core";
import { afterSuperstep, continueIfDue, openingHistory } from "./continuation.ts";
import type { WorkflowDefinition } from "./define.ts";
import { InvalidInputError, InvalidPayloadError } from "./errors.ts";
import { withTaskList } from "./fan-out.ts";
import { nodeFailure } from "./retry.ts";
import { startedBy } from "./run-stamp.ts";
import {
  commitSuperstep,
  recoverRun,
  resumeRun,
  runGraph,
  runSuperstep,
  runTask,
  startRun,
} from "./superstep.ts";
import type {
  EngineDeps,
  EngineObserver,
  ManifestRef,
  SuperstepPlan,
  TaskFailure,
  TaskOutcome,
} from "./types.ts";

/**
 * The engine's Lambda entry logic, as plain functions over injected dependencies: the thin files
 * in `functions/handlers/` bind them to dependencies built from the environment; the local Step
 * Functions runner binds them to the embedded AWS. Each validates its payload (a malformed one
 * is a bug in the state machine: typed, never retried).
 */
// Built on first use (lazily, #core): a Lambda serves one role and parses one of these events.
const Id = () => z.string().min(1).max(200);
const StartEvent = lazily(() =>
  z.object({
    workflow: Id(),
    threadId: Id(),
    runId: Id().optional(),
    input: z.unknown().optional(),
    resume: z.unknown().optional(),
    /** Continue a thread that failed or crashed, from its last checkpoint. */
    recover: z.boolean().optional(),
    /**
     * The lease holder of the execution this one continues (continue-as-new, a recovery): the
     * thread's lease passes from it to this execution instead of refusing it as busy.
     */
    continues: Id().optional(),
    /** The run's own continue-as-new setting, over the workflow's (see continuation.ts). */
    continueAsNew: z.object({ afterSupersteps: z.number().int().min(1) }).optional(),
    /** LangGraph's `recursionLimit` for this run (a start or a resume); the workflow's otherwise. */
    recursionLimit: z.number().int().min(1).optional(),
    /** Who asked for the run, as its entry point authenticated them (`requesterField`). */
    requestedBy: z.string().min(1).max(2048).optional(),
  }),
);
const Budget = () => z.object({ limit: z.number().int().min(1), stop: z.number().int() });
const History = () =>
  z.object({
    supersteps: z.number().int().min(0),
    events: z.number().int().min(0),
    afterSupersteps: z.number().int().min(1).optional(),
  });
const TaskEvent = lazily(() =>
  z.object({ workflow: Id(), threadId: Id(), checkpointId: Id(), taskId: Id(), node: Id() }),
);
const PlanEvent = lazily(() =>
  z.object({
    workflow: Id(),
    threadId: Id(),
    checkpointId: Id(),
    lease: Id().optional(),
    recursion: Budget().optional(),
    history: History().optional(),
    results: z
      .array(
        z.object({
          taskId: z.string(),
          outcome: z.string(),
          node: z.string().optional(),
          error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
        }),
      )
      .optional(),
    /** A Distributed Map's `ResultWriter` manifest (its `ResultWriterDetails`): failures are read from it. */
    manifest: z.object({ bucket: z.string().min(1), key: z.string().min(1) }).optional(),
  }),
);

export type StartEvent = z.infer<ReturnType<typeof StartEvent>>;
export type TaskEvent = z.infer<ReturnType<typeof TaskEvent>>;
export type PlanEvent = z.infer<ReturnType<typeof PlanEvent>>;

export interface EngineSteps {
  start(event: unknown): Promise<SuperstepPlan>;
  runNode(event: unknown): Promise<TaskOutcome>;
  commit(event: unknown): Promise<SuperstepPlan>;
  superstep(event: unknown): Promise<SuperstepPlan>;
  graph(event: unknown): Promise<SuperstepPlan>;
}

/**
 * `runNode` for a function that serves one node (per-node hosting: `NODE_NAME`): a task of any
 * other node is refused as a malformed payload, never run — it would run without that node's
 * grants, memory and timeout. Without a node, every task runs (the local runner, tests).
 *
 * @example
 * const runNode = servingNode("classify", steps.runNode);
 * await runNode({ ...task, node: "report" }); // throws Switchyard.InvalidPayload
 */
export function servingNode(
  node: string | undefined,
  runNode: EngineSteps["runNode"],
): EngineSteps["runNode"] {
  if (node === undefined) return runNode;
  return async (event) => {
    const e = parse(TaskEvent(), event, "run-node");
    if (e.node !== node) {
      throw new InvalidPayloadError(
        `Malformed run-node payload: a task of node "${e.node}" sent to the function of node "${node}"`,
      );
    }
    return runNode(event);
  };
}

export function createEngineSteps(
  deps: EngineDeps,
  workflowNamed: (name: string) => WorkflowDefinition,
): EngineSteps {
  const planned = (from: Parameters<NonNullable<EngineObserver["onPlan"]>>[1]) => (plan: SuperstepPlan) => {
    deps.observer?.onPlan?.(plan, from);
    return plan;
  };
  const { leases, taskLists } = deps;
  /** A superstep too wide for the payload leaves with its tasks in S3 (observers saw them all). */
  const listed = (workflow: WorkflowDefinition) => (plan: SuperstepPlan) =>
    withTaskList(taskLists, workflow, plan);
  const failuresIn = async (manifest: ManifestRef | undefined): Promise<TaskFailure[]> => {
    if (!manifest) return [];
    if (!taskLists)
      throw new InvalidPayloadError("Malformed commit payload: manifest: this engine has no task-list store");
    return taskLists.failures(manifest);
  };
  const renew = (e: PlanEvent) => renewOf(leases, e);
  /**
   * The plan as it leaves: carrying the lease on, or giving it up once the run stops — except
   * to a successor (continued), which takes it over from this holder.
   */
  const held = (holder: string | undefined) => async (plan: SuperstepPlan) => {
    if (!leases || holder === undefined) return plan;
    if (plan.status !== "running" && plan.status !== "continued")
      await leases.release(
        plan.threadId,
        holder,
        plan.error && { ...plan.error, checkpointId: plan.checkpointId },
      );
    return { ...plan, lease: holder };
  };
  /** A new execution's first plan starts its history count (continuation.ts). */
  const opened = (workflow: WorkflowDefinition, e: StartEvent) => (plan: SuperstepPlan) => ({
    ...plan,
    history: openingHistory(workflow, e.continueAsNew?.afterSupersteps),
  });
  /** After a superstep: counted against this execution's history, continued when due. */
  const counted =
    (workflow: WorkflowDefinition, e: PlanEvent, tasks: number, failed: number) => (plan: SuperstepPlan) => {
      const history = afterSuperstep(workflow, e.history, tasks, failed);
      // The successor takes the lease over from the holder the plan names.
      return continueIfDue(workflow, { ...plan, history, ...(e.lease ? { lease: e.lease } : {}) });
    };
  return {
    async start(event) {
      const e = parse(StartEvent(), event, "start");
      const workflow = workflowNamed(e.workflow);
      if (e.continueAsNew && workflow.hosting === "per-graph") {
        const message = "per-graph hosting runs the graph in one Lambda: it never continues as new";
        throw new InvalidInputError(workflow.name, [{ path: "continueAsNew", message }]);
      }
      // The run id names the execution, so a retried start is the same holder taking it again.
      const holder = leases ? (e.runId ?? randomUUID()) : undefined;
      if (leases && holder)
        await leases.take(e.threadId, holder, {
          workflow: workflow.name,
          ...(e.continues ? { from: e.continues } : {}),
        });
      try {
        if (e.resume !== undefined) {
          const request = { threadId: e.threadId, resume: e.resume, recursionLimit: e.recursionLimit };
          return await resumeRun(deps, workflow, request)
            .then(opened(workflow, e))
            .then(held(holder))
            .then(planned("resume"))
            .then(listed(workflow));
        }
        if (e.recover)
          return await recoverRun(deps, workflow, { threadId: e.threadId })
            .then(opened(workflow, e))
            .then(held(holder))
            .then(planned(e.continues ? "continue" : "recover"))
            .then(listed(workflow));
        // Express is at-least-once and does not refuse a second execution of a name: a start
        // whose run already applied its input continues that run instead (run-stamp.ts).
        if (e.runId && workflow.execution === "express" && (await startedBy(deps.saver, e.threadId, e.runId)))
          return await recoverRun(deps, workflow, { threadId: e.threadId })
            .then(opened(workflow, e))
            .then(held(holder))
            .then(planned("start"))
            .then(listed(workflow));
        const request = {
          threadId: e.threadId,
          input: e.input,
          recursionLimit: e.recursionLimit,
          ...(e.requestedBy ? { requestedBy: e.requestedBy } : {}),
          ...(e.runId ? { runId: e.runId } : {}),
        };
        return await startRun(deps, workflow, request)
          .then(opened(workflow, e))
          .then(held(holder))
          .then(planned("start"))
          .then(listed(workflow));
      } catch (error) {
        // A refused start (bad input, not waiting) leaves the thread to whoever comes next.
        if (leases && holder) await leases.release(e.threadId, holder).catch(() => undefined);
        throw error;
      }
    },
    async runNode(event) {
      const e = parse(TaskEvent(), event, "run-node");
      const started = performance.now();
      const report = (outcome?: TaskOutcome["outcome"], error?: unknown) =>
        deps.observer?.onTask?.({
          ...e,
          ms: performance.now() - started,
          ...(outcome ? { outcome } : {}),
          ...(error ? { error } : {}),
        });
      try {
        const result = await runTask(deps, workflowNamed(e.workflow), e);
        report(result.outcome);
        return result;
      } catch (error) {
        report(undefined, error);
        throw nodeFailure(workflowNamed(e.workflow), e.node, error);
      }
    },
    async commit(event) {
      const e = parse(PlanEvent(), event, "commit");
      const workflow = workflowNamed(e.workflow);
      // An inline Map's failures arrive in the payload; a Distributed Map's in its result manifest.
      const failures: TaskFailure[] = [
        ...(e.results ?? [])
          .filter((r) => r.outcome === "failed")
          .map((r) => ({ taskId: r.taskId, node: r.node ?? "", error: r.error ?? {} })),
        ...(await failuresIn(e.manifest)),
      ];
      await renew(e);
      return commitSuperstep(deps, workflow, { ...e, failures })
        .then(counted(workflow, e, e.results?.length ?? 0, failures.length))
        .then(held(e.lease))
        .then(planned("commit"))
        .then(listed(workflow));
    },
    async superstep(event) {
      const e = parse(PlanEvent(), event, "superstep");
      await renew(e);
      const workflow = workflowNamed(e.workflow);
      return runSuperstep(deps, workflow, e)
        .then(counted(workflow, e, 0, 0))
        .then(held(e.lease))
        .then(planned("superstep"));
    },
    async graph(event) {
      const e = parse(PlanEvent(), event, "graph");
      await renew(e);
      return runGraph(deps, workflowNamed(e.workflow), e).then(held(e.lease)).then(planned("graph"));
    },
  };
}

/**
 * Checked before a commit writes: an execution whose lease another has taken (it was presumed
 * dead) stops with `Switchyard.ThreadBusy` instead of writing over the newcomer's supersteps.
 */
async function renewOf(leases: EngineDeps["leases"], e: PlanEvent): Promise<void> {
  if (leases && e.lease) await leases.renew(e.threadId, e.lease);
}

function parse<T>(schema: z.ZodType<T>, event: unknown, what: string): T {
  const parsed = schema.safeParse(event);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new InvalidPayloadError(`Malformed ${what} payload: ${detail}`);
  }
  return parsed.data;
}
