import type { SuperstepPlan } from "#engine";
import { plannedTasks } from "./format.ts";

/**
 * `step 3: 120/253 tasks done` while a wide superstep runs: the first task, then at most one line
 * a second, so a long superstep shows it moves (and a stopped one, how far it got).
 */
export class TaskProgress {
  private step = 0;
  private total = 0;
  private done = 0;
  private shownAt = 0;
  constructor(private readonly progress: (line: string) => void) {}

  planned(plan: Pick<SuperstepPlan, "step" | "tasks" | "taskList">): void {
    this.step = plan.step;
    this.total = plannedTasks(plan);
    this.done = 0;
    this.shownAt = 0;
  }

  taskDone(): void {
    this.done++;
    const now = performance.now();
    if (this.total < 2 || (this.shownAt !== 0 && now - this.shownAt < 1000)) return;
    this.shownAt = now;
    this.progress(`  step ${this.step}: ${this.done}/${this.total} tasks done`);
  }
}
