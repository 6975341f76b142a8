import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { z } from "zod";

/**
 * The CLI as a user runs it: a fresh process, the embedded AWS in memory, no `.env`. `npm start`
 * is `switchyard demo`; these prove it ends well and says what it did.
 */
const run = promisify(execFile);
const CLI = ["--import", "tsx", "bin/switchyard.ts"];
/** The published schema every run's `--json` follows (docs/schemas/run-view.schema.json), read as a user would. */
const runView = z.fromJSONSchema(JSON.parse(readFileSync("docs/schemas/run-view.schema.json", "utf8")));

async function switchyard(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("switchyard CLI", () => {
  it("demo: reconciliation then investigation of the breaks it found, as JSON", async () => {
    const { code, stdout, stderr } = await switchyard(["demo", "--memory", "--trades", "400", "--json"]);

    const documents = stdout
      .split(/\n(?=\{)/)
      .filter((chunk) => chunk.trim().startsWith("{"))
      .map(
        (chunk) =>
          JSON.parse(chunk) as {
            workflow: string;
            status: string;
            summary: { figures: Record<string, unknown> };
          },
      );
    expect(code).toBe(0);
    expect(documents.map((d) => [d.workflow, d.status])).toEqual([
      ["reconciliation", "succeeded"],
      ["investigation", "succeeded"],
    ]);
    expect(documents[1]?.summary.figures.breaksInvestigated).toBeGreaterThan(0);
    for (const d of documents) expect(runView.safeParse(d).error).toBeUndefined();
    expect(stderr).toMatch(/step 1: running match ×\d+/);
  }, 150_000);

  it("refuses an unknown workflow with exit code 2 and the known names", async () => {
    const { code, stderr } = await switchyard(["run", "no-such-flow", "--memory"]);

    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown workflow "no-such-flow"\. Known: .*triage/);
  }, 60_000);

  it("reconciles a day's files from a folder: every category, the quarantine, the outputs, as JSON", async () => {
    const out = `.switchyard/test-runs/cli-${Date.now()}/`;
    const { code, stdout } = await switchyard([
      "run",
      "reconciliation",
      "--data",
      "docs/examples/data",
      "--out",
      out,
      "--memory",
      "--json",
    ]);

    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    expect(runView.safeParse(printed).error).toBeUndefined();
    const { status, summary, runId, threadId, outputs, result, execution } = printed as {
      status: string;
      runId: string;
      threadId: string;
      summary: { figures: Record<string, unknown> };
      outputs: Record<string, string>;
      result: { breaksFound: number };
      execution: { durationMs: number; stateTransitions: number };
    };
    expect(status).toBe("succeeded");
    expect(runId).toBe(threadId);
    expect(outputs.breaks).toBe(`${out}breaks.json`);
    expect(result.breaksFound).toBe(16);
    expect(execution.durationMs).toBeGreaterThan(0);
    expect(execution.stateTransitions).toBeGreaterThan(0);
    expect(summary.figures).toMatchObject({
      breaksFound: 16,
      quarantined: 1,
      "output.breaks": `${out}breaks.json`,
    });
  }, 120_000);

  it("describe prints a workflow's input schema and an example request; --json is GET /workflows/{name}", async () => {
    const text = await switchyard(["describe", "triage"]);
    const json = await switchyard(["describe", "triage", "--json"]);

    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^answers {2}human_approval: "approve"\|"reject"\|\{decision: "approve"\|"reject", comment\?: string\}$/m,
    );
    expect(text.stdout).toMatch(/curl -s -X POST http:\/\/127\.0\.0\.1:3000\/workflows\/triage\/runs/);
    // The history each superstep spends and when an execution continues as new (docs/engine.md).
    expect(text.stdout).toMatch(
      /^history {2}11 \+ 9 per task events a superstep; an execution continues as new near/m,
    );
    expect(JSON.parse(json.stdout)).toMatchObject({ name: "triage", input: { type: "object" } });
  }, 60_000);

  it("status of a finished run prints its summary and result; --json is the run view", async () => {
    // Prepare: a run kept in a data directory, so a second process can read it
    const dataDir = `.switchyard/test-aws-status-${Date.now()}`;
    const ran = await switchyard([
      "run",
      "reconciliation",
      "--data",
      "docs/examples/data",
      "--data-dir",
      dataDir,
      "--json",
    ]);
    const { runId } = JSON.parse(ran.stdout) as { runId: string };

    // Act
    const text = await switchyard(["status", runId, "--workflow", "reconciliation", "--data-dir", dataDir]);
    const json = await switchyard([
      "status",
      runId,
      "--workflow",
      "reconciliation",
      "--data-dir",
      dataDir,
      "--json",
    ]);

    // Assess
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/: succeeded\n/);
    expect(text.stdout).toMatch(/^Reconciliation .*16 breaks/m);
    expect(text.stdout).toMatch(/^Result:\n/m);
    const view = JSON.parse(json.stdout);
    expect(runView.safeParse(view).error).toBeUndefined();
    expect(view).toMatchObject({ runId, status: "succeeded", result: { breaksFound: 16 } });
  }, 150_000);

  it("uploads a day into the embedded S3 and reconciles it from there, writing beside it", async () => {
    const dataDir = `.switchyard/test-aws-${Date.now()}`;
    const prefix = "s3://switchyard-dev-data/incoming/2026-12-28/";
    const upload = await switchyard(["upload", "docs/examples/data", prefix, "--data-dir", dataDir]);
    expect(upload.code, upload.stderr).toBe(0);
    expect(upload.stdout.trim().split("\n").at(-1)).toBe(
      `docs/examples/data/manifest.json → ${prefix}manifest.json`,
    );

    const { code, stdout } = await switchyard([
      "run",
      "reconciliation",
      "--data",
      prefix,
      "--data-dir",
      dataDir,
      "--json",
    ]);

    expect(code).toBe(0);
    const { summary } = JSON.parse(stdout) as { summary: { figures: Record<string, unknown> } };
    expect(summary.figures.breaksFound).toBe(16);
    expect(String(summary.figures["output.breaks"])).toMatch(
      /^s3:\/\/switchyard-dev-data\/runs\/.+\/breaks\.json$/,
    );
  }, 150_000);

  it.each([
    [
      "a file that cannot be parsed",
      ["--data", "test/fixtures/bad-day"],
      /trades\.jsonl:2:\d+: not valid JSON/,
    ],
    ["a folder that does not exist", ["--data", "docs/examples/no-such-day"], /no such file or object/],
    [
      "a field given both in --input and as a flag",
      ["--data", "docs/examples/data", "--input", "test/fixtures/input-with-data.json"],
      /data is given both in --input and as a flag/,
    ],
    [
      "an unknown input field",
      ["--input", "test/fixtures/input-unknown-field.json"],
      /Invalid input for workflow "reconciliation": unknown field input\.tradeDate/,
    ],
  ])(
    "refuses %s with exit code 2 and the location",
    async (_name, args, message) => {
      const { code, stderr } = await switchyard(["run", "reconciliation", "--memory", ...args]);

      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    },
    60_000,
  );
});
