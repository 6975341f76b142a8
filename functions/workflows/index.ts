import { UnknownWorkflowError, type WorkflowDefinition } from "#engine";
import { investigation } from "./investigation/index.ts";
import { reconciliation } from "./reconciliation/index.ts";
import { triage } from "./triage/index.ts";

export * from "./investigation/index.ts";
export * from "./reconciliation/index.ts";
export * from "./triage/index.ts";
export { UnknownWorkflowError };

/**
 * Every workflow Switchyard can run, by name, one line each. The CDK app and the CLI both read
 * this registry. `switchyard new workflow <name>` adds a workflow's import above and its line
 * here (local/cli/new-workflow.ts); deleting both lines unregisters it.
 */
export const workflows: Record<string, WorkflowDefinition> = {
  [triage.name]: triage,
  [reconciliation.name]: reconciliation,
  [investigation.name]: investigation,
};

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
