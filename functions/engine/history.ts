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
  readonly Choices?: readonly {
    readonly Variable?: string;
    readonly StringEquals?: string;
    readonly Next: string;
  }[];
  readonly Retry?: readonly { readonly MaxAttempts?: number }[];
  readonly ItemProcessor?: { readonly StartAt: string; readonly States: Readonly<Record<string, State>> };
}
type States = Readonly<Record<string, State>>;

/**
 * The per-superstep cost of the definition's loop: from `Route` along its `running` branch back
 * to `Route`, a Map's item path taken at its longest branch.
 *
 * @example
 * historyCostOf(buildStateMachine(workflow).definition); // per-node: { perSuperstep: 11, perTask: 9, … }
 */
export function historyCostOf(definition: Readonly<Record<string, unknown>>): HistoryCost {
  const states = definition.States as States;
  const route = stateNamed(states, "Route");
  const branch = (status: string) => route.Choices?.find((c) => c.StringEquals === status)?.Next;
  let perSuperstep = STATE_EVENTS.Choice ?? 0;
  let perTask = 0;
  let perFailedTask = 0;
  const seen = new Set<string>();
  for (let name = branch("running"); name && name !== "Route"; name = stateNamed(states, name).Next) {
    if (seen.has(name)) throw new Error(`The loop from Route never returns to it (at "${name}").`);
    seen.add(name);
    const state = stateNamed(states, name);
    if (state.Type === "Map" && state.ItemProcessor) {
      perSuperstep += MAP_EVENTS;
      perTask += ITERATION_EVENTS + pathEvents(state.ItemProcessor.States, state.ItemProcessor.StartAt);
      perFailedTask = Math.max(perFailedTask, failedTaskExtra(state.ItemProcessor.States));
    } else perSuperstep += eventsOf(state);
  }
  const continued = branch("continued");
  const closing =
    (STATE_EVENTS.Choice ?? 0) + (continued ? pathEvents(states, continued) : 0) + EXECUTION_EVENTS;
  const start = definition.StartAt as string;
  return {
    opening: EXECUTION_EVENTS + eventsOf(stateNamed(states, start)),
    perSuperstep,
    perTask,
    perFailedTask,
    closing,
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
    const branches = (state.Choices ?? []).map((c) => pathEvents(states, c.Next));
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
