import { z } from "zod";

/**
 * The run view: one shape for `GET /runs/{id}`, `switchyard run|status|resume … --json`, and
 * `docs/schemas/run-view.schema.json`. camelCase keys, numbers as numbers, outputs by name.
 * Strict, so the published schema refuses a field it does not document.
 */
export const RunStatusSchema = z.enum(["running", "waiting", "succeeded", "failed"]);

export const RunSummarySchema = z.strictObject({
  headline: z.string(),
  /** What each agent or node did, in order. */
  steps: z.array(z.strictObject({ node: z.string(), did: z.string() })),
  /** The workflow's headline figures: counts as numbers, names and locations as strings. */
  figures: z.record(z.string(), z.union([z.number(), z.string()])),
});

/** One question a waiting run asks, and what it accepts as an answer. */
export const WaitingInterruptSchema = z.strictObject({
  /** What a resume answers by, when several interrupts wait. */
  id: z.string(),
  node: z.string(),
  /** What the node asked (the value it passed to `interrupt()`). */
  value: z.unknown(),
  /** The allowed answers, as JSON Schema, when the workflow declares them. */
  answer: z.record(z.string(), z.unknown()).optional(),
});

export const RunErrorSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  node: z.string().optional(),
});

/** How a run executed, where the CLI ran it (absent from the API, which only reads checkpoints). */
export const ExecutionSchema = z.strictObject({
  durationMs: z.number(),
  supersteps: z.number().int(),
  mode: z.string(),
  model: z.string(),
  checkpoints: z.string(),
  localAwsData: z.string().optional(),
  stateTransitions: z.number().int().optional(),
  lambdaInvocations: z.number().int().optional(),
  retries: z.number().int().optional(),
  /** The HTML report's path. */
  report: z.string().optional(),
});

export const RunViewSchema = z.strictObject({
  runId: z.string(),
  /** The checkpoint thread: the run id for a run started by the API or the CLI. */
  threadId: z.string(),
  workflow: z.string(),
  status: RunStatusSchema,
  /** The latest checkpoint's superstep and id (absent when the run never wrote one). */
  step: z.number().int().optional(),
  checkpointId: z.string().optional(),
  /** The current superstep's tasks; empty once finished. */
  nodes: z.array(z.strictObject({ node: z.string(), taskId: z.string().optional(), progress: z.string() })),
  waiting: z.strictObject({ interrupts: z.array(WaitingInterruptSchema) }).optional(),
  /** A finished run's one-screen account (headline, what each node did, figures). */
  summary: RunSummarySchema.optional(),
  /** Where a finished run wrote its results, by name (reconciliation: breaks, breaksCsv, matches, quarantine). */
  outputs: z.record(z.string(), z.string()).optional(),
  /** The workflow's declared result: in the CLI's view; the API serves it at `links.result`. */
  result: z.record(z.string(), z.unknown()).optional(),
  /** API paths for this run. */
  links: z.strictObject({ self: z.string(), history: z.string(), result: z.string().optional() }).optional(),
  error: RunErrorSchema.optional(),
  /** Where the status comes from: the checkpoint, or the failed-run records (timeouts, aborts). */
  statusSource: z.enum(["checkpoint", "failed-runs"]).optional(),
  execution: ExecutionSchema.optional(),
});

export type RunStatusName = z.infer<typeof RunStatusSchema>;
export type RunView = z.infer<typeof RunViewSchema>;
export type RunSummaryView = z.infer<typeof RunSummarySchema>;

/** `GET /runs/{id}/result`: the workflow's declared result, once the run has one. */
export const RunResultViewSchema = z.strictObject({
  runId: z.string(),
  workflow: z.string(),
  status: RunStatusSchema,
  result: z.record(z.string(), z.unknown()),
});
export type RunResultView = z.infer<typeof RunResultViewSchema>;

/** The links of a run's view: where to read it again, its checkpoints and its result. */
export function runLinks(runId: string, hasResult: boolean): NonNullable<RunView["links"]> {
  const self = `/runs/${encodeURIComponent(runId)}`;
  return { self, history: `${self}/history`, ...(hasResult ? { result: `${self}/result` } : {}) };
}
