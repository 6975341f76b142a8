import type { WorkflowDefinition } from "#engine";
import { DataRefSchema, scanDay } from "#trading";

/**
 * Reads the day a run names (`input.data`) before the run starts, so a file that cannot be read
 * at all refuses the run with its location (a `Trading.BadFile` error: exit 2) instead of failing
 * it at its first node. Rows that do not validate are not errors here: they are quarantined and
 * reported by the run. The day is streamed, not held. Input that fails the workflow's own schema
 * is left to the run to refuse.
 */
export async function checkRunData(workflow: WorkflowDefinition, input: unknown): Promise<void> {
  const parsed = workflow.input.safeParse(input ?? {});
  if (!parsed.success) return;
  const data = DataRefSchema.safeParse((parsed.data as { data?: unknown }).data);
  if (data.success) await scanDay(data.data);
}
