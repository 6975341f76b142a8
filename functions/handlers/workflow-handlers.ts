/**
 * The `switchyard/lambda` face: the engine's Lambda handlers for workflows of your own, for an
 * app that deploys its own graphs with `switchyard/cdk` (`AgentWorkflow`'s `entryFor`). One file
 * per role exports `handler`, as `test/fixtures/cdk-app/handlers/` does.
 */
import { type EngineHandlers, UnknownWorkflowError, type WorkflowDefinition } from "#engine";
import { lambdaEngine } from "./lambda-engine.ts";

export type { EngineHandlers, WorkflowDefinition };

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
export function workflowHandlers(workflows: readonly WorkflowDefinition[]): EngineHandlers {
  const byName = new Map(workflows.map((w) => [w.name, w]));
  return lambdaEngine((name) => {
    const workflow = byName.get(name);
    if (!workflow) throw new UnknownWorkflowError(name, [...byName.keys()]);
    return workflow;
  });
}
