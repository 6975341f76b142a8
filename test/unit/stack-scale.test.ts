/**
 * Stacks that scale with workflows (issue 13): a stage of 50 workflows synthesizes into templates
 * CloudFormation and IAM accept — under 500 resources and 1 MB each, no role's inline policies
 * over IAM's 10,240 characters. A workflow's own stack does not grow with the others, so here one
 * is the registry's largest (per-node) and 49 are light copies (per-graph hosting) under names of
 * the longest length, which is what the shared stacks' ARN lists grow with; CDK's own template
 * validation is left out here for time. The same stage with 50 full copies of the largest, and
 * that validation: `npm run bench -- stack-scale`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { WorkflowDefinition } from "#engine";
import { workflows as registry } from "#workflows";
import { manyWorkflows, stackLimits } from "../../lib/stack-limits.ts";
import { type SynthesizedStack, synthesizeStage } from "../../lib/stage-plan.ts";

const WORKFLOWS = 50;

const largest = Object.values(registry).sort(
  (a, b) => Object.keys(b.nodes).length - Object.keys(a.nodes).length,
)[0] as WorkflowDefinition;

let stacks: SynthesizedStack[];

beforeAll(() => {
  const light = manyWorkflows({ ...largest, hosting: "per-graph" } as WorkflowDefinition, WORKFLOWS - 1);
  const started = performance.now();
  // CDK's template validation (most of the synth time) runs on the same stage in the bench.
  stacks = synthesizeStage(
    { stage: "scale" },
    { [largest.name]: largest, ...light },
    { validateTemplates: false },
  );
  console.log(
    `stack-scale: ${stacks.length} stacks synthesized in ${Math.round(performance.now() - started)} ms`,
  );
}, 120_000);

describe(`a stage of ${WORKFLOWS} workflows`, () => {
  it("puts each workflow in a stack of its own", () => {
    const own = stacks.filter((s) => s.stackName.startsWith("switchyard-scale-workflow-"));
    expect(own).toHaveLength(WORKFLOWS);
  });

  it("keeps every template under 500 resources and 1 MB, and every role's inline policies under 10,240 characters", () => {
    const report = stackLimits(stacks);
    console.log(
      `stack-scale: largest ${report.resources.value} resources (${report.resources.where}), ` +
        `${report.bytes.value} bytes (${report.bytes.where}), ` +
        `${report.roleInlineChars.value} policy characters (${report.roleInlineChars.where})`,
    );
    expect(report.violations).toEqual([]);
    // The shared stacks grow with the workflows: the dispatcher may start each, and the failed-run
    // rules match each; they are among what was measured.
    expect(report.roleInlineChars.value).toBeGreaterThan(0);
  });

  it("reports a template over the limits (the measure is live)", () => {
    const [first] = stacks;
    if (!first) throw new Error("no stack");
    const resources = Object.fromEntries(
      Array.from({ length: 500 }, (_, i) => [`Q${i}`, { Type: "AWS::SQS::Queue" }]),
    );
    const report = stackLimits([{ ...first, template: { Resources: resources }, templateBytes: 2_000_000 }]);
    expect(report.violations).toEqual([
      `${first.stackName}: 500 resources (limit 500)`,
      `${first.stackName}: 2000000 bytes (limit 1048576)`,
    ]);
  });
});
