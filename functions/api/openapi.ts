import { jsonSchemaOf, type WorkflowDefinition } from "#engine";
import { COMMON_ERRORS, IDEMPOTENCY_KEY_HEADER, RESPONSE_SCHEMAS, ROUTES, type RouteSpec } from "./routes.ts";

const REASONS: Readonly<Record<number, string>> = {
  400: "Invalid request: the fields at fault in error.issues (unknown fields and query parameters included)",
  401: "No authenticated caller",
  404: "No such workflow, run or route",
  409: "Not in a state for this (a resume of a run that is not waiting; a result of a run still running)",
  413: "Body over 64 KiB",
  415: "Body not sent as application/json",
  422: "Idempotency-Key reused with a different body",
  500: "Internal error (logged; the body says nothing of the internals)",
};

type Json = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document of the REST API, generated from the route table and the same zod
 * schemas the handler validates with — so the document cannot describe a route the router lacks.
 * Served at `GET /openapi.json`, published as `docs/schemas/openapi.json`.
 *
 * @example
 * const doc = openApiDocument(Object.values(workflows));
 * Object.keys(doc.paths); // ["/workflows", "/workflows/{name}", …]
 */
export function openApiDocument(workflows: readonly WorkflowDefinition[]): Json {
  const components = new Components();
  for (const [name, schema] of Object.entries(RESPONSE_SCHEMAS))
    components.add(name, jsonSchemaOf(schema, "output"));
  for (const w of workflows) {
    components.add(`${pascal(w.name)}Input`, jsonSchemaOf(w.input));
    if (w.result) components.add(`${pascal(w.name)}Result`, jsonSchemaOf(w.result.schema, "output"));
  }
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of ROUTES as readonly RouteSpec[]) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, Json>)[route.method.toLowerCase()] = operation(
      route,
      components,
      workflows,
    );
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Switchyard API",
      version: "1.0.0",
      description:
        "Start, watch and resume Switchyard workflow runs; read their results; list and redrive dead letters. " +
        "Every method requires IAM (SigV4) auth, or Cognito when deployed so.",
    },
    paths,
    components: { schemas: components.schemas },
  };
}

function operation(route: RouteSpec, components: Components, workflows: readonly WorkflowDefinition[]): Json {
  const parameters: Json[] = [];
  for (const [name, schema] of Object.entries(route.pathParams ?? {})) {
    const s = components.inline(jsonSchemaOf(schema), `${route.operationId}.${name}`);
    if (name === "name") s.enum = workflows.map((w) => w.name);
    parameters.push({ name, in: "path", required: true, schema: s });
  }
  const query = route.query
    ? (jsonSchemaOf(route.query) as { properties?: Json; required?: string[] })
    : undefined;
  for (const [name, schema] of Object.entries(query?.properties ?? {})) {
    parameters.push({
      name,
      in: "query",
      required: (query?.required ?? []).includes(name),
      schema: components.inline(schema as Json, `${route.operationId}.${name}`),
    });
  }
  if (route.idempotent) {
    parameters.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description: "Makes the request happen once: a retry with the same key and body gets the first answer.",
      schema: components.inline(jsonSchemaOf(IDEMPOTENCY_KEY_HEADER), `${route.operationId}.key`),
    });
  }
  const responses: Json = {
    [String(route.ok.status)]: {
      description: route.ok.description,
      content: { "application/json": { schema: { $ref: ref(route.ok.schema) } } },
    },
  };
  for (const status of [...COMMON_ERRORS, ...route.errors].sort()) {
    responses[String(status)] = {
      description: REASONS[status] ?? "Error",
      content: { "application/json": { schema: { $ref: ref("Error") } } },
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: requestBody(route, components, workflows) } : {}),
    responses,
  };
}

function requestBody(
  route: RouteSpec,
  components: Components,
  workflows: readonly WorkflowDefinition[],
): Json {
  const body = route.body as NonNullable<RouteSpec["body"]>;
  const schema = components.inline(jsonSchemaOf(body.schema), route.operationId);
  // A start's input is the named workflow's: say which schemas it may be.
  if (route.operationId === "startRun") {
    (schema.properties as Json).input = {
      description: "The workflow's input: the schema named by the path's workflow (GET /workflows/{name})",
      anyOf: workflows.map((w) => ({ $ref: ref(`${pascal(w.name)}Input`) })),
    };
  }
  return { required: body.required, content: { "application/json": { schema } } };
}

/**
 * The document's component schemas. A zod schema's own `$defs` (recursive JSON values) are
 * moved into the components under a prefixed name, since a `#/$defs/…` reference inside an
 * OpenAPI document resolves against the document's root, not the schema's.
 */
class Components {
  readonly schemas: Record<string, Json> = {};

  add(name: string, schema: Json): void {
    this.schemas[name] = this.inline(schema, name);
  }

  inline(schema: Json, prefix: string): Json {
    const { $schema: _, $defs, ...rest } = schema as Json & { $defs?: Record<string, Json> };
    const renamed = (key: string) => `${prefix.replace(/[^A-Za-z0-9]/g, "_")}_${key}`;
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (value === null || typeof value !== "object") return value;
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) =>
          k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/")
            ? [k, ref(renamed(v.slice("#/$defs/".length)))]
            : [k, rewrite(v)],
        ),
      );
    };
    for (const [key, def] of Object.entries($defs ?? {})) this.schemas[renamed(key)] = rewrite(def) as Json;
    return rewrite(rest) as Json;
  }
}

function ref(name: string): string {
  return `#/components/schemas/${name}`;
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
