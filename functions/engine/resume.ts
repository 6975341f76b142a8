import { InvalidResumeError } from "./errors.ts";
import type { TaskState } from "./plan.ts";
import { NULL_TASK_ID, RESUME } from "./pregel-channels.ts";

/** One question a waiting run asks: LangGraph's interrupt id, its payload, and the node asking. */
export interface WaitingInterrupt {
  readonly id: string;
  readonly value: unknown;
  readonly node: string;
}

/**
 * The interrupts a thread waits on, in task order: those of tasks still without output (a task
 * answered by id while a sibling still waits keeps its old interrupt write until the superstep
 * commits, and LangGraph's `getState` still lists it).
 */
export function waitingInterrupts(tasks: readonly TaskState[]): WaitingInterrupt[] {
  return tasks
    .filter((t) => t.progress === "interrupted")
    .flatMap((t) =>
      t.interrupts.map((i) => {
        const { id, value } = i as { id: string; value: unknown };
        return { id, value, node: t.node };
      }),
    );
}

/** Answers to store against the checkpoint, as `putWrites(config, [[RESUME, value]], taskId)`. */
export interface ResumeWrite {
  readonly taskId: string;
  readonly value: unknown;
}

/**
 * The pending writes that answer a waiting run, as `Command({ resume })` makes them
 * (`pregel/io.js` mapCommand): a map `{ [interruptId]: value }` answers those interrupts one by one,
 * each stored under its interrupt id (the Lambdas that re-run the tasks hand them to LangGraph as
 * its resume map: {@link resumeMapOf}); any other value is the single answer (the null task's),
 * allowed only when exactly one interrupt waits — with several, LangGraph would hand the same
 * value to each of them.
 *
 * Throws {@link InvalidResumeError} naming the unknown ids, or asking for answers by id.
 */
export function resumeWrites(threadId: string, tasks: readonly TaskState[], resume: unknown): ResumeWrite[] {
  return answersFor(threadId, waitingInterrupts(tasks), resume);
}

/** {@link resumeWrites} against the interrupts a waiting run lists (the API and CLI check with it). */
export function answersFor(
  threadId: string,
  waiting: readonly WaitingInterrupt[],
  resume: unknown,
): ResumeWrite[] {
  const answers = byId(
    resume,
    waiting.map((w) => w.id),
  );
  if (!answers) {
    if (waiting.length > 1) {
      const message = `${waiting.length} interrupts wait: answer each by id (${ids(waiting)})`;
      throw new InvalidResumeError(threadId, [{ path: "", message }]);
    }
    return [{ taskId: NULL_TASK_ID, value: resume }];
  }
  const unknown = Object.keys(answers).filter((id) => !waiting.some((w) => w.id === id));
  if (unknown.length > 0) {
    throw new InvalidResumeError(
      threadId,
      unknown.map((id) => ({
        path: id,
        message: `no waiting interrupt has this id (waiting: ${ids(waiting)})`,
      })),
    );
  }
  return Object.entries(answers).map(([taskId, value]) => ({ taskId, value }));
}

/**
 * LangGraph's resume map (`__pregel_resume_map`) for the interrupts of `tasks`, from the answers
 * stored under their ids; undefined when none was answered by id.
 */
export function resumeMapOf(
  tasks: readonly TaskState[],
  writes: readonly (readonly [string, string, unknown])[],
): Record<string, unknown> | undefined {
  const map: Record<string, unknown> = {};
  for (const { id } of waitingInterrupts(tasks)) {
    const answer = writes.find(([taskId, ch]) => taskId === id && ch === RESUME);
    if (answer) map[id] = answer[2];
  }
  return Object.keys(map).length > 0 ? map : undefined;
}

/** The ids of the interrupts `tasks` wait on: where their answers by id are stored. */
export function interruptIdsOf(tasks: readonly TaskState[]): string[] {
  return waitingInterrupts(tasks).map((w) => w.id);
}

/**
 * `resume` as answers by id, when it is one: a non-empty plain object whose keys are all interrupt
 * ids — the waiting ones, or ids shaped as LangGraph's (32 hex digits, LangGraph's own test), so
 * a stale id is refused rather than taken for a single answer.
 */
function byId(resume: unknown, waitingIds: readonly string[]): Record<string, unknown> | undefined {
  if (typeof resume !== "object" || resume === null || Array.isArray(resume)) return undefined;
  const keys = Object.keys(resume);
  if (keys.length === 0) return undefined;
  const looksLikeIds = keys.every((k) => waitingIds.includes(k) || /^[0-9a-f]{32}$/.test(k));
  return looksLikeIds ? (resume as Record<string, unknown>) : undefined;
}

const ids = (waiting: readonly { id: string }[]) => waiting.map((w) => w.id).join(", ");
