import { planOf, type StagePlan, synthesizeStage } from "../lib/stage-plan.ts";
import { UsageError } from "./args.ts";
import { type DoctorClients, doctorClients, type Finding, runDoctor } from "./doctor-checks.ts";

export interface DoctorCommandOptions {
  readonly stage: string;
  readonly region: string;
  /** `-c key=value` as given to `cdk deploy`: the same context decides the same templates. */
  readonly context?: readonly string[];
  readonly json?: boolean;
  readonly out: (line: string) => void;
  /** Tests pass mocked clients; otherwise the standard credential chain in `region`. */
  readonly clients?: DoctorClients;
  /** The stage's plan from its context (default: synthesized, `planOf(synthesizeStage(context))`). */
  readonly planFor?: (context: Record<string, unknown>) => StagePlan;
}

/** `key=value` pairs (`-c` of the CDK CLI) as a context object; a pair without `=` is a usage error. */
export function parseContext(pairs: readonly string[] = []): Record<string, string> {
  const context: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UsageError(`-c ${pair}: key=value, as with cdk deploy`);
    context[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return context;
}

/**
 * `switchyard doctor --target aws [--stage s] [-c key=value]…`: before a first deploy, checks the
 * account and region against what the stage's templates ask of them — synthesized here as
 * `cdk synth` would (cdk.json's context, then `-c`), without bundling — and prints each problem
 * with its fix. Exit 0 when nothing blocks a deploy, 1 when something does.
 *
 * @example
 * await doctorCommand({ stage: "dev", region: "eu-west-1", out: console.log }); // 0 or 1
 */
export async function doctorCommand(options: DoctorCommandOptions): Promise<number> {
  const context: Record<string, unknown> = {
    ...parseContext(options.context),
    stage: options.stage,
  };
  const plan = (options.planFor ?? ((c) => planOf(synthesizeStage(c))))(context);
  const bedrockModelId =
    context.modelProvider === "bedrock" ? String(context.bedrockModelId ?? "") : undefined;
  const findings = await runDoctor(
    { stage: options.stage, region: options.region, plan, ...(bedrockModelId ? { bedrockModelId } : {}) },
    options.clients ?? doctorClients(options.region),
  );
  const problems = findings.filter((f) => !f.ok);
  if (options.json)
    options.out(JSON.stringify({ stage: options.stage, region: options.region, findings }, null, 2));
  else printFindings(options, findings, problems.length);
  return problems.length === 0 ? 0 : 1;
}

function printFindings(options: DoctorCommandOptions, findings: readonly Finding[], problems: number): void {
  const { out } = options;
  out(`switchyard doctor: stage ${options.stage} in ${options.region}`);
  for (const f of findings) {
    out(`${f.ok ? "✓" : "✗"} ${f.check}: ${f.detail}`);
    if (f.fix) out(`    fix: ${f.fix}`);
  }
  out(
    problems === 0
      ? `Nothing blocks a first deploy: npx cdk deploy --all -c stage=${options.stage}`
      : `${problems} problem${problems === 1 ? "" : "s"} to fix before npx cdk deploy --all -c stage=${options.stage}`,
  );
}
