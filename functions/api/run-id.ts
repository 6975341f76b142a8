import { randomUUID } from "node:crypto";

/**
 * Run ids the API makes: `<workflow>_<uuid>`. Workflow names never contain `_`, so the id tells
 * which workflow's graph reads the run's checkpoints — `GET /runs/{id}` needs no other lookup.
 * At most 40 + 1 + 36 = 77 characters: a valid Step Functions execution name (≤ 80).
 *
 * @example
 * newRunId("triage", () => "3f0c…"); // "triage_3f0c…"
 */
export function newRunId(workflow: string, uuid: () => string = randomUUID): string {
  return `${workflow}_${uuid()}`;
}

/** The workflow named in a run id the API made, or undefined for ids from other sources. */
export function workflowOfRunId(runId: string): string | undefined {
  const at = runId.indexOf("_");
  return at > 0 ? runId.slice(0, at) : undefined;
}
