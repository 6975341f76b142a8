import { z } from "zod";

/**
 * The run view: one shape for `GET /runs/{id}`, `switchyard run|status|resume … --json`, and
 * `docs/schemas/run-view.schema.json`. camelCase keys, numbers as numbers, outputs by name.
 * Strict, so the published schema refuses a field it does not document.
 */
export const RunStatusSchema = z.enum(["running", "waiting", "succeeded", "failed"]);

export const RunSummarySchema = z.strictObject({
  headline: z.string(),
  steps: z
    .array(z.strictObject({ node: z.string(), did: z.string() }))
    .describe("What each agent or node did, in order."),
  figures: z
    .record(z.string(), z.union([z.number(), z.string()]))
    .describe("The workflow's headline figures: counts as numbers, names and locations as strings."),
});

/** One question a waiting run asks, and what it accepts as an answer. */
export const WaitingInterruptSchema = z.strictObject({
  id: z.string().describe("What a resume answers by, when several interrupts wait."),
  node: z.string(),
  value: z.unknown().describe("What the node asked (the value it passed to `interrupt()`)."),
  answer: z
    .record(z.string(), z.unknown())
    .describe("The allowed answers, as JSON Schema, when the workflow declares them.")
    .optional(),
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
  report: z.string().describe("The HTML report's path.").optional(),
  nodeExecutions: z
    .record(z.string(), z.number().int())
    .describe(
      "Node tasks this process ran, per node (a resume does not count the finished tasks it skipped).",
    )
    .optional(),
});

export const RunViewSchema = z.strictObject({
  runId: z.string().describe("The run: `<workflow>_<uuid>` when the API or the CLI started it."),
  threadId: z.string().describe("The checkpoint thread: the run id for a run started by the API or the CLI."),
  workflow: z.string(),
  status: RunStatusSchema,
  step: z
    .number()
    .int()
    .describe("The latest checkpoint's superstep and id (absent when the run never wrote one).")
    .optional(),
  checkpointId: z.string().optional(),
  nodes: z
    .array(z.strictObject({ node: z.string(), taskId: z.string().optional(), progress: z.string() }))
    .describe("The current superstep's tasks; empty once finished."),
  waiting: z
    .strictObject({ interrupts: z.array(WaitingInterruptSchema) })
    .describe("What a waiting run asks, and the answers it accepts (POST /runs/{id}/resume).")
    .optional(),
  summary: RunSummarySchema.describe(
    "A finished run's one-screen account (headline, what each node did, figures).",
  ).optional(),
  outputs: z
    .record(z.string(), z.string())
    .describe(
      "Where a finished run wrote its results, by name (reconciliation: breaks, breaksCsv, matches, quarantine).",
    )
    .optional(),
  result: z
    .record(z.string(), z.unknown())
    .describe("The workflow's declared result: in the CLI's view; the API serves it at `links.result`.")
    .optional(),
  links: z
    .strictObject({ self: z.string(), history: z.string(), result: z.string().optional() })
    .describe("API paths for this run.")
    .optional(),
  error: RunErrorSchema.optional(),
  statusSource: z
    .enum(["checkpoint", "failed-runs"])
    .describe(
      "Where the status comes from: the checkpoint, or the failed-run record beside it (timeouts, aborts, an engine Lambda failing).",
    )
    .optional(),
  execution: ExecutionSchema.describe("How the CLI executed the run (absent from the API).").optional(),
});

export type RunStatusName = z.infer<typeof RunStatusSchema>;
export type RunView = z.infer<typeof RunViewSchema>;
export type RunSummaryView = z.infer<typeof RunSummarySchema>;

/** The links of a run's view: where to read it again, its checkpoints and its result. */
export function runLinks(runId: string, hasResult: boolean): NonNullable<RunView["links"]> {
  const self = `/runs/${encodeURIComponent(runId)}`;
  return { self, history: `${self}/history`, ...(hasResult ? { result: `${self}/result` } : {}) };
}
