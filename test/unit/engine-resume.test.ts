import { describe, expect, it } from "vitest";
import { answersFor, InvalidResumeError, resumeWrites, type TaskState } from "#engine";

/** How a resume's answer maps onto the waiting interrupts (functions/engine/resume.ts). */
const A = "a".repeat(32);
const B = "b".repeat(32);
const task = (
  id: string,
  node: string,
  progress: TaskState["progress"],
  interruptIds: string[],
): TaskState => ({
  id,
  node,
  progress,
  interrupts: interruptIds.map((i) => ({ id: i, value: { ask: node } })),
});
const NULL_TASK = "00000000-0000-0000-0000-000000000000";

describe("resumeWrites", () => {
  it("stores one value for the null task when exactly one interrupt waits", () => {
    const writes = resumeWrites("t", [task("t1", "approve", "interrupted", [A])], "yes");

    expect(writes).toEqual([{ taskId: NULL_TASK, value: "yes" }]);
  });

  it("stores answers by id under each interrupt's id, as Command({ resume: map }) does", () => {
    const tasks = [task("t1", "credit", "interrupted", [A]), task("t2", "legal", "interrupted", [B])];

    expect(resumeWrites("t", tasks, { [B]: "ok" })).toEqual([{ taskId: B, value: "ok" }]);
  });

  it("refuses a single value for several interrupts, naming their ids", () => {
    const tasks = [task("t1", "credit", "interrupted", [A]), task("t2", "legal", "interrupted", [B])];

    expect(() => resumeWrites("t", tasks, "yes")).toThrow(InvalidResumeError);
    expect(() => resumeWrites("t", tasks, "yes")).toThrow(new RegExp(`answer each by id \\(${A}, ${B}\\)`));
  });

  it("refuses an unknown interrupt id, naming it", () => {
    const error = captured(() => answersFor("t", [{ id: A, value: 1, node: "credit" }], { [B]: "ok" }));

    expect(error).toBeInstanceOf(InvalidResumeError);
    expect((error as InvalidResumeError).issues).toEqual([
      { path: B, message: `no waiting interrupt has this id (waiting: ${A})` },
    ]);
    expect((error as InvalidResumeError).code).toBe("Switchyard.InvalidResume");
  });

  it("does not count an interrupt whose task has since been answered and finished", () => {
    const tasks = [task("t1", "credit", "finished", [A]), task("t2", "legal", "interrupted", [B])];

    expect(resumeWrites("t", tasks, "yes")).toEqual([{ taskId: NULL_TASK, value: "yes" }]);
    expect(() => resumeWrites("t", tasks, { [A]: "again" })).toThrow(InvalidResumeError);
  });

  it("takes an object whose keys are not interrupt ids as one value", () => {
    const writes = resumeWrites("t", [task("t1", "approve", "interrupted", [A])], { decision: "approve" });

    expect(writes).toEqual([{ taskId: NULL_TASK, value: { decision: "approve" } }]);
  });
});

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}
