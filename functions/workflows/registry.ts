import { SwitchyardError } from "#core";
import { UnknownWorkflowError, type WorkflowDefinition } from "#engine";

/**
 * Every workflow Switchyard can run, by name, each behind its own `import()`. A Lambda bundle
 * (lib/bundling) splits each workflow — its graph, its trading code and what that imports — into
 * chunks of its own, and an engine Lambda loads only the workflow it serves (`WORKFLOW_NAME`,
 * functions/handlers/engine-runtime.ts). The CDK app and the CLI read all of them through
 * `#workflows` (index.ts). `switchyard new workflow <name>` adds a line here
 * (cli/new-workflow.ts); deleting the line unregisters it.
 */
export const WORKFLOW_MODULES: Readonly<Record<string, () => Promise<WorkflowDefinition>>> = {
  triage: () => import("./triage/workflow.ts").then((m) => m.triage),
  reconciliation: () => import("./reconciliation/workflow.ts").then((m) => m.reconciliation),
  investigation: () => import("./investigation/workflow.ts").then((m) => m.investigation),
};

/** A registry line whose name is not the name its module's `defineWorkflow` gives. */
export class WorkflowRegistryError extends SwitchyardError {
  constructor(key: string, defined: string) {
    super(
      "Switchyard.WorkflowRegistry",
      `functions/workflows/registry.ts registers "${key}", but its module defines "${defined}": the key must be the workflow's name.`,
    );
  }
}

/**
 * The registered workflow called `name`, loading its module (and nothing of the others).
 *
 * @example
 * const triage = await loadWorkflow("triage");
 */
export async function loadWorkflow(name: string): Promise<WorkflowDefinition> {
  const load = Object.hasOwn(WORKFLOW_MODULES, name) ? WORKFLOW_MODULES[name] : undefined;
  if (!load) throw new UnknownWorkflowError(name, Object.keys(WORKFLOW_MODULES));
  const workflow = await load();
  if (workflow.name !== name) throw new WorkflowRegistryError(name, workflow.name);
  return workflow;
}

/** Every registered workflow by name, in registry order. */
export async function loadWorkflows(): Promise<Record<string, WorkflowDefinition>> {
  const names = Object.keys(WORKFLOW_MODULES);
  const loaded = await Promise.all(names.map(loadWorkflow));
  return Object.fromEntries(loaded.map((w) => [w.name, w]));
}
