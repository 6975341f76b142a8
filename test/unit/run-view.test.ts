import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineWorkflow, type RecordedFailure, runView, type TaskState, type ThreadPosition } from "#engine";

/**
 * The one rule for a run's view (functions/engine/run-view.ts): the checkpoint decides, and a
 * checkpoint that says running yields to a failure recorded beside it at that checkpoint.
 */
const State = Annotation.Root({ booked: Annotation<number>({ reducer: (_, b) => b, default: () => 0 }) });
const booking = defineWorkflow({
  name: "booking",
  graph: new StateGraph(State)
    .addNode("book", () => ({ booked: 1 }))
    .addEdge(START, "book")
    .addEdge("book", END),
  input: z.object({}),
  summarize: (s: { booked: number }) => ({
    headline: `${s.booked} booked`,
    steps: [],
    figures: { booked: s.booked },
  }),
});

const task = (progress: TaskState["progress"], extra: Partial<TaskState> = {}): TaskState => ({
  id: "book-task",
  node: "book",
  progress,
  interrupts: [],
  ...extra,
});
const at = (tasks: TaskState[]): ThreadPosition => ({ checkpointId: "ckpt-2", step: 2, tasks });
const timedOut = (checkpointId?: string): RecordedFailure => ({
  code: "States.Timeout",
  message: "The execution timed out.",
  node: "book",
  status: "TIMED_OUT",
  ...(checkpointId ? { checkpointId } : {}),
});

describe("runView", () => {
  it("a running checkpoint with a failure recorded at it: failed, from the failed-run record", () => {
    const view = runView(booking, "booking_1", {
      position: at([task("not-run")]),
      values: { booked: 0 },
      failure: timedOut("ckpt-2"),
    });

    expect(view).toMatchObject({
      status: "failed",
      statusSource: "failed-runs",
      error: { code: "States.Timeout", message: "The execution timed out.", node: "book" },
      summary: { headline: "0 booked" },
    });
  });

  it("a failure recorded at an older checkpoint is stale: the run was resumed since", () => {
    const view = runView(booking, "booking_1", {
      position: at([task("not-run")]),
      failure: timedOut("ckpt-1"),
    });

    expect(view).toMatchObject({ status: "running", statusSource: "checkpoint" });
    expect(view.error).toBeUndefined();
  });

  it("the checkpoint wins over a recorded failure once it knows: a task's own error, a finished run", () => {
    const errored = runView(booking, "booking_1", {
      position: at([task("errored", { error: { name: "Booking.Down", message: "down" } })]),
      failure: timedOut(),
    });
    const finished = runView(booking, "booking_1", {
      position: at([]),
      values: { booked: 1 },
      failure: timedOut(),
    });

    expect(errored).toMatchObject({
      status: "failed",
      statusSource: "checkpoint",
      error: { code: "Booking.Down", message: "down", node: "book" },
    });
    expect(finished).toMatchObject({
      status: "succeeded",
      statusSource: "checkpoint",
      summary: { headline: "1 booked", figures: { booked: 1 } },
    });
    expect(finished.error).toBeUndefined();
  });

  it("a waiting run lists what it asks; nodes and links are the position's and the run's", () => {
    const view = runView(booking, "booking_1", {
      position: at([task("interrupted", { interrupts: [{ id: "i-1", value: { ask: "book?" } }] })]),
    });

    expect(view).toMatchObject({
      runId: "booking_1",
      threadId: "booking_1",
      status: "waiting",
      step: 2,
      checkpointId: "ckpt-2",
      nodes: [{ node: "book", taskId: "book-task", progress: "interrupted" }],
      waiting: { interrupts: [{ id: "i-1", node: "book", value: { ask: "book?" } }] },
      links: { self: "/runs/booking_1", history: "/runs/booking_1/history" },
    });
    expect(view.summary).toBeUndefined();
  });
});
