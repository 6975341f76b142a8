import type { EngineHandlers } from "#engine";
import { getWorkflow } from "#workflows";
import { lambdaEngine } from "./lambda-engine.ts";

/**
 * The engine of this repository's Lambdas, built once per cold start over the `#workflows`
 * registry. Every engine entry point (start, run-node, commit, superstep, graph) shares it; each
 * file only picks its function.
 */
export const engine: EngineHandlers = lambdaEngine(getWorkflow);
