/**
 * One alarm per dead-letter store: every queue the stacks dead-letter into — a queue's redrive
 * target, a schedule's or a rule target's DLQ, an event source mapping's or an async invocation's
 * on-failure destination — read off the synthesized templates, has exactly one alarm, on its depth,
 * notifying the alerts topic when something waits and again when it is drained; nothing alarms on
 * the `DeadLetters` metric a second time.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { resources } from "#config";
import { CATALOG } from "#telemetry";
import { STAGE, synthesizeIamStage } from "../fixtures/iam/stage.ts";
import type { ResolvedResource, StageView } from "../fixtures/iam/stage-policies.ts";

type Json = Record<string, unknown>;
const r = resources(STAGE);
let stage: StageView;

beforeAll(() => {
  stage = synthesizeIamStage();
}, 120_000);

/** Queue ARN → the paths that dead-letter into it. */
function deadLetterStores(): Map<string, string[]> {
  const stores = new Map<string, string[]>();
  const add = (arn: unknown, by: string) => {
    if (typeof arn !== "string" || !arn.startsWith("arn:aws:sqs:")) return;
    stores.set(arn, [...(stores.get(arn) ?? []), by]);
  };
  for (const q of stage.resourcesOfType("AWS::SQS::Queue")) {
    add((q.properties.RedrivePolicy as Json | undefined)?.deadLetterTargetArn, `redrive of ${q.logicalId}`);
  }
  for (const s of stage.resourcesOfType("AWS::Scheduler::Schedule")) {
    add(((s.properties.Target as Json).DeadLetterConfig as Json | undefined)?.Arn, `schedule ${s.logicalId}`);
  }
  for (const rule of stage.resourcesOfType("AWS::Events::Rule")) {
    for (const t of (rule.properties.Targets as Json[] | undefined) ?? []) {
      add((t.DeadLetterConfig as Json | undefined)?.Arn, `rule ${rule.logicalId}`);
    }
  }
  const onFailure = (x: ResolvedResource) =>
    ((x.properties.DestinationConfig as Json | undefined)?.OnFailure as Json | undefined)?.Destination;
  for (const m of stage.resourcesOfType("AWS::Lambda::EventSourceMapping"))
    add(onFailure(m), `mapping ${m.logicalId}`);
  for (const c of stage.resourcesOfType("AWS::Lambda::EventInvokeConfig"))
    add(onFailure(c), `async ${c.logicalId}`);
  return stores;
}

function alarms(): ResolvedResource[] {
  return stage.resourcesOfType("AWS::CloudWatch::Alarm");
}

/** The alarms watching a queue's depth, by queue name. */
function depthAlarmsOf(queueName: string): ResolvedResource[] {
  return alarms().filter(
    (a) =>
      a.properties.Namespace === "AWS/SQS" &&
      a.properties.MetricName === "ApproximateNumberOfMessagesVisible" &&
      (a.properties.Dimensions as { Name: string; Value: string }[]).some(
        (d) => d.Name === "QueueName" && d.Value === queueName,
      ),
  );
}

describe("dead-letter alarms", () => {
  it("finds every dead-letter store the stage wires, the optional MSK one included", () => {
    const names = [...deadLetterStores().keys()].map((arn) => arn.split(":").pop());
    expect(names.sort()).toEqual(
      [
        `${r.prefix}-data-arrivals-dlq`,
        r.failedRunsQueue.name,
        `${r.prefix}-notifier-dlq`,
        r.requestsQueue.deadLetter?.name,
        r.schedulesDeadLetterQueue.name,
        `${r.prefix}-trade-events-dlq`,
      ].sort(),
    );
  });

  it("alarms each store exactly once, on its depth, to the alerts topic and back", () => {
    const alertsTopic = `arn:aws:sns:us-east-1:123456789012:${r.alertsTopic.name}`;
    for (const [arn, by] of deadLetterStores()) {
      const name = arn.split(":").pop() ?? "";
      const found = depthAlarmsOf(name);
      expect(
        found.map((a) => a.logicalId),
        `${name} (${by.join(", ")})`,
      ).toHaveLength(1);
      const [alarm] = found as [ResolvedResource];
      expect(alarm.properties.Threshold).toBe(0);
      expect(alarm.properties.ComparisonOperator).toBe("GreaterThanThreshold");
      expect(alarm.properties.AlarmActions).toEqual([alertsTopic]);
      expect(alarm.properties.OKActions).toEqual([alertsTopic]);
    }
  });

  it("raises no second alarm on the DeadLetters metric", () => {
    const onMetric = alarms().filter((a) => a.properties.MetricName === CATALOG.deadLetters.name);
    const inMath = alarms().filter((a) =>
      JSON.stringify(a.properties.Metrics ?? []).includes(`"${CATALOG.deadLetters.name}"`),
    );
    expect(onMetric.map((a) => a.logicalId)).toEqual([]);
    expect(inMath.map((a) => a.logicalId)).toEqual([]);
  });

  it("keeps the notifier's failed async invocations in a destination it may write", () => {
    const notifier = stage.functions().find((f) => f.logicalId.startsWith("AlertingNotifierFunction"));
    const config = stage
      .resourcesOfType("AWS::Lambda::EventInvokeConfig")
      .find((c) => notifier && String(c.properties.FunctionName) === notifier.arn.split(":").pop());
    const destination = (
      config?.properties.DestinationConfig as { OnFailure?: { Destination?: string } } | undefined
    )?.OnFailure?.Destination;
    expect(destination).toBe(`arn:aws:sqs:us-east-1:123456789012:${r.prefix}-notifier-dlq`);
  });
});
