import type { StateGraph } from "@langchain/langgraph";
import type { z } from "zod";
import { refuseExpressOverLimits } from "./express.ts";
import { DISTRIBUTED_MAX_CONCURRENCY } from "./fan-out.ts";
import { refuseUnsupportedFeatures } from "./features.ts";
import { graphInputSchema } from "./state-input.ts";

/**
 * Any uncompiled LangGraph `StateGraph`. The engine treats graphs structurally (node names,
 * edges, retry policies), so the state's type parameters do not matter here.
 */
// biome-ignore lint/suspicious/noExplicitAny: a workflow registry holds graphs of every state shape.
export type AnyStateGraph = StateGraph<any, any, any, any, any, any, any, any, any, any>;

/**
 * How a workflow is hosted on AWS — a Lambda per node, one per superstep, or one for the whole
 * graph; all three give the same result (docs/architecture.md, "The superstep protocol").
 */
export const HOSTINGS = ["per-node", "per-superstep", "per-graph"] as const;
export type Hosting = (typeof HOSTINGS)[number];

/**
 * The state machine type on AWS (docs/engine.md, "Express execution"): `standard` (exactly-once,
 * up to a year, history kept by Step Functions) or `express` (at-least-once, at most 5 minutes,
 * history in CloudWatch Logs, priced by request and duration). Both run the same definition.
 */
export type Execution = "standard" | "express";

/** Per-node settings for the node's own Lambda. */
export interface NodeSettings {
  /** Lambda memory in MB (default 512). */
  readonly memoryMb?: number;
  /** Lambda and Task timeout in seconds (default 60). */
  readonly timeoutSeconds?: number;
  /** Overrides the graph's `retryPolicy` for this node on Step Functions. */
  readonly retry?: {
    readonly maxAttempts?: number;
    readonly initialIntervalMs?: number;
    readonly backoffFactor?: number;
    readonly maxIntervalMs?: number;
    readonly jitter?: boolean;
    /**
     * Error codes never retried on Step Functions. The graph's own `retryPolicy.retryOn` needs no
     * list (the node Lambda applies it: `nodeFailure` in retry.ts); this is for codes a retry set
     * only here should refuse.
     */
    readonly nonRetryable?: readonly string[];
  };
  /** Reserved concurrency of the node's Lambda (protects downstream systems). */
  readonly reservedConcurrency?: number;
  /**
   * A superstep running this node with more tasks than this runs as a Step Functions
   * Distributed Map, its task list and results in S3 (default 1,000; the lowest of the
   * superstep's nodes applies). docs/engine.md, "Scale: the inline Map and the Distributed Map".
   */
  readonly distributedAbove?: number;
  /**
   * At most this many tasks of a Distributed Map superstep run at once (default 500, at most
   * 10,000; the lowest of the superstep's nodes applies). The inline Map runs 40 at once.
   */
  readonly maxConcurrency?: number;
}

/** A one-screen account of a finished run, printed by the CLI and returned by `--json`. */
export interface RunSummary {
  readonly headline: string;
  /** What each agent/node did, in order. */
  readonly steps: readonly { readonly node: string; readonly did: string }[];
  /** Headline figures (breaks found, resolved, escalated, ...). */
  readonly figures: Readonly<Record<string, number | string>>;
}

/**
 * What a workflow's finished run produced, for programs (`GET /runs/{id}/result`, `switchyard
 * status`): reconciliation's breaks by category, investigation's root causes, triage's decision.
 * Each workflow declares its own in `functions/workflows/<name>/result.ts`.
 */
export interface WorkflowResult<State = unknown> {
  /** The result of a final (or waiting) state: plain JSON, small (outputs are linked, not inlined). */
  of(state: State): Readonly<Record<string, unknown>>;
  /** Its shape, published as JSON Schema in the OpenAPI document. */
  readonly schema: z.ZodType;
  /** What each node that stops at `interrupt()` accepts as an answer, by node name. */
  readonly answers?: Readonly<Record<string, z.ZodType>>;
}

export interface WorkflowDefinition<Input = unknown, State = unknown> {
  readonly name: string;
  readonly description: string;
  readonly graph: AnyStateGraph;
  /**
   * Validates a run request's input; the engine rejects invalid input before any state is written.
   * Without one in `defineWorkflow`, the graph's own input schema (see state-input.ts).
   */
  readonly input: z.ZodType<Input>;
  /**
   * Turns validated input into the graph's initial state update. (Method syntax on purpose:
   * it keeps a `WorkflowDefinition<X>` assignable to the registry's `WorkflowDefinition`.)
   */
  toState(input: Input): Record<string, unknown>;
  readonly nodes: Readonly<Record<string, NodeSettings>>;
  readonly hosting: Hosting;
  /** Standard or Express state machine (default standard); express is refused past its limits. */
  readonly execution: Execution;
  /**
   * The state key a run's requester is written to when it starts — who asked for it as the entry
   * point authenticated them (the API's caller, `local:<OS user>` at the CLI), never from the
   * input, so four-eyes rules can exclude them. Absent: the graph is not told.
   */
  readonly requesterField?: string;
  /**
   * LangGraph's `recursionLimit` for each run of this workflow (25, LangGraph's own, when
   * absent); a run may set its own. Counted as LangGraph counts it: see recursion.ts.
   */
  readonly recursionLimit?: number;
  /**
   * Continue-as-new: an execution hands the run over to a new one on the same thread after
   * this many supersteps (it does anyway near Standard workflows' 25,000-event history; see
   * continuation.ts). Absent: only near the history limit. The Express rule counts it (express.ts).
   */
  readonly continueAsNew?: { readonly afterSupersteps: number };
  /** Summarises a final state for people (CLI, reports). */
  summarize?(state: State): RunSummary;
  /** Where a finished run wrote its results, by name (`GET /runs/{id}` and `--json` point to them). */
  outputs?(state: State): Readonly<Record<string, string>> | undefined;
  /** The workflow's declared result (`GET /runs/{id}/result`); absent: the run has no result route. */
  readonly result?: WorkflowResult<State>;
  /**
   * Loads the code of the named nodes (every node when absent) where it loads lazily
   * (`nodeCode`, lazy-node.ts); resolves at once for the rest. A node Lambda calls it during init.
   */
  loadNodeCode(nodes?: readonly string[]): Promise<void>;
}

export interface DefineWorkflowOptions<Input, State> {
  name: string;
  description?: string;
  graph: AnyStateGraph;
  /** The run input's schema; absent, the run input is the graph's own input (its state schema's). */
  input?: z.ZodType<Input>;
  toState?: (input: Input) => Record<string, unknown>;
  nodes?: Record<string, NodeSettings>;
  hosting?: Hosting;
  /** See {@link WorkflowDefinition.execution}; default `standard`. */
  execution?: Execution;
  /** See {@link WorkflowDefinition.requesterField}. */
  requesterField?: string;
  recursionLimit?: number;
  /** See {@link WorkflowDefinition.continueAsNew}. */
  continueAsNew?: { readonly afterSupersteps: number };
  summarize?: (state: State) => RunSummary;
  outputs?: (state: State) => Readonly<Record<string, string>> | undefined;
  result?: WorkflowResult<State>;
  /**
   * The nodes whose code loads on first use, by node name (`lazyNodes`, lazy-node.ts): what a
   * node Lambda loads during init, each its own node's. Nodes not named here load with the graph.
   */
  nodeCode?: Readonly<Record<string, { load(): Promise<unknown> }>>;
}

const NAME_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;

/** `distributedAbove` and `maxConcurrency` are whole task counts; the latter within Step Functions' ceiling. */
function refuseBadFanOutSettings(workflow: string, nodes: Readonly<Record<string, NodeSettings>>): void {
  for (const [node, settings] of Object.entries(nodes)) {
    const { distributedAbove, maxConcurrency } = settings;
    if (distributedAbove !== undefined && (!Number.isInteger(distributedAbove) || distributedAbove < 0)) {
      throw new TypeError(
        `Workflow "${workflow}": nodes.${node}.distributedAbove must be a whole number of tasks (0 or more).`,
      );
    }
    if (
      maxConcurrency !== undefined &&
      (!Number.isInteger(maxConcurrency) ||
        maxConcurrency < 1 ||
        maxConcurrency > DISTRIBUTED_MAX_CONCURRENCY)
    ) {
      throw new TypeError(
        `Workflow "${workflow}": nodes.${node}.maxConcurrency must be a whole number from 1 to ${DISTRIBUTED_MAX_CONCURRENCY}.`,
      );
    }
  }
}

/**
 * Registers a LangGraph `StateGraph` as a Switchyard workflow, runnable in-process and on Step Functions.
 *
 * @example
 * export const triage = defineWorkflow({
 *   name: "triage",
 *   graph: buildTriageGraph(),
 *   input: TriageInput,
 *   nodes: { classify: { memoryMb: 1024 } },
 * });
 */
export function defineWorkflow<Input, State = unknown>(
  options: DefineWorkflowOptions<Input, State>,
): WorkflowDefinition<Input, State> {
  if (!NAME_PATTERN.test(options.name)) {
    throw new TypeError(
      `Workflow name "${options.name}" must match ${NAME_PATTERN} (it names AWS resources).`,
    );
  }
  if (
    options.recursionLimit !== undefined &&
    (!Number.isInteger(options.recursionLimit) || options.recursionLimit < 1)
  ) {
    throw new TypeError(`Workflow "${options.name}": recursionLimit must be an integer of at least 1.`);
  }
  const after = options.continueAsNew?.afterSupersteps;
  if (options.continueAsNew !== undefined && (!Number.isInteger(after) || (after as number) < 1)) {
    throw new TypeError(
      `Workflow "${options.name}": continueAsNew.afterSupersteps must be an integer of at least 1.`,
    );
  }
  if (options.continueAsNew !== undefined && options.hosting === "per-graph") {
    throw new TypeError(
      `Workflow "${options.name}": continueAsNew needs per-node or per-superstep hosting (per-graph hosting runs the graph in one Lambda, one execution).`,
    );
  }
  refuseUnsupportedFeatures(options.name, options.graph);
  refuseBadFanOutSettings(options.name, options.nodes ?? {});
  const graphNodes = new Set(Object.keys(options.graph.nodes));
  for (const node of Object.keys(options.nodes ?? {})) {
    if (!graphNodes.has(node)) {
      throw new TypeError(`Workflow "${options.name}" has settings for unknown node "${node}".`);
    }
  }
  const nodeCode = options.nodeCode ?? {};
  for (const node of Object.keys(nodeCode)) {
    if (!graphNodes.has(node)) {
      throw new TypeError(`Workflow "${options.name}" has nodeCode for unknown node "${node}".`);
    }
  }
  if (options.hosting !== undefined && !HOSTINGS.includes(options.hosting)) {
    throw new TypeError(
      `Workflow "${options.name}": hosting must be "per-node", "per-superstep" or "per-graph", not ${JSON.stringify(options.hosting)}.`,
    );
  }
  if (options.execution !== undefined && !EXECUTIONS.includes(options.execution)) {
    throw new TypeError(
      `Workflow "${options.name}": execution must be "standard" or "express", not ${JSON.stringify(options.execution)}.`,
    );
  }
  const definition: WorkflowDefinition<Input, State> = {
    name: options.name,
    description: options.description ?? options.name,
    graph: options.graph,
    input: options.input ?? (graphInputSchema(options.graph) as unknown as z.ZodType<Input>),
    toState: options.toState ?? ((input) => input as Record<string, unknown>),
    nodes: options.nodes ?? {},
    hosting: options.hosting ?? "per-node",
    execution: options.execution ?? "standard",
    ...(options.requesterField === undefined ? {} : { requesterField: options.requesterField }),
    ...(options.recursionLimit === undefined ? {} : { recursionLimit: options.recursionLimit }),
    ...(options.continueAsNew === undefined
      ? {}
      : { continueAsNew: { afterSupersteps: options.continueAsNew.afterSupersteps } }),
    ...(options.summarize ? { summarize: options.summarize } : {}),
    ...(options.outputs ? { outputs: options.outputs } : {}),
    ...(options.result ? { result: options.result } : {}),
    async loadNodeCode(nodes = Object.keys(nodeCode)) {
      await Promise.all(
        nodes.map((node) => (Object.hasOwn(nodeCode, node) ? nodeCode[node]?.load() : undefined)),
      );
    },
  };
  refuseExpressOverLimits(definition as WorkflowDefinition);
  return definition;
}

const EXECUTIONS: readonly Execution[] = ["standard", "express"];
