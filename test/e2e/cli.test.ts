import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/**
 * The CLI as a user runs it: a fresh process, the embedded AWS in memory, no `.env`. `npm start`
 * is `switchyard demo`; these prove it ends well and says what it did.
 */
const run = promisify(execFile);
const CLI = ["--import", "tsx", "bin/switchyard.ts"];

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
    expect(stderr).toMatch(/step 1: running match ×\d+/);
  }, 150_000);

  it("refuses an unknown workflow with exit code 2 and the known names", async () => {
    const { code, stderr } = await switchyard(["run", "no-such-flow", "--memory"]);

    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown workflow "no-such-flow"\. Known: .*triage/);
  }, 60_000);
});
