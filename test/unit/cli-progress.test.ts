import { describe, expect, it } from "vitest";
import type { SuperstepPlan } from "#engine";
import { formatPlan, plannedTasks } from "../../cli/format.ts";
import { TaskProgress } from "../../cli/task-progress.ts";

/** The CLI's progress lines count a distributed superstep's tasks (its task list), not only listed ones. */
const plan = (over: Partial<SuperstepPlan>): SuperstepPlan => ({
  workflow: "wide",
  threadId: "wide_1",
  checkpointId: "cp-1",
  step: 2,
  status: "running",
  tasks: [],
  ...over,
});
const taskList = {
  bucket: "b",
  key: "engine/wide/t/cp-1/tasks.json",
  count: 1_500,
  resultsPrefix: "r/",
  maxConcurrency: 500,
};

describe("CLI progress for a distributed superstep", () => {
  it("names the task list's tasks instead of 'committing'", () => {
    expect(formatPlan(plan({ taskList }))).toBe("  step 2: running 1,500 tasks from a task list");
    expect(
      formatPlan(
        plan({
          tasks: [
            { id: "a", node: "match" },
            { id: "b", node: "match" },
          ],
        }),
      ),
    ).toBe("  step 2: running match ×2");
    expect(formatPlan(plan({}))).toBe("  step 2: committing");
  });

  it("counts the task list in the tasks done line", () => {
    expect(plannedTasks(plan({ taskList }))).toBe(1_500);
    const lines: string[] = [];
    const progress = new TaskProgress((line) => lines.push(line));
    progress.planned(plan({ taskList }));
    progress.taskDone();
    expect(lines).toEqual(["  step 2: 1/1500 tasks done"]);
  });

  it("shows nothing for a one-task superstep", () => {
    const lines: string[] = [];
    const progress = new TaskProgress((line) => lines.push(line));
    progress.planned(plan({ tasks: [{ id: "a", node: "match" }] }));
    progress.taskDone();
    expect(lines).toEqual([]);
  });
});
