import { RunNotCapturedError } from "#telemetry";
import { formatSpanTree, readTrace } from "../local/report/index.ts";

export interface InspectTraceOptions {
  /** The thread id a local run printed (`thread:` in `switchyard run`'s summary). */
  readonly run: string;
  /** Where `switchyard run` wrote traces (default `.switchyard`). */
  readonly dir?: string;
  readonly out: (text: string) => void;
}

/**
 * `switchyard inspect <run> --trace`: prints the span tree a local run captured —
 * `invoke_workflow` → `invoke_agent` per node attempt → `chat` / `execute_tool` — with
 * durations, tokens and errors. Returns the exit code.
 *
 * @throws RunNotCapturedError when no trace was written for that run.
 * @example
 * await inspectTraceCommand({ run: "7f1c…", out: console.log });
 */
export async function inspectTraceCommand(options: InspectTraceOptions): Promise<number> {
  const dir = `${options.dir ?? ".switchyard"}/traces`;
  let spans: Awaited<ReturnType<typeof readTrace>>;
  try {
    spans = await readTrace(dir, options.run);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new RunNotCapturedError(options.run);
    throw err;
  }
  options.out(formatSpanTree(spans));
  return 0;
}
