import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { fieldIssues, MAX_ISSUES } from "#core";
import { InvalidInputError, inputToState } from "#engine";
import {
  decodeTradeEvent,
  dispatchBatch,
  parseRunRequest,
  RunRequestSchema,
  TradeEventSchema,
} from "#ingress";
import { readDeadLetter } from "#ops";
import { getWorkflow, workflows } from "#workflows";
import { checkRunData } from "../../cli/data-check.ts";
import { jsonBody, MAX_JSON_DEPTH } from "../../functions/api/requests.ts";
import { tradeEventInput } from "../../functions/ingress/trade-events.ts";

/**
 * Strict inputs (issue #14, item 1): every schema a caller's data meets — each workflow's input,
 * the run request on the queue, the Kafka trade event — refuses an unknown field by name, bounds
 * every string, number and list, and the API refuses JSON nested past its limit.
 */

/** Any JSON Schema node, as far as the walk reads it. */
interface Node {
  type?: string;
  anyOf?: Node[];
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, Node>;
  additionalProperties?: unknown;
  maxItems?: number;
  items?: Node;
}

/** A pattern bounds a string when anchored and every quantifier in it is bounded. */
const boundedPattern = (p: string) => p.startsWith("^") && p.endsWith("$") && !/[*+]|\{\d+,\}/.test(p);

/**
 * Fields whose bound is not in their JSON Schema: a measured value is any finite number (zod 4
 * refuses ±Infinity and JSON has no NaN); a currency code is three letters after upper-casing;
 * a trade event's break, day and day spec are checked by their own strict schemas next.
 */
const BOUNDED_ELSEWHERE = [
  /\.ours$/,
  /\.theirs$/,
  /\.notional$/,
  /\.currency$/,
  /^tradeEvent\.(exception|data|dataset)$/,
];

/** Every unbounded string, number or array and every open object under `node`. */
function unbounded(node: Node, path: string, out: string[] = []): string[] {
  for (const alt of node.anyOf ?? []) unbounded(alt, path, out);
  const exempt = BOUNDED_ELSEWHERE.some((re) => re.test(path));
  if (node.type === "string" && !exempt) {
    const bounded = node.maxLength !== undefined || node.enum || node.const !== undefined;
    if (!bounded && !(node.pattern && boundedPattern(node.pattern))) out.push(`${path}: string`);
  }
  if ((node.type === "number" || node.type === "integer") && !exempt) {
    if (node.minimum === undefined || node.maximum === undefined) out.push(`${path}: number`);
  }
  if (node.type === "object" && !exempt) {
    if (node.additionalProperties !== false) out.push(`${path}: open object`);
    for (const [key, child] of Object.entries(node.properties ?? {})) unbounded(child, `${path}.${key}`, out);
  }
  if (node.type === "array") {
    if (node.maxItems === undefined) out.push(`${path}: array`);
    if (node.items) unbounded(node.items, `${path}[]`, out);
  }
  return out;
}

const SCHEMAS: [string, z.ZodType][] = [
  ...Object.entries(workflows).map(([name, w]): [string, z.ZodType] => [name, w.input as z.ZodType]),
  ["runRequest", RunRequestSchema],
  ["tradeEvent", TradeEventSchema],
];

describe("every caller-facing schema is strict and bounded", () => {
  it.each(SCHEMAS)("%s: no open object, no unbounded string, number or list", (name, schema) => {
    const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Node;
    expect(unbounded(json, name)).toEqual([]);
  });
});

describe("fieldIssues: the one rule for naming a bad field", () => {
  const Input = z.strictObject({ dataset: z.strictObject({ trades: z.number().int().max(10) }).optional() });

  it("names each unknown field from the value's root, under the request part", () => {
    const error = Input.safeParse({ tradeDate: "2026-13-45", dataset: { trades: 1, seeds: 2 } })
      .error as z.ZodError;
    expect(fieldIssues(error, { part: "body", at: ["input"] })).toEqual([
      { path: "body.input.dataset.seeds", message: "unknown field input.dataset.seeds" },
      { path: "body.input.tradeDate", message: "unknown field input.tradeDate" },
    ]);
  });

  it("keeps zod's message for every other issue, with the full path", () => {
    const error = Input.safeParse({ dataset: { trades: 11 } }).error as z.ZodError;
    expect(fieldIssues(error, { part: "body", at: ["input"] })).toEqual([
      { path: "body.input.dataset.trades", message: expect.stringMatching(/<=10/) },
    ]);
  });

  it("echoes a 400-character key by its first 64 characters, and bounds the number of issues", () => {
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`.padEnd(400, "x"), i]));
    const issues = fieldIssues(Input.safeParse(many).error as z.ZodError, { at: ["input"] });
    expect(issues).toHaveLength(MAX_ISSUES);
    expect(issues[0]?.message).toBe(`unknown field input.${"k0".padEnd(64, "x")}…`);
    expect(issues.at(-1)?.message).toBe(`and ${100 - (MAX_ISSUES - 1)} more issues`);
  });
});

describe("workflow inputs refuse unknown fields by name", () => {
  it.each([
    ["triage", { tradeDate: "2026-11-24" }, "unknown field input.tradeDate"],
    ["triage", { note: "😀" }, "unknown field input.note"],
    ["triage", { dataset: { trades: 10, tradeDate: "x" } }, "unknown field input.dataset.tradeDate"],
    ["reconciliation", { tolerances: { equityBps: 1 } }, "unknown field input.tolerances.equityBps"],
    [
      "reconciliation",
      { data: { uri: "docs/examples/data", date: "2026-11-24" } },
      "unknown field input.data.date",
    ],
    ["investigation", { maxRound: 3 }, "unknown field input.maxRound"],
  ])("%s %j → %s (engine start and CLI alike)", async (name, input, message) => {
    const workflow = getWorkflow(name);
    expect(() => inputToState(workflow, input)).toThrow(message);
    const refused = await checkRunData(workflow, input).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as Error).message).toBe(`Invalid input for workflow "${name}": ${message}`);
  });

  it.each([
    ["a 400-character tradeId", { tradeId: "T".repeat(400) }, "input.tradeId"],
    ["a date that is no date", { dataset: { businessDate: "2026-13-45" } }, "input.dataset.businessDate"],
    ["a 10 KB date", { dataset: { businessDate: "2".repeat(10_000) } }, "input.dataset.businessDate"],
    ["a negative trade count", { dataset: { trades: -5 } }, "input.dataset.trades"],
  ])("triage refuses %s, naming %s", (_what, input, path) => {
    const refused = (() => {
      try {
        inputToState(getWorkflow("triage"), input);
      } catch (err) {
        return err as InvalidInputError;
      }
    })();
    expect(refused?.issues.map((i) => i.path)).toEqual([path]);
  });
});

describe("queue and Kafka messages refuse unknown fields, with the reason a dead letter shows", () => {
  const request = {
    runId: "triage_strict-0001",
    workflow: "triage",
    source: "schedule",
    requestedAt: "2026-11-24T23:00:00.000Z",
  };

  it("a run request with a field no producer writes is poison, naming it", () => {
    expect(() => parseRunRequest(JSON.stringify({ ...request, inputs: {} }))).toThrow(
      "Invalid run request: unknown field inputs",
    );
    expect(parseRunRequest(JSON.stringify(request)).runId).toBe(request.runId);
  });

  it("the dispatcher fails that record (so SQS dead-letters it), and the dead letter reads with the reason", async () => {
    const body = JSON.stringify({ ...request, inputs: {} });
    const startExecution = vi.fn(async () => ({}));
    const record = { messageId: "m-1", receiptHandle: "r-1", body, attributes: {}, messageAttributes: {} };

    const answer = await dispatchBatch({ Records: [record as never] }, { startExecution });
    const letter = await readDeadLetter({ MessageId: "m-1", ReceiptHandle: "r-1", Body: body });

    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: "m-1" }]);
    expect(startExecution).not.toHaveBeenCalled();
    expect(letter).toMatchObject({
      kind: "unreadable",
      runId: request.runId,
      error: "Invalid run request: unknown field inputs",
    });
  });

  it("a trade event with an unknown field, at the top or inside its day, is refused naming it", () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");
    expect(() =>
      decodeTradeEvent({ value: b64({ type: "trade.exception", tradeId: "T1", trader: "x" }) }),
    ).toThrow("unknown field trader");
    const withDay = { type: "trade.exception", tradeId: "T1", data: { uri: "s3://b/d/", region: "x" } };
    expect(() => decodeTradeEvent({ value: b64(withDay) })).not.toThrow();
    expect(() => tradeEventInput(withDay)).toThrow("unknown field data.region");
  });
});

describe("the API's JSON body", () => {
  const post = (body: string) =>
    new Request("http://localhost/workflows/triage/runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });

  it(`takes nesting up to ${MAX_JSON_DEPTH} levels and refuses deeper, without recursing on the body`, async () => {
    const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
    await expect(
      jsonBody(post(`{"input":{"x":${nested(MAX_JSON_DEPTH - 2)}}}`), { required: true }),
    ).resolves.toBeDefined();
    await expect(
      jsonBody(post(`{"input":{"x":${nested(MAX_JSON_DEPTH)}}}`), { required: true }),
    ).rejects.toMatchObject({
      status: 400,
      issues: [
        {
          path: expect.stringMatching(/^body\.input\.x(\.0)+$/),
          message: `nested deeper than ${MAX_JSON_DEPTH} levels`,
        },
      ],
    });
    // 30,000 levels: a stack overflow (a 500) for any recursive reader, a 400 here.
    await expect(jsonBody(post(nested(30_000)), { required: true })).rejects.toMatchObject({ status: 400 });
  });

  it("names a prototype key by its full path", async () => {
    await expect(
      jsonBody(post('{"input":{"dataset":{"__proto__":{}}}}'), { required: true }),
    ).rejects.toMatchObject({
      issues: [{ path: "body.input.dataset.__proto__", message: "forbidden key" }],
    });
  });
});
