import { z } from "zod";
import { RunStatusSchema } from "#engine";

/**
 * The run view's shape is the engine's (`#engine` RunViewSchema: `GET /runs/{id}`, the CLI's
 * `--json`, `docs/schemas/run-view.schema.json`); re-exported here for the routes that serve it.
 */
export {
  type RunStatusName,
  RunStatusSchema,
  type RunSummaryView,
  type RunView,
  RunViewSchema,
  runLinks,
} from "#engine";

/** `GET /runs/{id}/result`: the workflow's declared result, once the run has one. */
export const RunResultViewSchema = z.strictObject({
  runId: z.string(),
  workflow: z.string(),
  status: RunStatusSchema,
  result: z.record(z.string(), z.unknown()),
});
export type RunResultView = z.infer<typeof RunResultViewSchema>;
