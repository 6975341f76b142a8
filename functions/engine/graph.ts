import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { WorkflowDefinition } from "./define.ts";
import { InvalidInputError } from "./errors.ts";

/** The compiled graph type the engine drives (state shape erased). */
export type CompiledWorkflow = ReturnType<WorkflowDefinition["graph"]["compile"]>;

/**
 * Compiles the workflow's graph against `saver`. With `retries: "step-functions"`, the nodes'
 * LangGraph retry policies are removed: on Step Functions each policy became the node's ASL
 * `Retry`, and retrying in both places would multiply the attempts.
 */
export function compileWorkflow(
  workflow: WorkflowDefinition,
  saver: BaseCheckpointSaver,
  retries: "in-process" | "step-functions" = "in-process",
): CompiledWorkflow {
  const compiled = workflow.graph.compile({ checkpointer: saver });
  if (retries === "step-functions") {
    for (const node of Object.values(compiled.nodes)) {
      (node as { retryPolicy?: unknown }).retryPolicy = undefined;
    }
  }
  return compiled;
}

/** Validates raw input and maps it to the graph's first state update; throws {@link InvalidInputError}. */
export function inputToState(workflow: WorkflowDefinition, raw: unknown): Record<string, unknown> {
  const parsed = workflow.input.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new InvalidInputError(
      workflow.name,
      parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  }
  return workflow.toState(parsed.data);
}

export function threadConfig(threadId: string) {
  return { configurable: { thread_id: threadId } };
}
