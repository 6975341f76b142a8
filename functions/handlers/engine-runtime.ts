import { DynamoDBSaver } from "#checkpoint";
import { createEngineHandlers, type EngineHandlers } from "#engine";
import { getWorkflow } from "#workflows";

/**
 * The engine bound to this Lambda's environment, built once per cold start (STYLE.md §1): the
 * DynamoDB saver over `CHECKPOINT_TABLE`, and the workflow registry. Every engine entry point
 * (start, run-node, commit, superstep, graph) shares it; each file only picks its function.
 */
export const engine: EngineHandlers = createEngineHandlers({ saver: DynamoDBSaver.fromEnv() }, getWorkflow);
