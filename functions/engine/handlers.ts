import { z } from "zod";
import type { WorkflowDefinition } from "./define.ts";
import { InvalidPayloadError } from "./errors.ts";
import {
  commitSuperstep,
  recoverRun,
  resumeRun,
  runSuperstep,
  runTask,
  runToEnd,
  startRun,
} from "./superstep.ts";
import type { EngineDeps, SuperstepPlan, TaskFailure, TaskOutcome } from "./types.ts";

/**
 * The engine's Lambda entry logic, as plain functions over injected dependencies: the thin files
 * in `functions/handlers/` bind them to dependencies built from the environment; the local Step
 * Functions runner binds them to the embedded AWS. Each validates its payload (a malformed one
 * is a bug in the state machine: typed, never retried).
 */
const Id = z.string().min(1).max(200);
const StartEvent = z.object({
  workflow: Id,
  threadId: Id,
  runId: Id.optional(),
  input: z.unknown().optional(),
  resume: z.unknown().optional(),
  /** Continue a thread that failed or crashed, from its last checkpoint. */
  recover: z.boolean().optional(),
});
const TaskEvent = z.object({ workflow: Id, threadId: Id, checkpointId: Id, taskId: Id, node: Id });
const PlanEvent = z.object({
  workflow: Id,
  threadId: Id,
  checkpointId: Id,
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
});

export type StartEvent = z.infer<typeof StartEvent>;
export type TaskEvent = z.infer<typeof TaskEvent>;
export type PlanEvent = z.infer<typeof PlanEvent>;

export interface EngineHandlers {
  start(event: unknown): Promise<SuperstepPlan>;
  runNode(event: unknown): Promise<TaskOutcome>;
  commit(event: unknown): Promise<SuperstepPlan>;
  superstep(event: unknown): Promise<SuperstepPlan>;
  graph(event: unknown): Promise<SuperstepPlan>;
}

export function createEngineHandlers(
  deps: EngineDeps,
  workflowNamed: (name: string) => WorkflowDefinition,
): EngineHandlers {
  return {
    async start(event) {
      const e = parse(StartEvent, event, "start");
      const workflow = workflowNamed(e.workflow);
      if (e.resume !== undefined)
        return resumeRun(deps, workflow, { threadId: e.threadId, resume: e.resume });
      if (e.recover) return recoverRun(deps, workflow, { threadId: e.threadId });
      return startRun(deps, workflow, { threadId: e.threadId, input: e.input });
    },
    async runNode(event) {
      const e = parse(TaskEvent, event, "run-node");
      return runTask(deps, workflowNamed(e.workflow), e);
    },
    async commit(event) {
      const e = parse(PlanEvent, event, "commit");
      const failures: TaskFailure[] = (e.results ?? [])
        .filter((r) => r.outcome === "failed")
        .map((r) => ({ taskId: r.taskId, node: r.node ?? "", error: r.error ?? {} }));
      return commitSuperstep(deps, workflowNamed(e.workflow), { ...e, failures });
    },
    async superstep(event) {
      const e = parse(PlanEvent, event, "superstep");
      return runSuperstep(deps, workflowNamed(e.workflow), e);
    },
    async graph(event) {
      const e = parse(PlanEvent, event, "graph");
      return runToEnd(deps, workflowNamed(e.workflow), e);
    },
  };
}

function parse<T>(schema: z.ZodType<T>, event: unknown, what: string): T {
  const parsed = schema.safeParse(event);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new InvalidPayloadError(`Malformed ${what} payload: ${detail}`);
  }
  return parsed.data;
}
