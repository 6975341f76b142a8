/**
 * The `switchyard/lambda` face: what runs inside a Lambda of an app that deploys its own graphs
 * with `switchyard/cdk` — the engine's handlers over its workflows (`AgentWorkflow`'s `entryFor`
 * names one file per role exporting `handler`, as `test/fixtures/cdk-app/handlers/` does) and
 * `defineWorkflow` for the module that defines them. That module is imported by the CDK app and
 * by the handlers alike, so it takes `defineWorkflow` from here: `switchyard/engine` also carries
 * the local Step Functions runner, which must not enter a Lambda bundle.
 */
import { type EngineSteps, UnknownWorkflowError, type WorkflowDefinition } from "#engine";
import { lambdaEngine } from "./lambda-engine.ts";

export {
  type AnyStateGraph,
  type DefineWorkflowOptions,
  defineWorkflow,
  type Hosting,
  type LazyNode,
  type LazyNodes,
  lazyNodes,
  type NodeSettings,
  type RunSummary,
} from "#engine";
export type { EngineSteps, WorkflowDefinition };

/**
 * The five engine handlers (start, runNode, commit, superstep, graph) over `workflows`, bound to
 * the Lambda's environment. Call once, at module scope (one engine per cold start).
 *
 * @example
 * // handlers/engine.ts
 * export const engine = workflowHandlers([myFlow]);
 * // handlers/start.ts
 * export const handler = (event: unknown) => engine.start(event);
 */
export function workflowHandlers(workflows: readonly WorkflowDefinition[]): EngineSteps {
  const byName = new Map(workflows.map((w) => [w.name, w]));
  return lambdaEngine((name) => {
    const workflow = byName.get(name);
    if (!workflow) throw new UnknownWorkflowError(name, [...byName.keys()]);
    return workflow;
  });
}
