/**
 * `npm run bench -- checkpoint [turns]`: checkpoint cost per step, side by side in one run, on the
 * embedded DynamoDB — our DynamoDBSaver, LangGraph's MemorySaver (latency floor) and the npm anchor
 * @rwai/langgraphjs-checkpoint-dynamodb (isolated in bench/anchor; `cd bench/anchor && npm install`).
 *
 * Every DynamoDB request of both savers goes through the same counting middleware on their SDK
 * clients: write/read requests, request body bytes of writes, billed item bytes and write units
 * (1 per started KB per written item). A step is one turn: one `invoke` on the thread (load the
 * latest checkpoint, run the supersteps, store their checkpoints and writes), as a Lambda would.
 *
 * Goals (exit 1 when one fails): in each workload, (a) chat and (b) fan-out, our saver's bytes
 * written per step (write bytes: request bodies of write calls) well below the anchor's — at most
 * half (ours / anchor ≤ 0.5). Without the anchor installed they are printed as not measured.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import {
  Annotation,
  type BaseCheckpointSaver,
  MemorySaver,
  messagesStateReducer,
  Send,
  StateGraph,
} from "@langchain/langgraph";
import { DynamoDBSaver } from "switchyard/checkpoint";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { agedThreadCost, printAgedCost } from "./lib/checkpoint-aged.ts";
import { type Goal, notMeasured, reportGoals } from "./lib/goals.ts";

interface Meter {
  writeRequests: number;
  readRequests: number;
  writeBytes: number;
  itemBytes: number;
  writeUnits: number;
}
const newMeter = (): Meter => ({
  writeRequests: 0,
  readRequests: 0,
  writeBytes: 0,
  itemBytes: 0,
  writeUnits: 0,
});

type Wire = Record<string, unknown>;
/** Billed size of a wire-format (JSON) DynamoDB value: binary counts decoded bytes. */
function wireSize(v: Wire): number {
  if (typeof v.S === "string") return Buffer.byteLength(v.S);
  if (typeof v.B === "string") return Buffer.from(v.B, "base64").length;
  if (typeof v.N === "string") return Math.ceil(v.N.length / 2) + 1;
  if (Array.isArray(v.L)) return 3 + v.L.reduce((n: number, e: Wire) => n + 1 + wireSize(e), 0);
  if (v.M && typeof v.M === "object") return 3 + itemWireSize(v.M as Record<string, Wire>);
  return 1;
}
const itemWireSize = (item: Record<string, Wire>) =>
  Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + wireSize(v), 0);

/** Counts every request the client sends (after marshalling: the same for raw and document clients). */
function meter(client: DynamoDBClient, m: Meter): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const raw = (args.request as { body?: unknown }).body ?? "";
      const body = raw instanceof Uint8Array ? Buffer.from(raw).toString("utf8") : String(raw);
      if (/Put|Write|Update|Delete/.test(context.commandName ?? "")) {
        m.writeRequests++;
        m.writeBytes += Buffer.byteLength(body);
        const input = JSON.parse(body || "{}");
        const items: Record<string, Wire>[] = input.Item ? [input.Item] : [];
        for (const reqs of Object.values(input.RequestItems ?? {}) as { PutRequest?: { Item: never } }[][]) {
          for (const r of reqs) if (r.PutRequest) items.push(r.PutRequest.Item);
        }
        for (const item of items) {
          const size = itemWireSize(item);
          m.itemBytes += size;
          m.writeUnits += Math.max(1, Math.ceil(size / 1024));
        }
      } else m.readRequests++;
      return next(args);
    },
    { step: "build", name: "benchMeter" },
  );
}

// Workload (a): a chat where `messages` grows and three other channels rarely change.
const Chat = Annotation.Root({
  messages: Annotation<BaseMessage[]>({ reducer: messagesStateReducer, default: () => [] }),
  portfolio: Annotation<Record<string, unknown>>(),
  limits: Annotation<Record<string, number>>(),
  summary: Annotation<string>(),
});
const positions = (turn: number) => ({
  asOf: turn,
  positions: Array.from({ length: 40 }, (_, i) => ({
    symbol: `SYM${i}`,
    qty: 100 * i + turn,
    px: 101.25 + i,
  })),
});
const chatGraph = (saver: BaseCheckpointSaver) =>
  new StateGraph(Chat)
    .addNode("agent", (s) => {
      const turn = Math.ceil(s.messages.length / 2);
      const reply = new AIMessage(
        `Turn ${turn}: checked the order against limits and tolerances. `.repeat(6),
      );
      return {
        messages: [reply],
        ...(turn % 20 === 1 ? { portfolio: positions(turn) } : {}),
        ...(turn === 1 || turn === 25 ? { limits: { maxQty: 5_000 + turn, maxNotional: 2e6 } } : {}),
        ...(turn % 25 === 0 ? { summary: `Summary after ${turn} turns.` } : {}),
      };
    })
    .addEdge("__start__", "agent")
    .addEdge("agent", "__end__")
    .compile({ checkpointer: saver });

// Workload (b): a planner fans out to 10 workers with Send; a reducer joins.
const Fan = Annotation.Root({
  round: Annotation<number>(),
  results: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  report: Annotation<string>(),
});
const fanGraph = (saver: BaseCheckpointSaver) =>
  new StateGraph(Fan)
    .addNode("planner", (s) => ({ round: s.round }))
    .addNode("worker", (s: { round: number; i: number }) => ({
      results: [`round ${s.round} worker ${s.i}: priced 12 legs, 0 breaks. `.repeat(3)],
    }))
    .addNode("reduce", (s) => ({ report: `${s.results.length} results` }))
    .addEdge("__start__", "planner")
    .addConditionalEdges("planner", (s) =>
      Array.from({ length: 10 }, (_, i) => new Send("worker", { round: s.round, i })),
    )
    .addEdge("worker", "reduce")
    .addEdge("reduce", "__end__")
    .compile({ checkpointer: saver });

interface Result {
  meter: Meter;
  steps: number;
  latencies: number[];
  /** Write bytes of the first and the last 10 steps, per step: growth with history shows here. */
  early: number;
  late: number;
}

interface Contender {
  readonly name: string;
  readonly saver: BaseCheckpointSaver;
  readonly meter: Meter;
}

/**
 * Runs the workload for every saver in lockstep, turn by turn, so machine noise (the embedded
 * DynamoDB shares this process) falls on all of them alike. Each saver gets its own thread.
 */
async function run(contenders: Contender[], workload: "chat" | "fan", steps: number): Promise<Result[]> {
  const graphs = contenders.map((c) => (workload === "chat" ? chatGraph(c.saver) : fanGraph(c.saver)));
  const input = (i: number) =>
    workload === "chat"
      ? { messages: [new HumanMessage(`Order ${i}: buy ${i} lots ESZ5, limit 5012.25.`)] }
      : { round: i };
  // Warm up JIT, sockets and the SDK on threads of their own.
  for (let i = 0; i < 10; i++) {
    for (const g of graphs)
      await g.invoke(input(i) as never, { configurable: { thread_id: `warmup-${workload}` } });
  }
  for (const c of contenders) Object.assign(c.meter, newMeter());
  const config = { configurable: { thread_id: `bench-${workload}` } };
  const latencies = contenders.map((): number[] => []);
  const perStep = contenders.map((): number[] => []);
  for (let i = 1; i <= steps; i++) {
    for (const [k, c] of contenders.entries()) {
      const before = c.meter.writeBytes;
      const t0 = performance.now();
      await graphs[k]?.invoke(input(i) as never, config);
      latencies[k]?.push(performance.now() - t0);
      perStep[k]?.push(c.meter.writeBytes - before);
    }
  }
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return contenders.map((c, k) => ({
    meter: { ...c.meter },
    steps,
    latencies: latencies[k] ?? [],
    early: avg(perStep[k]?.slice(0, 10) ?? []),
    late: avg(perStep[k]?.slice(-10) ?? []),
  }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function table(title: string, rows: [string, Result | undefined][]): void {
  const cols = [
    "write req",
    "write bytes",
    "item bytes",
    "WCU",
    "read req",
    "p50 ms",
    "bytes 1-10",
    "bytes last 10",
  ];
  const fig = (r: Result) => {
    const per = (n: number) => n / r.steps;
    return [
      per(r.meter.writeRequests),
      per(r.meter.writeBytes),
      per(r.meter.itemBytes),
      per(r.meter.writeUnits),
      per(r.meter.readRequests),
      median(r.latencies),
      r.early,
      r.late,
    ];
  };
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));
  console.log(`\n${title} — per step (one invoke)`);
  console.log(["saver".padEnd(22), ...cols.map((c) => c.padStart(14))].join(""));
  for (const [name, r] of rows) {
    const cells = r
      ? fig(r).map((n, i) => (name === "MemorySaver" && i !== 5 ? "—" : fmt(n)))
      : cols.map(() => "not run");
    console.log([name.padEnd(22), ...cells.map((c) => c.padStart(14))].join(""));
  }
  const ours = rows[0]?.[1];
  const anchor = rows[2]?.[1];
  if (ours && anchor) {
    const ratios = fig(ours).map((v, i) => v / (fig(anchor)[i] || 1));
    console.log(["ours / anchor".padEnd(22), ...ratios.map((x) => x.toFixed(2).padStart(14))].join(""));
  }
}

async function createAnchorTables(aws: LocalAws): Promise<void> {
  const table = (name: string, pk: string, sk: string) =>
    aws.clients.dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: pk, AttributeType: "S" },
          { AttributeName: sk, AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: pk, KeyType: "HASH" },
          { AttributeName: sk, KeyType: "RANGE" },
        ],
      }),
    );
  await table("anchor-checkpoints", "thread_id", "checkpoint_id");
  await table("anchor-writes", "thread_id_checkpoint_id_checkpoint_ns", "task_id_idx");
}

const ANCHOR_DIR = new URL("./anchor/", import.meta.url);
const ANCHOR_PKG = "@rwai/langgraphjs-checkpoint-dynamodb";

/** "Well below the anchor's": our write bytes per step at most this fraction of the anchor's. */
const MAX_WRITE_BYTES_VS_ANCHOR = 0.5;

/** The goal of one workload: our write bytes per step against the anchor's, from the table's figures. */
function writeBytesGoal(workload: string, ours: Result | undefined, anchor: Result | undefined): Goal {
  const goal = `${workload}: our write bytes per step ≤ ${MAX_WRITE_BYTES_VS_ANCHOR}× the anchor's`;
  if (!ours) return [goal, notMeasured("our saver did not run")];
  if (!anchor) return [goal, notMeasured(`${ANCHOR_PKG} not installed in bench/anchor`)];
  const perStep = (r: Result) => r.meter.writeBytes / r.steps;
  const ratio = perStep(ours) / perStep(anchor);
  return [
    `${goal}: ${perStep(ours).toFixed(0)} vs ${perStep(anchor).toFixed(0)} bytes, ${ratio.toFixed(2)}×`,
    ratio <= MAX_WRITE_BYTES_VS_ANCHOR,
  ];
}

const LEGEND =
  "write bytes = request bodies of write calls (wire JSON, binary as base64); item bytes = billed item " +
  "size; WCU = Σ ⌈item KB⌉; p50 = median invoke latency, savers run in lockstep; bytes 1-10 / last 10 = " +
  "write bytes per step over the first and last ten steps.";

export default async function (args: string[]): Promise<void> {
  const chatTurns = Number(args[0] ?? 50);
  const fanRounds = Number(args[1] ?? 10);
  const aws = await startLocalAws({ stage: "bench" });
  const goals: Goal[] = [];
  try {
    const clientConfig = {
      region: aws.region,
      endpoint: aws.endpoints.dynamodb,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    };
    const anchorInstalled = existsSync(new URL(`node_modules/${ANCHOR_PKG}/package.json`, ANCHOR_DIR));
    if (!anchorInstalled) {
      console.log(`Anchor ${ANCHOR_PKG} is not installed; run: cd bench/anchor && npm install`);
      console.log("Measuring our saver and MemorySaver only.");
    } else await createAnchorTables(aws);
    console.log(LEGEND);
    for (const workload of ["chat", "fan"] as const) {
      const steps = workload === "chat" ? chatTurns : fanRounds;
      const client = new DynamoDBClient(clientConfig);
      const ours: Contender = {
        name: "ours",
        saver: new DynamoDBSaver({ client, tableName: aws.resources.checkpointTable.name }),
        meter: newMeter(),
      };
      meter(client, ours.meter);
      const contenders = [ours, { name: "memory", saver: new MemorySaver(), meter: newMeter() }];
      if (anchorInstalled) {
        const { DynamoDBSaver: Anchor } = createRequire(ANCHOR_DIR)(ANCHOR_PKG);
        const saver = new Anchor({
          clientConfig,
          checkpointsTableName: "anchor-checkpoints",
          writesTableName: "anchor-writes",
        });
        const anchor: Contender = { name: "anchor", saver, meter: newMeter() };
        meter(saver.client, anchor.meter);
        contenders.push(anchor);
      }
      const [oursResult, memoryResult, anchorResult] = await run(contenders, workload, steps);
      const title =
        workload === "chat"
          ? `(a) chat, ${steps} turns: messages grows, portfolio/limits/summary rarely change`
          : `(b) Send fan-out to 10 workers, ${steps} rounds on one thread`;
      table(title, [
        ["switchyard DynamoDBSaver", oursResult],
        ["MemorySaver", memoryResult],
        ["anchor 0.1.6", anchorResult],
      ]);
      goals.push(writeBytesGoal(workload === "chat" ? "(a) chat" : "(b) fan-out", oursResult, anchorResult));
    }
    const chatInput = (i: number) => ({ messages: [new HumanMessage(`Order ${i}: buy ${i} lots ESZ5.`)] });
    const aged = await agedThreadCost(
      new DynamoDBClient(clientConfig),
      aws.resources.checkpointTable.name,
      chatGraph,
      chatInput,
      90,
    );
    printAgedCost(aged);
  } finally {
    await aws.stop();
  }
  if (!reportGoals(goals)) process.exitCode = 1;
}
