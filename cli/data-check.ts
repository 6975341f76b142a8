import { fieldIssues } from "#core";
import { InvalidInputError, type WorkflowDefinition } from "#engine";
import { DataRefSchema, scanDay } from "#trading";

/**
 * Checks a run's input before the run starts, as the API does before it accepts one: input the
 * workflow's schema refuses is an `InvalidInputError` naming each field (exit 2), and the day a
 * run names (`input.data`) is read through, so a file that cannot be read at all refuses the run
 * with its location (`Trading.BadFile`: exit 2) instead of failing it at its first node. Rows
 * that do not validate are not errors here: they are quarantined and reported by the run. The
 * day is streamed, not held.
 */
export async function checkRunData(workflow: WorkflowDefinition, input: unknown): Promise<void> {
  const parsed = workflow.input.safeParse(input ?? {});
  if (!parsed.success) {
    throw new InvalidInputError(workflow.name, fieldIssues(parsed.error, { at: ["input"] }));
  }
  const data = DataRefSchema.safeParse((parsed.data as { data?: unknown }).data);
  if (data.success) await scanDay(data.data);
}
