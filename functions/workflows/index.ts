import { UnknownWorkflowError, type WorkflowDefinition } from "#engine";
import { loadWorkflows } from "./registry.ts";

export * from "./investigation/index.ts";
export * from "./reconciliation/index.ts";
export { loadWorkflow, WORKFLOW_MODULES, WorkflowRegistryError } from "./registry.ts";
export * from "./triage/index.ts";
export { UnknownWorkflowError };

/**
 * Every workflow Switchyard can run, by name, loaded: the CDK app and the CLI read this. The one
 * list of them is registry.ts, where each sits behind its own `import()` so that a Lambda loads
 * only the one it serves.
 */
export const workflows: Record<string, WorkflowDefinition> = await loadWorkflows();

/**
 * The registered workflow called `name`.
 *
 * @example
 * const { graph, input } = getWorkflow("triage");
 */
export function getWorkflow(name: string): WorkflowDefinition {
  const workflow = Object.hasOwn(workflows, name) ? workflows[name] : undefined;
  if (!workflow) throw new UnknownWorkflowError(name, Object.keys(workflows));
  return workflow;
}
