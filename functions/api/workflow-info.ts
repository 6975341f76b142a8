import { z } from "zod";
import { HOSTINGS, jsonSchemaOf, type WorkflowDefinition } from "#engine";

/** A JSON Schema, as `z.toJSONSchema` writes it. */
const JsonSchemaObject = z.record(z.string(), z.unknown());

/** `GET /workflows/{name}` and each item of `GET /workflows`. */
export const WorkflowInfoSchema = z.strictObject({
  name: z.string(),
  description: z.string(),
  hosting: z.enum(HOSTINGS),
  nodes: z.array(z.string()),
  /** The run input's JSON Schema (the body's `input` of `POST /workflows/{name}/runs`). */
  input: JsonSchemaObject,
  /** The declared result's JSON Schema (`GET /runs/{id}/result`), when the workflow declares one. */
  result: JsonSchemaObject.optional(),
  /** What each node that waits for a person accepts (`POST /runs/{id}/resume` `decision`). */
  answers: z.record(z.string(), JsonSchemaObject).optional(),
  /** A request that starts a run with the input's defaults. */
  example: z.strictObject({
    method: z.literal("POST"),
    path: z.string(),
    body: z.strictObject({ input: JsonSchemaObject }),
  }),
});
export const WorkflowListSchema = z.strictObject({ workflows: z.array(WorkflowInfoSchema) });
export type WorkflowInfo = z.infer<typeof WorkflowInfoSchema>;

/**
 * What `GET /workflows/{name}` says about a workflow, from its own schemas.
 *
 * @example
 * workflowInfo(getWorkflow("triage")).answers?.human_approval; // { type: "object", … }
 */
export function workflowInfo(workflow: WorkflowDefinition): WorkflowInfo {
  const input = jsonSchemaOf(workflow.input);
  const declared = workflow.result;
  const answers = declared?.answers
    ? Object.fromEntries(Object.entries(declared.answers).map(([node, s]) => [node, jsonSchemaOf(s)]))
    : undefined;
  return {
    name: workflow.name,
    description: workflow.description,
    hosting: workflow.hosting,
    nodes: Object.keys(workflow.graph.nodes).filter((n) => !n.startsWith("__")),
    input,
    ...(declared ? { result: jsonSchemaOf(declared.schema, "output") } : {}),
    ...(answers ? { answers } : {}),
    example: {
      method: "POST",
      path: `/workflows/${workflow.name}/runs`,
      body: { input: exampleInput(workflow, input) },
    },
  };
}

/**
 * An input built from the schema's defaults: each property with a default, each optional object
 * whose own defaults satisfy it. Kept only if the workflow's own schema accepts it, else `{}`.
 */
export function exampleInput(
  workflow: WorkflowDefinition,
  schema: Record<string, unknown>,
): Record<string, unknown> {
  const example = fromDefaults(schema);
  const candidate = example !== null && typeof example === "object" && !Array.isArray(example) ? example : {};
  return workflow.input.safeParse(candidate).success ? (candidate as Record<string, unknown>) : {};
}

function fromDefaults(schema: unknown): unknown {
  const s = schema as {
    default?: unknown;
    type?: string;
    properties?: Record<string, unknown>;
    required?: string[];
  };
  if (s.default !== undefined) return s.default;
  if (s.type !== "object" || !s.properties) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(s.properties)) {
    const value = fromDefaults(child);
    if (value === undefined) continue;
    const required = (child as { required?: string[] }).required ?? [];
    if (value !== null && typeof value === "object" && required.some((r) => !(r in value))) continue;
    out[key] = value;
  }
  return (s.required ?? []).every((r) => r in out) ? out : undefined;
}
