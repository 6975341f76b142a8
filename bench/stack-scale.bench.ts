/**
 * `npm run bench -- stack-scale [--workflows N]`: a stage of N workflows (default 50), each a full
 * copy of the registry's largest (per-node hosting: a Lambda per node) under a name of the longest
 * length, synthesized as `cdk synth` would (cdk.json's flags, CDK's template validation on, no
 * bundling). Goals (exit 1 when one fails): every template under CloudFormation's 500 resources
 * and 1 MB, every role's inline policies under IAM's 10,240 characters (lib/stack-limits.ts).
 * test/unit/stack-scale.test.ts checks the same stage with light copies, in the unit tier's time.
 */
import { parseArgs } from "node:util";
import type { WorkflowDefinition } from "#engine";
import { workflows as registry } from "#workflows";
import {
  MAX_RESOURCES,
  MAX_ROLE_INLINE_CHARS,
  MAX_TEMPLATE_BYTES,
  manyWorkflows,
  stackLimits,
} from "../lib/stack-limits.ts";
import { synthesizeStage } from "../lib/stage-plan.ts";
import { reportGoals } from "./lib/goals.ts";

export default async function stackScale(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { workflows: { type: "string", default: "50" } } });
  const count = Number(values.workflows);
  const largest = Object.values(registry).sort(
    (a, b) => Object.keys(b.nodes).length - Object.keys(a.nodes).length,
  )[0] as WorkflowDefinition;
  const started = performance.now();
  const stacks = synthesizeStage({ stage: "scale" }, manyWorkflows(largest, count));
  const seconds = (performance.now() - started) / 1000;
  const report = stackLimits(stacks);
  console.log(
    `${count} × ${largest.name} (${Object.keys(largest.nodes).length} nodes, per-node): ${stacks.length} stacks in ${seconds.toFixed(1)} s`,
  );
  for (const line of report.violations) console.log(`  over a limit: ${line}`);
  const ok = reportGoals([
    [
      `largest template ${report.resources.value} resources (${report.resources.where}) < ${MAX_RESOURCES}`,
      report.resources.value < MAX_RESOURCES,
    ],
    [
      `largest template ${report.bytes.value} bytes (${report.bytes.where}) < ${MAX_TEMPLATE_BYTES}`,
      report.bytes.value < MAX_TEMPLATE_BYTES,
    ],
    [
      `largest role's inline policies ${report.roleInlineChars.value} characters (${report.roleInlineChars.where}) < ${MAX_ROLE_INLINE_CHARS}`,
      report.roleInlineChars.value < MAX_ROLE_INLINE_CHARS,
    ],
    [`no limit broken anywhere (${report.violations.length} found)`, report.violations.length === 0],
  ]);
  process.exitCode = ok ? 0 : 1;
}
