/**
 * How many execution-history events a run spends, estimated from the very definition the ASL
 * builder makes — so a change to the loop's states changes the count with it.
 *
 * Standard workflows stop an execution at 25,000 history events. Each state costs a fixed number
 * of events in the history (the `HistoryEvent` types Step Functions records):
 *
 *   Task    TaskStateEntered, TaskScheduled, TaskStarted, TaskSucceeded, TaskStateExited   5
 *   Choice  ChoiceStateEntered, ChoiceStateExited                                          2
 *   Pass    PassStateEntered, PassStateExited                                              2
 *   Succeed SucceedStateEntered, SucceedStateExited                                        2
 *   Map     MapStateEntered, MapStateStarted, MapStateSucceeded, MapStateExited            4
 *           + per item MapIterationStarted, MapIterationSucceeded                          2
 *           + per item the states its item path runs (ByNode Choice + the node's Task)
 *   Distributed Map: the four, MapRunStarted and MapRunSucceeded (items run as child
 *           executions, each with its own history)                                      6
 *   a retry adds TaskFailed, TaskScheduled, TaskStarted                                    3
 *
 * so a per-node superstep of n tasks costs Route 2 + RunTasks (4 + n × (2 + 2 + 5)) + Commit 5
 * = 11 + 9n events, a per-superstep one Route 2 + RunSuperstep 5 = 7.
 */

/** Standard workflows' limit on one execution's history. */
export const HISTORY_EVENT_LIMIT = 25_000;

/**
 * Kept free for what the plan cannot see: retries of tasks that then succeeded (3 events each)
 * and Lambda service retries. 2,500 events: over 800 retries in one execution.
 */
export const HISTORY_MARGIN_EVENTS = 2_500;

const STATE_EVENTS: Readonly<Record<string, number>> = {
  Task: 5,
  Choice: 2,
  Pass: 2,
  Succeed: 2,
  Wait: 2,
  Fail: 1,
};
const MAP_EVENTS = 4;
/** MapStateEntered, MapStateStarted, MapRunStarted, MapRunSucceeded, MapStateSucceeded, MapStateExited. */
const DISTRIBUTED_MAP_EVENTS = 6;
const ITERATION_EVENTS = 2;
const RETRY_EVENTS = 3;
/** ExecutionStarted; ExecutionSucceeded (or Failed, TimedOut). */
const EXECUTION_EVENTS = 1;

/** The loop's cost in events, read off a definition (see {@link historyCostOf}). */
export interface HistoryCost {
  /** ExecutionStarted and the Start task: spent before the first superstep. */
  readonly opening: number;
  /** A superstep's events without its tasks (Route, the Map's own events, Commit). */
  readonly perSuperstep: number;
  /** Each task's events in the Map (iteration, ByNode, its node's Task); 0 without a Map. */
  readonly perTask: number;
  /** A failed task's extra: its Task's retries (the longest retrier) and the TaskFailed Pass. */
  readonly perFailedTask: number;
  /** The longest way out: Route, the Continue task, Continued and ExecutionSucceeded. */
  readonly closing: number;
}

interface State {
  readonly Type: string;
  readonly Next?: string;
  readonly Default?: string;
  readonly Choices?: readonly {
    readonly Variable?: string;
    readonly StringEquals?: string;
    readonly Next: string;
  }[];
  readonly Retry?: readonly { readonly MaxAttempts?: number }[];
  readonly ItemProcessor?: {
    readonly ProcessorConfig?: { readonly Mode?: string };
    readonly StartAt: string;
    readonly States: Readonly<Record<string, State>>;
  };
}
type States = Readonly<Record<string, State>>;

/**
 * The per-superstep cost of the definition's loop: from `Route` along its `running` branch back
 * to `Route`. An inline Map costs per item (its item path at its longest branch); a distributed
 * one records its child executions in their own histories, so only its map run here. Where the
 * loop branches (a Choice), each term is the larger of the branches': an upper bound.
 *
 * @example
 * historyCostOf(buildStateMachine(workflow).definition); // per-node: { perSuperstep: 11, perTask: 9, … }
 */
export function historyCostOf(definition: Readonly<Record<string, unknown>>): HistoryCost {
  const states = definition.States as States;
  const route = stateNamed(states, "Route");
  const branch = (status: string) => route.Choices?.find((c) => c.StringEquals === status)?.Next;
  const running = branch("running");
  if (!running) throw new Error("Route has no `running` branch.");
  const loop = loopCost(states, running, new Set());
  const continued = branch("continued");
  const closing =
    (STATE_EVENTS.Choice ?? 0) + (continued ? pathEvents(states, continued) : 0) + EXECUTION_EVENTS;
  const start = definition.StartAt as string;
  return {
    opening: EXECUTION_EVENTS + eventsOf(stateNamed(states, start)),
    perSuperstep: (STATE_EVENTS.Choice ?? 0) + loop.fixed,
    perTask: loop.perTask,
    perFailedTask: loop.perFailedTask,
    closing,
  };
}

interface LoopCost {
  readonly fixed: number;
  readonly perTask: number;
  readonly perFailedTask: number;
}
const NOTHING: LoopCost = { fixed: 0, perTask: 0, perFailedTask: 0 };
const plus = (a: LoopCost, b: LoopCost): LoopCost => ({
  fixed: a.fixed + b.fixed,
  perTask: a.perTask + b.perTask,
  perFailedTask: a.perFailedTask + b.perFailedTask,
});
const larger = (a: LoopCost, b: LoopCost): LoopCost => ({
  fixed: Math.max(a.fixed, b.fixed),
  perTask: Math.max(a.perTask, b.perTask),
  perFailedTask: Math.max(a.perFailedTask, b.perFailedTask),
});

/** Events from `name` until the loop is back at Route (or the path ends). */
function loopCost(states: States, name: string, onPath: ReadonlySet<string>): LoopCost {
  if (name === "Route") return NOTHING;
  if (onPath.has(name)) throw new Error(`The loop from Route never returns to it (at "${name}").`);
  const path = new Set([...onPath, name]);
  const state = stateNamed(states, name);
  if (state.Type === "Choice") {
    const branches = choiceTargets(state).map((next) => loopCost(states, next, path));
    return plus({ ...NOTHING, fixed: eventsOf(state) }, branches.reduce(larger, NOTHING));
  }
  const own = state.Type === "Map" ? mapCost(state) : { ...NOTHING, fixed: eventsOf(state) };
  return plus(own, state.Next ? loopCost(states, state.Next, path) : NOTHING);
}

function mapCost(state: State): LoopCost {
  const items = state.ItemProcessor;
  if (!items) throw new Error("A Map state without an ItemProcessor.");
  if (items.ProcessorConfig?.Mode === "DISTRIBUTED") return { ...NOTHING, fixed: DISTRIBUTED_MAP_EVENTS };
  return {
    fixed: MAP_EVENTS,
    perTask: ITERATION_EVENTS + pathEvents(items.States, items.StartAt),
    perFailedTask: failedTaskExtra(items.States),
  };
}

/** The events of a superstep of `tasks` tasks, `failed` of them failed after their retries. */
export function superstepEvents(cost: HistoryCost, tasks: number, failed = 0): number {
  return cost.perSuperstep + tasks * cost.perTask + failed * cost.perFailedTask;
}

/**
 * Whether an execution that has spent `events` should hand over before a superstep of `tasks`
 * tasks: that superstep, then the way out, would come within the margin of the limit.
 */
export function nearHistoryLimit(cost: HistoryCost, events: number, tasks: number): boolean {
  return events + superstepEvents(cost, tasks) + cost.closing > HISTORY_EVENT_LIMIT - HISTORY_MARGIN_EVENTS;
}

/** Events along a path of states from `start` to its end; a Choice counts its longest branch. */
function pathEvents(states: States, start: string): number {
  const state = stateNamed(states, start);
  if (state.Type === "Choice") {
    const branches = choiceTargets(state).map((next) => pathEvents(states, next));
    return eventsOf(state) + Math.max(0, ...branches);
  }
  return eventsOf(state) + (state.Next ? pathEvents(states, state.Next) : 0);
}

/** A failed item: its Task retried by the longest retrier, then the Pass that records the failure. */
function failedTaskExtra(states: States): number {
  let extra = 0;
  for (const state of Object.values(states)) {
    if (state.Type !== "Task") continue;
    const attempts = Math.max(0, ...(state.Retry ?? []).map((r) => r.MaxAttempts ?? 3));
    extra = Math.max(extra, attempts * RETRY_EVENTS);
  }
  const pass = Object.values(states).some((s) => s.Type === "Pass") ? (STATE_EVENTS.Pass ?? 0) : 0;
  return extra + pass;
}

/** Every state a Choice may go to, its Default included. */
function choiceTargets(state: State): string[] {
  return [...(state.Choices ?? []).map((c) => c.Next), ...(state.Default ? [state.Default] : [])];
}

function eventsOf(state: State): number {
  const events = STATE_EVENTS[state.Type];
  if (events === undefined) throw new Error(`No event count for a ${state.Type} state in the loop.`);
  return events;
}

function stateNamed(states: States, name: string): State {
  const state = states[name];
  if (!state) throw new Error(`The definition has no state "${name}".`);
  return state;
}
