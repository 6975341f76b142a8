import type { FunctionRole, StateMachineSpec } from "#engine";

/**
 * What a superstep costs in Step Functions terms, read off the very definition the ASL builder
 * makes (functions/engine/asl.ts), so a change to the loop's states changes the latency model
 * with it. Every state entered is one state transition (Standard bills each; Express runs the
 * same states); inside a Map, every item enters its own item states.
 */
export interface SuperstepShape {
  /** Transitions of the superstep besides its tasks: Route, the Map state, Commit (or RunSuperstep). */
  readonly transitions: number;
  /** Transitions each task adds inside an inline Map (ByNode + its node's Task); 0 without a Map. */
  readonly transitionsPerTask: number;
  /** The engine Lambdas the superstep invokes one after another (commit, superstep or graph). */
  readonly engineLambdas: readonly FunctionRole[];
  /** Node Lambdas per task (1 in a Map, 0 when one Lambda runs the superstep). */
  readonly lambdasPerTask: number;
  /** Items an inline Map runs at once (`MaxConcurrency`); 0 without an inline Map. */
  readonly maxConcurrency: number;
  /**
   * A Distributed Map only: each item is a child execution of its own (Express), whose states
   * are the item states (ByNode + the node's Task): transitions there, not in the parent.
   */
  readonly childTransitionsPerTask: number;
  /** S3 requests the states themselves make: the Distributed Map's ItemReader and ResultWriter. */
  readonly stateS3Requests: number;
}

/** A run's fixed parts and its superstep, inline and (per-node hosting) distributed. */
export interface DefinitionShape {
  /** The first state (Start): its transitions and Lambda. */
  readonly opening: { readonly transitions: number; readonly engineLambdas: readonly FunctionRole[] };
  /** Route's `running` branch back to Route. */
  readonly inline: SuperstepShape;
  /** Route's branch for a plan whose tasks are in S3 (`taskList`); per-node hosting only. */
  readonly distributed?: SuperstepShape;
  /** The way out of a finished run: Route and Done. */
  readonly closingTransitions: number;
}

interface State {
  readonly Type: string;
  readonly Resource?: string;
  readonly Next?: string;
  readonly Default?: string;
  readonly End?: boolean;
  readonly MaxConcurrency?: number;
  readonly ItemReader?: unknown;
  readonly ResultWriter?: unknown;
  readonly Choices?: readonly {
    readonly StringEquals?: string;
    readonly And?: readonly { readonly IsPresent?: boolean }[];
    readonly Next: string;
  }[];
  readonly ItemProcessor?: {
    readonly ProcessorConfig?: { readonly Mode?: string };
    readonly StartAt: string;
    readonly States: Readonly<Record<string, State>>;
  };
}
type States = Readonly<Record<string, State>>;

const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";

/**
 * The shape of a workflow's loop, from its built state machine.
 *
 * @example
 * shapeOf(buildStateMachine(workflow)); // per-node: inline { transitions: 3, transitionsPerTask: 2, engineLambdas: ["commit"], … }
 */
export function shapeOf(spec: StateMachineSpec): DefinitionShape {
  const states = spec.definition.States as States;
  const roleOf = (stateName: string) => spec.functions.find((f) => f.stateName === stateName)?.role;
  const route = stateNamed(states, "Route");
  const inlineNext = route.Choices?.find((c) => c.StringEquals === "running")?.Next;
  if (!inlineNext) throw new Error("Route has no `running` branch.");
  const listedNext = route.Choices?.find((c) => c.And?.some((a) => a.IsPresent))?.Next;
  const start = stateNamed(states, spec.definition.StartAt as string);
  const startRole = roleOf(spec.definition.StartAt as string);
  const done = route.Choices?.find((c) => c.StringEquals === "succeeded")?.Next;
  return {
    opening: {
      transitions: 1,
      engineLambdas: start.Resource === LAMBDA_INVOKE && startRole ? [startRole] : [],
    },
    inline: loopShape(states, inlineNext, roleOf),
    ...(listedNext ? { distributed: loopShape(states, listedNext, roleOf) } : {}),
    // Route, then Done (a Succeed: the end).
    closingTransitions: 1 + (done ? 1 : 0),
  };
}

/** From Route's branch back to Route: Route itself, every state on the way, the Map's items. */
function loopShape(
  states: States,
  first: string,
  roleOf: (stateName: string) => FunctionRole | undefined,
): SuperstepShape {
  let shape: SuperstepShape = {
    transitions: 1, // Route
    transitionsPerTask: 0,
    engineLambdas: [],
    lambdasPerTask: 0,
    maxConcurrency: 0,
    childTransitionsPerTask: 0,
    stateS3Requests: 0,
  };
  const seen = new Set<string>();
  for (let name: string | undefined = first; name && name !== "Route"; ) {
    if (seen.has(name)) throw new Error(`The loop from Route never returns to it (at "${name}").`);
    seen.add(name);
    const state = stateNamed(states, name);
    shape = { ...shape, transitions: shape.transitions + 1 };
    if (state.Type === "Map") shape = withMap(shape, state);
    const role = state.Resource === LAMBDA_INVOKE ? roleOf(name) : undefined;
    if (role) shape = { ...shape, engineLambdas: [...shape.engineLambdas, role] };
    name = state.Next;
  }
  return shape;
}

function withMap(shape: SuperstepShape, state: State): SuperstepShape {
  const items = state.ItemProcessor;
  if (!items) throw new Error("A Map state without an ItemProcessor.");
  const item = itemPath(items.States, items.StartAt);
  if (items.ProcessorConfig?.Mode === "DISTRIBUTED") {
    return {
      ...shape,
      childTransitionsPerTask: item.transitions,
      lambdasPerTask: item.lambdas,
      stateS3Requests: (state.ItemReader ? 1 : 0) + (state.ResultWriter ? 1 : 0),
    };
  }
  return {
    ...shape,
    transitionsPerTask: item.transitions,
    lambdasPerTask: item.lambdas,
    maxConcurrency: state.MaxConcurrency ?? 0,
  };
}

/**
 * An item's path through its states: a Choice goes to the branch that runs a Lambda (a task's
 * node), the longest when several; a caught failure's Pass is not on a succeeding task's path.
 */
function itemPath(states: States, start: string): { transitions: number; lambdas: number } {
  const state = stateNamed(states, start);
  const own = { transitions: 1, lambdas: state.Resource === LAMBDA_INVOKE ? 1 : 0 };
  if (state.Type === "Choice") {
    const targets = [...(state.Choices ?? []).map((c) => c.Next), ...(state.Default ? [state.Default] : [])];
    const branches = targets.map((t) => itemPath(states, t));
    const best = branches.reduce(
      (a, b) => (b.lambdas > a.lambdas || (b.lambdas === a.lambdas && b.transitions > a.transitions) ? b : a),
      { transitions: 0, lambdas: 0 },
    );
    return { transitions: own.transitions + best.transitions, lambdas: best.lambdas };
  }
  if (state.End || !state.Next) return own;
  const rest = itemPath(states, state.Next);
  return { transitions: own.transitions + rest.transitions, lambdas: own.lambdas + rest.lambdas };
}

function stateNamed(states: States, name: string): State {
  const state = states[name];
  if (!state) throw new Error(`The definition has no state "${name}".`);
  return state;
}
