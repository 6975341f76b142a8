import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { runOnStepFunctions } from "switchyard/engine";
import { startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getWorkflow } from "#workflows";

/**
 * A run killed mid-superstep is found and continued: the CLI prints the run id before any work,
 * `switchyard runs` lists the killed run as interrupted (its data-directory lock and its thread's
 * lease are a dead process's), and `switchyard resume` finishes it running only the tasks that
 * had no output — the result, and the node executions of both processes together, are those of a
 * run never interrupted.
 */
const exec = promisify(execFile);
const CLI = ["--import", "tsx", "bin/switchyard.ts"];

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function switchyard(args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [...CLI, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** Starts a run and SIGKILLs it once `killWhen` shows in its progress (stderr). */
function killedRun(args: string[], killWhen: RegExp): Promise<{ stderr: string; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      if (killWhen.test(stderr)) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => resolve({ stderr, signal }));
  });
}

/** The run view `--json` prints (docs/schemas/run-view.schema.json), as far as this test reads it. */
interface RunJson {
  status: string;
  summary: { figures: Record<string, unknown> };
  execution: { nodeExecutions: Record<string, number> };
}

const json = <T>(o: Outcome): T => JSON.parse(o.stdout) as T;

let dir: string;
let input: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-killed-"));
  input = join(dir, "input.json");
  // ~100 match workers: a superstep wide enough to be killed in the middle of.
  await writeFile(input, JSON.stringify({ partitionSize: 20 }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The same run, never interrupted, on an embedded AWS of its own: its figures and its node executions. */
async function uninterrupted(): Promise<{
  figures: Record<string, unknown>;
  nodeExecutions: Record<string, number>;
}> {
  const aws = await startLocalAws({ stage: "uninterrupted" });
  try {
    const workflow = getWorkflow("reconciliation");
    const nodeExecutions: Record<string, number> = {};
    const result = await runOnStepFunctions(
      workflow,
      { partitionSize: 20 },
      {
        aws,
        wrapHandler: (slot, handler) => async (event) => {
          const outcome = (await handler(event)) as { outcome?: string };
          if (slot.node && outcome.outcome === "done")
            nodeExecutions[slot.node] = (nodeExecutions[slot.node] ?? 0) + 1;
          return outcome;
        },
      },
    );
    return { figures: workflow.summarize?.(result.state as never)?.figures ?? {}, nodeExecutions };
  } finally {
    await aws.stop();
  }
}

describe("a run killed mid-superstep", () => {
  it("is listed as interrupted and resumed to the uninterrupted result, no finished task run again", async () => {
    const dataDir = join(dir, "aws");
    const killed = await killedRun(
      ["run", "reconciliation", "--input", input, "--data-dir", dataDir],
      /step 1: \d+\/\d+ tasks done/,
    );
    const runId = /starting run (reconciliation_[0-9a-f-]+)/.exec(killed.stderr)?.[1] ?? "";
    const listed = await switchyard(["runs", "--data-dir", dataDir, "--json"]);
    const resumed = await switchyard(["resume", runId, "--data-dir", dataDir, "--json"]);
    const reference = await uninterrupted();

    const [run] =
      json<{ runId: string; status: string; step: number; tasks: { done: number; total: number } }[]>(listed);
    const continued = json<RunJson>(resumed);
    expect(killed.signal).toBe("SIGKILL");
    expect(runId).not.toBe("");
    expect(run).toMatchObject({ runId, status: "interrupted", step: 1 });
    // Killed in the middle: some of the superstep's tasks had finished, some had not.
    expect(run?.tasks.done).toBeGreaterThan(0);
    expect(run?.tasks.done).toBeLessThan(run?.tasks.total ?? 0);
    expect(run?.tasks.total).toBe(reference.nodeExecutions.match);
    expect(resumed.code).toBe(0);
    expect(continued.status).toBe("succeeded");
    expect(continued.summary.figures.breaksFound).toBe(reference.figures.breaksFound);
    expect(continued.summary.figures.tradesPaired).toBe(reference.figures.tradesPaired);
    // The killed process ran `partition` and the finished matches; the resumed one exactly the rest.
    expect(continued.execution.nodeExecutions).toEqual({
      match: (reference.nodeExecutions.match ?? 0) - (run?.tasks.done ?? 0),
      summarize: 1,
    });
    expect(reference.nodeExecutions).toMatchObject({ partition: 1, summarize: 1 });
  }, 120_000);
});
