/**
 * IAM, proven offline, between services: every path the stacks wire — CloudWatch alarms → SNS,
 * Scheduler → SQS and its DLQ, EventBridge → Lambda (and a target's DLQ), SNS → Lambda, Step
 * Functions → Lambda / SNS / S3, event source mappings → SQS / MSK and their on-failure
 * destinations, Lambda's async destinations, S3 → its access-log bucket — read off the
 * synthesized templates and judged with `@cloud-copilot/iam-simulate` against the sender's role or
 * the target's resource policy, and the key policy of an encrypted target.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { callerName, type IamVerdict, PolicyEvaluator } from "../fixtures/iam/evaluate.ts";
import { type ServicePath, servicePaths } from "../fixtures/iam/service-paths.ts";
import { synthesizeIamStage } from "../fixtures/iam/stage.ts";
import type { StageView } from "../fixtures/iam/stage-policies.ts";

let stage: StageView;
let evaluator: PolicyEvaluator;
let paths: ServicePath[];

beforeAll(() => {
  stage = synthesizeIamStage();
  evaluator = new PolicyEvaluator(stage);
  paths = servicePaths(stage, (r) => evaluator.keyRequests(r));
}, 120_000);

function denial(path: string, v: IamVerdict): string {
  return `${path}: ${callerName(v.request.caller)} ${v.request.action} on ${v.request.resource} → ${v.result}${v.errors ? ` ${v.errors}` : ""}`;
}

describe("IAM, proven offline: service to service", () => {
  it("allows every path the stacks wire, and the key use each implies", async () => {
    const judged = await Promise.all(
      paths.map(async (p) => ({
        path: p.path,
        verdicts: await Promise.all(p.requests.map((r) => evaluator.evaluate(r))),
      })),
    );
    const denied = judged.flatMap((j) =>
      j.verdicts.filter((v) => v.result !== "Allowed").map((v) => denial(j.path, v)),
    );
    const requests = judged.flatMap((j) => j.verdicts.map((v) => v.request));
    const pairs = new Set(requests.map((r) => `${r.action} ${r.resource}`));
    console.log(
      `IAM, proven offline (service paths): ${paths.length} paths → ${requests.length} requests, ` +
        `${pairs.size} distinct action/resource pairs checked, ${denied.length} denied`,
    );

    expect(denied).toEqual([]);
  });

  it("finds every kind of path in the templates", () => {
    const kinds = [
      "alarm ",
      "schedule ",
      "rule ",
      "subscription ",
      "mapping ",
      " async → ",
      "bucket ",
      "API ",
    ];
    for (const kind of kinds)
      expect(
        paths.some((p) => p.path.includes(kind)),
        kind,
      ).toBe(true);
    expect(paths.some((p) => p.path.includes("its DLQ") && p.path.startsWith("schedule "))).toBe(true);
    expect(paths.some((p) => /StateMachine\w* "Run [^"]+" → /.test(p.path))).toBe(true);
    expect(paths.some((p) => /StateMachine\w* "NotifyFailure" → /.test(p.path))).toBe(true);
    expect(paths.some((p) => p.path.startsWith("mapping ") && p.path.includes(":kafka:"))).toBe(true);
  });

  it("judges the MSK consumer's bootstrap-broker lookup on '*', as AWS authorizes it", async () => {
    const msk = paths.find((p) => p.path.startsWith("mapping ") && p.path.includes(":kafka:"));
    const lookup = msk?.requests.find((r) => r.action === "kafka:GetBootstrapBrokers");
    expect(lookup).toBeDefined();
    const verdict = await evaluator.evaluate(lookup as NonNullable<typeof lookup>);
    expect(verdict.result).toBe("Allowed");
  });

  it("denies what the policies do not allow: another account's alarms, an unrelated rule, a service without the key", async () => {
    const alarm = paths.find((p) => p.path.startsWith("alarm "));
    const publish = alarm?.requests[0];
    const rule = paths.find((p) => p.path.startsWith("rule ") && !p.path.includes("DLQ"));
    const invoke = rule?.requests[0];
    expect(publish && invoke).toBeTruthy();
    if (!publish || !invoke) return;
    const key = evaluator.keyOf(publish.resource);
    const verdicts = await Promise.all([
      evaluator.evaluate({
        ...publish,
        context: {
          "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:999999999999:alarm:theirs",
          "aws:SourceAccount": "999999999999",
        },
      }),
      evaluator.evaluate({
        ...invoke,
        context: { "aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/someone-elses" },
      }),
      evaluator.evaluate({
        caller: { service: "sns.amazonaws.com" },
        action: "kms:GenerateDataKey",
        resource: key ?? "",
      }),
    ]);
    expect(verdicts.map((v) => v.result)).toEqual([
      "ImplicitlyDenied",
      "ImplicitlyDenied",
      "ImplicitlyDenied",
    ]);
  });
});
