import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import { Faults } from "./faults.ts";

/**
 * Injects the armed `node` and `tool` faults from inside LangGraph's own run, as LangChain
 * callbacks: a node fault fails the node's task exactly where a bug in the node would, so
 * LangGraph's retry policy, the state machine's Retry, error writes and recovery all see a real
 * failure, in every runner and hosting mode. Pass it in the engine's `callbacks`.
 *
 * @example
 * const faults = new Faults(parseFaults("node:classify=timeout*2", "dev"));
 * await runOnStepFunctions(workflow, input, { aws, callbacks: [new FaultInjectionCallbacks(faults)] });
 */
export class FaultInjectionCallbacks extends BaseCallbackHandler {
  override name = "switchyard-fault-injection";
  // Thrown errors must reach the node (raiseError) before it runs (awaitHandlers).
  override raiseError = true;
  override awaitHandlers = true;

  constructor(readonly faults: Faults) {
    super();
  }

  override async handleChainStart(
    _chain: Serialized,
    _inputs: unknown,
    _runId: string,
    _parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    _runType?: string,
    runName?: string,
  ): Promise<void> {
    // A node task's own run: LangGraph tags it with its step and names it after the node.
    const isNodeTask =
      runName !== undefined &&
      metadata?.langgraph_node === runName &&
      tags?.some((t) => t.startsWith("graph:step:"));
    if (isNodeTask) this.faults.inject("node", runName);
  }

  override async handleToolStart(
    tool: Serialized,
    _input: string,
    _runId: string,
    _parentRunId?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    runName?: string,
  ): Promise<void> {
    const name = runName ?? (tool.id?.at(-1) as string | undefined);
    if (name) this.faults.inject("tool", name);
  }
}

/** The fault callbacks for `FAULTS` in the environment, or none when nothing is armed. */
export function faultCallbacksFromEnv(
  source: Record<string, string | undefined> = process.env,
): FaultInjectionCallbacks[] {
  const faults = Faults.fromEnv(source);
  return faults.armed ? [new FaultInjectionCallbacks(faults)] : [];
}
