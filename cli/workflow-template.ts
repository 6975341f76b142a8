/**
 * The files `switchyard new workflow <name>` writes (cli/new-workflow.ts): a small but
 * real LangGraph graph — typed state, two nodes, a conditional edge that loops until a review
 * approves — its `defineWorkflow` registration and its unit test. Each text is already in the
 * repository's Biome format, so `npm run check` passes right after the scaffold.
 */

/** The spellings of one workflow name the templates need. */
export interface WorkflowNames {
  /** `end-of-day`: the workflow's name, folder and state machine suffix. */
  readonly name: string;
  /** `endOfDay`: the exported `defineWorkflow` constant. */
  readonly ident: string;
  /** `EndOfDay`: the prefix of its types and schemas. */
  readonly type: string;
}

/** `end-of-day` → `endOfDay` and `EndOfDay`. */
export function namesOf(name: string): WorkflowNames {
  const parts = name.split("-");
  const type = parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join("");
  return { name, ident: type.charAt(0).toLowerCase() + type.slice(1), type };
}

/** File name (inside `functions/workflows/<name>/`) → text. */
export function workflowFiles(n: WorkflowNames): Record<string, string> {
  return {
    "state.ts": stateFile(n),
    "graph.ts": graphFile(n),
    "index.ts": indexFile(n),
    [`${n.name}.test.ts`]: testFile(n),
  };
}

function stateFile({ name, type }: WorkflowNames): string {
  return `import { Annotation } from "@langchain/langgraph";
import { z } from "zod";

/**
 * What a run of \`${name}\` accepts (\`npm run switchyard -- run ${name} --input file.json\`).
 * Strict: an unknown field is refused, naming it, before any state is written.
 */
export const ${type}Input = z.strictObject({
  /** What the drafts are about. */
  topic: z.string().min(1).max(200).default("the end-of-day checks"),
  /**
   * How many times a draft is revised before the review approves it (0 approves the first).
   * At most 10: each round is two supersteps, so a run stays under LangGraph's recursion limit of 25.
   */
  revisions: z.number().int().min(0).max(10).default(2),
});
export type ${type}InputValue = z.infer<typeof ${type}Input>;

/** The graph's state: the input, every draft so far (appended by a reducer) and the review's verdict. */
export const ${type}State = Annotation.Root({
  topic: Annotation<string>,
  revisions: Annotation<number>,
  drafts: Annotation<string[]>({ reducer: (all, added) => all.concat(added), default: () => [] }),
  approved: Annotation<boolean>({ reducer: (_, verdict) => verdict, default: () => false }),
});
export type ${type}StateValue = typeof ${type}State.State;
export type ${type}Update = typeof ${type}State.Update;
`;
}

function graphFile({ type }: WorkflowNames): string {
  return `import { END, START, StateGraph } from "@langchain/langgraph";
import { ${type}State, type ${type}StateValue, type ${type}Update } from "./state.ts";

/** Writes the next draft on the topic; the reducer appends it to the drafts so far. */
export function draft(state: ${type}StateValue): ${type}Update {
  return { drafts: [\`Draft \${state.drafts.length + 1} on \${state.topic}\`] };
}

/** Approves once the first draft has been revised as many times as the input asks. */
export function review(state: ${type}StateValue): ${type}Update {
  return { approved: state.drafts.length > state.revisions };
}

/** The conditional edge after a review: done when approved, else another draft. */
export function afterReview(state: ${type}StateValue): "draft" | typeof END {
  return state.approved ? END : "draft";
}

/**
 * \`\`\`
 * START ─▶ draft ─▶ review ─approved─▶ END
 *            ▲         │
 *            └─revise──┘
 * \`\`\`
 * On AWS each node runs in a Lambda of its own and each superstep is one Map of the state machine.
 */
export function build${type}Graph() {
  return new StateGraph(${type}State)
    .addNode("draft", draft)
    .addNode("review", review)
    .addEdge(START, "draft")
    .addEdge("draft", "review")
    .addConditionalEdges("review", afterReview, ["draft", END]);
}
`;
}

function indexFile({ name, ident, type }: WorkflowNames): string {
  return `import { defineWorkflow } from "#engine";
import { build${type}Graph } from "./graph.ts";
import { ${type}Input, type ${type}InputValue, type ${type}StateValue } from "./state.ts";

/**
 * \`${name}\`: drafts on a topic and reviews each draft until the review approves it. Written by
 * \`npm run switchyard -- new workflow ${name}\`; replace the nodes with your own agents.
 */
export const ${ident} = defineWorkflow<${type}InputValue, ${type}StateValue>({
  name: "${name}",
  description: "Drafts on a topic and reviews each draft until the review approves it.",
  graph: build${type}Graph(),
  input: ${type}Input,
  // Each node's own Lambda on AWS: these nodes do no I/O, so the smallest memory that loads the graph.
  nodes: { draft: { memoryMb: 256 }, review: { memoryMb: 256 } },
  summarize: (state) => ({
    headline: \`${name}: \${state.approved ? "approved" : "not approved"} after \${state.drafts.length} draft(s) on \${state.topic}\`,
    steps: state.drafts.map((text) => ({ node: "draft", did: text })),
    figures: { drafts: state.drafts.length, approved: state.approved ? "yes" : "no" },
  }),
});

export { afterReview, build${type}Graph, draft, review } from "./graph.ts";
export { ${type}Input, type ${type}InputValue, ${type}State, type ${type}StateValue } from "./state.ts";
`;
}

function testFile({ name, ident }: WorkflowNames): string {
  return `import { MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { runInProcessWith } from "#engine";
import { ${ident} } from "./index.ts";

// LangGraph's own loop in this process, checkpointed in memory: the reference a run on Step
// Functions equals (\`npm run switchyard -- run ${name}\` runs it there, on the embedded AWS).
const run = (input: unknown) => runInProcessWith(${ident}, input, { saver: new MemorySaver() });

describe("${name} workflow", () => {
  it("drafts until the review approves: the conditional edge loops back to draft", async () => {
    const result = await run({ topic: "FX fixings", revisions: 2 });

    expect(result.status).toBe("succeeded");
    expect(result.state).toMatchObject({
      approved: true,
      drafts: ["Draft 1 on FX fixings", "Draft 2 on FX fixings", "Draft 3 on FX fixings"],
    });
    expect(result.supersteps).toBe(6);
  });

  it("approves the first draft when no revision is asked for: one round, two supersteps", async () => {
    const result = await run({ revisions: 0 });

    expect(result.state).toMatchObject({ approved: true, drafts: ["Draft 1 on the end-of-day checks"] });
    expect(result.supersteps).toBe(2);
  });

  it("summarizes the run for the CLI", async () => {
    const result = await run({ topic: "fails", revisions: 1 });

    expect(${ident}.summarize?.(result.state as never)).toMatchObject({
      headline: "${name}: approved after 2 draft(s) on fails",
      figures: { drafts: 2, approved: "yes" },
    });
  });

  it.each([
    [{ colour: "red" }, "colour"],
    [{ revisions: 11 }, "revisions"],
    [{ topic: "" }, "topic"],
  ])("refuses input %j with a typed error naming the field", async (input, field) => {
    const refused = await run(input).then(
      () => undefined,
      (err: unknown) => err as { name?: string; message?: string; issues?: { path: string }[] },
    );

    expect(refused?.name).toBe("Switchyard.InvalidInput");
    expect(refused?.issues?.map((issue) => issue.path.split(".").at(-1))).toEqual([field]);
    expect(refused?.message).toContain(field);
  });
});
`;
}
