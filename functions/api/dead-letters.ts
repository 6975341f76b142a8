import type { ApiPorts, DeadLetterSelection, DeadLetterView, RedriveReport } from "./types.ts";

/**
 * The dead-letter routes over the ops module's port. The request is validated before either is
 * called; both act on the requests DLQ only (the failed-runs queue is resumed, not redriven).
 *
 * @example
 * const items = await listDeadLetters(ports, { filter: { workflow: "triage" }, limit: 20 });
 */
export function listDeadLetters(
  ports: ApiPorts,
  query: { workflow?: string; error?: string; minAgeSeconds?: number; limit: number },
): Promise<readonly DeadLetterView[]> {
  const { limit, ...filter } = query;
  return ports.deadLetters.list({ filter, limit });
}

/**
 * Moves the selected dead letters back to the requests queue, or with `dryRun` (the default)
 * reports what would move. `ids` narrows the filter to those run or message ids.
 *
 * @example
 * await redriveDeadLetters(ports, { dryRun: false, max: 10, filter: {}, ids: ["triage_3f0c…"] });
 */
export function redriveDeadLetters(
  ports: ApiPorts,
  body: { dryRun: boolean; max: number; filter: DeadLetterSelection; ids?: readonly string[] },
): Promise<RedriveReport> {
  const filter = body.ids ? { ...body.filter, ids: body.ids } : body.filter;
  return ports.deadLetters.redrive({ dryRun: body.dryRun, max: body.max, filter });
}
