import { z } from "zod";
import type { WorkflowDefinition } from "#engine";
import { openApiDocument } from "./openapi.ts";
import { RunViewSchema } from "./run-view.ts";

/**
 * The schemas published under `docs/schemas/`, by file name, as the text written there:
 * `run-view.schema.json` (what `GET /runs/{id}` and every CLI `--json` of a run print) and
 * `openapi.json` (what `GET /openapi.json` serves). `docs/schemas/generate.ts` writes them; a
 * test fails when the files drift from the code.
 *
 * @example
 * const files = publishedSchemas(Object.values(workflows));
 * JSON.parse(files["run-view.schema.json"]).title; // "Switchyard run view"
 */
export function publishedSchemas(workflows: readonly WorkflowDefinition[]): Record<string, string> {
  const runView = {
    ...(z.toJSONSchema(RunViewSchema, { io: "output", unrepresentable: "any" }) as Record<string, unknown>),
    title: "Switchyard run view",
    description:
      "A run as GET /runs/{id} answers it and as `switchyard run|demo|status --json` prints it. " +
      "The CLI adds `result` (the workflow's declared result) and `execution` (how it ran); the API " +
      "serves the result at `links.result`.",
  };
  return {
    "run-view.schema.json": `${JSON.stringify(runView, null, 2)}\n`,
    "openapi.json": `${JSON.stringify(openApiDocument(workflows), null, 2)}\n`,
  };
}
