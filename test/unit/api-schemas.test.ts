import { readFile } from "node:fs/promises";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { openApiDocument, publishedSchemas, ROUTES, workflowInfo } from "#api";
import { runView, type TaskState } from "#engine";
import { getWorkflow, workflows } from "#workflows";
import { describeSchema } from "../../cli/format.ts";

/**
 * The published schemas (docs/schemas/) are the code's: regenerated, they are byte for byte the
 * files; the OpenAPI document validates as OpenAPI 3.1 and has one operation per route of the
 * table; the run view's schema accepts what the code builds and refuses the old `--json` shape.
 */
const registered = Object.values(workflows);

async function published(name: string): Promise<string> {
  return readFile(new URL(`../../docs/schemas/${name}`, import.meta.url), "utf8");
}

describe("docs/schemas", () => {
  it.each(Object.keys(publishedSchemas(registered)))(
    "%s is what docs/schemas/generate.ts writes",
    async (name) => {
      const expected = publishedSchemas(registered)[name];

      expect(await published(name), "run: npx tsx docs/schemas/generate.ts").toBe(expected);
    },
  );

  it("openapi.json validates as OpenAPI 3.1 and has exactly one operation per route", async () => {
    const doc = JSON.parse(await published("openapi.json")) as {
      openapi: string;
      paths: Record<string, object>;
    };

    const validation = await new Validator().validate(doc as never);

    expect(validation.errors).toBeUndefined();
    expect(doc.openapi).toBe("3.1.0");
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it("an invalid document is refused by the same validator (the check can fail)", async () => {
    const broken: Record<string, unknown> = structuredClone(openApiDocument(registered));
    delete broken.info;

    const validation = await new Validator().validate(broken as never);

    expect(validation.valid).toBe(false);
  });

  it("the run view's schema accepts a view the code builds and refuses the old --json table", async () => {
    // Prepare
    const schema = z.fromJSONSchema(JSON.parse(await published("run-view.schema.json")));
    // A reconciliation that wrote nothing: the summary and result still read (zeros), as numbers.
    const view = runView(
      getWorkflow("reconciliation"),
      "reconciliation_3f0c9a1e-8b7d-4c2a-9e51-0d6f2b4a7c11",
      {
        position: { checkpointId: "1f0c", step: 4, tasks: [] },
        values: {},
      },
    );
    const oldShape = {
      workflow: "triage",
      status: "succeeded",
      duration: "774 ms",
      "state transitions": "33",
    };

    // Act
    const accepted = schema.safeParse(view);
    const refused = schema.safeParse(oldShape);

    // Assess
    expect(accepted.error).toBeUndefined();
    expect(view).toMatchObject({
      status: "succeeded",
      links: { result: expect.stringMatching(/\/result$/) },
    });
    expect(refused.success).toBe(false);
  });
});

describe("the run view's rule", () => {
  it("a failed run whose partial state its summary cannot read is still a view: failed, with the error, no summary", () => {
    // Prepare: a summary that throws on the partial state a node left half-way
    const workflow = {
      ...getWorkflow("reconciliation"),
      summarize: () => {
        throw new TypeError("Cannot read properties of null");
      },
    };
    const failedTask: TaskState = {
      id: "t1",
      node: "match",
      progress: "errored",
      error: { name: "Trading.BadFile", message: "trades.jsonl:2: not valid JSON" },
      interrupts: [],
    };

    // Act
    const view = runView(workflow, "reconciliation_3f0c9a1e-8b7d-4c2a-9e51-0d6f2b4a7c11", {
      position: { checkpointId: "1f0c", step: 2, tasks: [failedTask] },
      values: { plan: null },
    });

    // Assess
    expect(view).toMatchObject({
      status: "failed",
      error: { code: "Trading.BadFile", node: "match" },
      links: { result: expect.any(String) },
    });
    expect(view.summary).toBeUndefined();
    expect(view.outputs).toBeUndefined();
  });
});

describe("workflow descriptions", () => {
  it("give each workflow's input and result as JSON Schema, and triage's allowed answers", () => {
    for (const w of registered) {
      const info = workflowInfo(w);
      expect(info.input.type).toBe("object");
      expect(info.result?.type).toBe("object");
      expect(w.input.safeParse(info.example.body.input).success).toBe(true);
    }
    const answers = workflowInfo(getWorkflow("triage")).answers?.human_approval;
    expect(describeSchema(answers)).toBe(
      '"approve"|"reject"|{decision: "approve"|"reject", comment?: string}',
    );
  });
});
