import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { promisify } from "node:util";
import { runInProcess } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getWorkflow } from "#workflows";
import { bundleLambda } from "../../lib/bundling/index.ts";
import { externalsFor } from "../../lib/constructs/model-provider.ts";

/**
 * The engine's Lambda code as CDK synth deploys it — `lib/bundling`'s build, with the offline
 * model's externals and every stand-in — imported by a fresh Node process configured only by its
 * environment, drives the triage workflow superstep by superstep against the embedded AWS to the
 * same end as the in-process run: the stubbed zod locales, LangSmith client and load() map sit on
 * the real code path of every role.
 */
const RESULT = "bundled-result:";
const DRIVER = `
const RESULT = ${JSON.stringify(RESULT)};
const [start, runNode, commit] = await Promise.all(process.argv.slice(1, 4).map((f) => import(f)));
const { threadId, input } = JSON.parse(process.argv[4]);
let plan = await start.handler({ workflow: "triage", threadId, input });
let supersteps = 0;
while (plan.status === "running") {
  const results = await Promise.all(plan.tasks.map((t) => runNode.handler({
    workflow: "triage", threadId, checkpointId: plan.checkpointId, taskId: t.id, node: t.node,
  })));
  plan = await commit.handler({ workflow: "triage", threadId, checkpointId: plan.checkpointId, results });
  supersteps++;
}
// The handlers log JSON lines to stdout too: the result goes last, on a line of its own.
process.stdout.write("\\n" + RESULT + JSON.stringify({ status: plan.status, supersteps }) + "\\n");
`;

let aws: LocalAws;
let entries: string[];

beforeAll(async () => {
  aws = await startLocalAws({ stage: "bundled" });
  entries = [];
  for (const role of ["start", "run-node", "commit"]) {
    const built = await bundleLambda({
      entry: resolve(`functions/handlers/${role}.ts`),
      external: externalsFor("offline"),
    });
    entries.push(built.entryFile);
  }
}, 180_000);
afterAll(async () => {
  await aws?.stop();
  for (const entry of entries ?? []) rmSync(dirname(entry), { recursive: true, force: true });
});

describe("bundled Lambda handlers", () => {
  it("run the triage workflow from their bundles to the in-process run's end", async () => {
    const input = { dataset: { trades: 300, seed: 7 } };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        DRIVER,
        ...entries,
        JSON.stringify({ threadId: "bundled-triage", input }),
      ],
      {
        env: {
          ...process.env,
          NODE_OPTIONS: "",
          ...aws.env,
          AWS_ACCESS_KEY_ID: "local",
          AWS_SECRET_ACCESS_KEY: "local",
          WORKFLOW_NAME: "triage",
        },
        encoding: "utf8",
      },
    );
    const line = stdout.split("\n").find((l) => l.startsWith(RESULT)) ?? "";
    const bundled = JSON.parse(line.slice(RESULT.length)) as { status: string; supersteps: number };
    const reference = await runInProcess(getWorkflow("triage"), input, { aws });
    expect(bundled).toEqual({ status: "succeeded", supersteps: reference.supersteps });
  });
});
