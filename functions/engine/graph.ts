import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { fieldIssues } from "#core";
import type { WorkflowDefinition } from "./define.ts";
import { InvalidInputError } from "./errors.ts";

/** The compiled graph type the engine drives (state shape erased). */
export type CompiledWorkflow = ReturnType<WorkflowDefinition["graph"]["compile"]>;

/**
 * Where a compiled graph runs, which decides who retries and who handles a node's failure:
 * - `in-process`: LangGraph does both (its retry policies, then the node's `errorHandler`);
 * - `step-functions`: the engine Lambdas; retry policies are removed, since on Step Functions
 *   each became the node's ASL `Retry` and retrying in both places would multiply attempts;
 * - `single-task`: a node Lambda running one task; error handlers are removed too, so the
 *   failure reaches the state machine's Retry, and the handler runs at commit, after the retries.
 */
export type CompileMode = "in-process" | "step-functions" | "single-task";

export function compileWorkflow(
  workflow: WorkflowDefinition,
  saver: BaseCheckpointSaver,
  mode: CompileMode = "in-process",
): CompiledWorkflow {
  const compiled = workflow.graph.compile({ checkpointer: saver });
  if (mode === "in-process") return compiled;
  for (const node of Object.values(compiled.nodes) as {
    retryPolicy?: unknown;
    errorHandlerNode?: string;
  }[]) {
    node.retryPolicy = undefined;
    if (mode === "single-task") node.errorHandlerNode = undefined;
  }
  return compiled;
}

/** The node's LangGraph error handler (a node of its own), if the graph gives it one. */
export function errorHandlerOf(graph: CompiledWorkflow, node: string): string | undefined {
  return (graph.nodes as Record<string, { errorHandlerNode?: string }>)[node]?.errorHandlerNode;
}

/**
 * Validates raw input and maps it to the graph's first state update; throws {@link InvalidInputError}.
 * The requester, when the entry point knows one and the workflow asks for it (`requesterField`),
 * is added after validation: the input itself can never name it.
 */
export function inputToState(
  workflow: WorkflowDefinition,
  raw: unknown,
  requestedBy?: string,
): Record<string, unknown> {
  const parsed = workflow.input.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new InvalidInputError(workflow.name, fieldIssues(parsed.error, { at: ["input"] }));
  }
  const update = workflow.toState(parsed.data);
  const field = workflow.requesterField;
  return field && requestedBy ? { ...update, [field]: requestedBy } : update;
}

export function threadConfig(threadId: string) {
  return { configurable: { thread_id: threadId } };
}
