/**
 * One run's verdict from what was observed of it (bench/lib/faults-ledger.ts gathers it). Lost
 * and doubled are judged per run, so a run that never finished and one that ran twice are two
 * failures, never a net zero.
 */
import { isDeepStrictEqual } from "node:util";

export interface Observation {
  readonly runId: string;
  /** Every execution on the run's thread: the start, and any recovery or resume. */
  readonly executions: readonly {
    readonly status: string;
    readonly input: { readonly recover?: true; readonly resume?: unknown };
  }[];
  /** The thread's final state as read from the checkpoint table; undefined when it has none. */
  readonly state: Record<string, unknown> | undefined;
  /** The in-process reference run's state on the same input. */
  readonly reference: Record<string, unknown> | undefined;
  /** Per task body of the run: how many times it ran to completion after the first. */
  readonly reruns: readonly number[];
  /** Re-runs the bench caused itself (a worker killed after its body finished). */
  readonly rerunsCaused: number;
}

export interface Verdict {
  readonly runId: string;
  readonly starts: number;
  readonly succeeded: number;
  readonly sameState: boolean;
  /** Task bodies run again after they had finished, beyond the re-runs the bench caused. */
  readonly redone: number;
  readonly lost: boolean;
  readonly doubled: boolean;
}

/**
 * Lost: never succeeded, or its state differs from the reference. Doubled: started or succeeded
 * more than once, or a finished task body ran again.
 *
 * @example
 * verdictOf({ runId: "r-1", executions: [], state: undefined, reference: {}, reruns: [], rerunsCaused: 0 }).lost; // true
 */
export function verdictOf(o: Observation): Verdict {
  const starts = o.executions.filter((e) => !e.input.recover && e.input.resume === undefined).length;
  const succeeded = o.executions.filter((e) => e.status === "SUCCEEDED").length;
  const sameState =
    o.state !== undefined && o.reference !== undefined && isDeepStrictEqual(o.state, o.reference);
  const redone = Math.max(0, o.reruns.reduce((a, n) => a + n, 0) - o.rerunsCaused);
  return {
    runId: o.runId,
    starts,
    succeeded,
    sameState,
    redone,
    lost: succeeded === 0 || !sameState,
    doubled: starts > 1 || succeeded > 1 || redone > 0,
  };
}
