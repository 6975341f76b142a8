import { ConfigurationError, readEnv } from "#config";
import { type EngineSteps, UnknownWorkflowError } from "#engine";
import { loadWorkflow } from "#workflows/registry";
import { lambdaEngine } from "./lambda-engine.ts";

/**
 * The engine of this repository's Lambdas, built once per cold start for the one workflow the
 * function serves (`WORKFLOW_NAME`, set by `AgentWorkflow`). Only that workflow's module is
 * loaded, during the import itself (top-level await), so its cost is part of the cold start as
 * Lambda's init phase measures it, and an event naming any other workflow is refused by name.
 * Every engine entry point (start, run-node, commit, superstep, graph) shares it; each file
 * only picks its function, and the files whose Lambdas run nodes load the node code they run
 * during init too (`loadNodeCode`; lazy-node.ts): no other Lambda reads it.
 */
const { WORKFLOW_NAME, NODE_NAME } = readEnv();
export const served = await loadWorkflow(servedName(WORKFLOW_NAME));
/** The one node a per-node function serves (`NODE_NAME`); undefined for the other roles. */
export const servedNode: string | undefined = NODE_NAME;

export const engine: EngineSteps = lambdaEngine((name) => {
  if (name !== served.name) throw new UnknownWorkflowError(name, [served.name]);
  return served;
});

function servedName(name: string | undefined): string {
  if (!name) {
    throw new ConfigurationError(
      "WORKFLOW_NAME is not set: an engine Lambda serves the one workflow it names (AgentWorkflow sets it).",
    );
  }
  return name;
}
