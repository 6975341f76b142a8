import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { z } from "zod";
import { decodeMessageBody, encodeMessageBody } from "#ingress";
import { type Metrics, recordAlert } from "#telemetry";
import type { SnsMessage } from "./events.ts";
import type { FailedRun } from "./failed-runs.ts";

/**
 * Alerts: what goes on the alerts topic, from any source, read back as one shape. The key says
 * which alerts are "the same" — the notifier sends one notification per key and window, with a
 * count — so it names the failure, never the run: 100 runs failing at the same node with the
 * same error are one alert ×100.
 */
export const AlertSchema = z.object({
  kind: z.literal("switchyard.alert"),
  key: z.string().min(1).max(512),
  severity: z.enum(["critical", "warning", "info"]),
  title: z.string().max(200),
  text: z.string().max(4000),
  /** Facts to act on (run, thread, node, error, checkpoint, the command to resume). */
  fields: z.record(z.string(), z.string()),
  source: z.enum(["failed-run", "state-machine", "alarm", "other"]),
  at: z.iso.datetime(),
});

export type Alert = z.infer<typeof AlertSchema>;

/**
 * The alert for a failed run.
 *
 * @example
 * alertForFailedRun(run).key; // "run-failed:triage:classify:ThrottlingException"
 */
export function alertForFailedRun(run: FailedRun): Alert {
  const where = run.node ? ` at node ${run.node}` : "";
  return {
    kind: "switchyard.alert",
    key: `run-failed:${run.workflow}:${run.node ?? "-"}:${run.error.code}`,
    severity: "critical",
    title: `${run.workflow} run ${run.status.toLowerCase().replace("_", " ")}${where}`,
    text: `${run.error.code}: ${run.error.message}`.slice(0, 4000),
    fields: {
      workflow: run.workflow,
      run: run.runId,
      thread: run.threadId,
      status: run.status,
      ...(run.node ? { node: run.node } : {}),
      error: run.error.code,
      checkpoint: run.checkpoint ? `${run.checkpoint.id} (step ${run.checkpoint.step})` : "none",
      execution: run.executionArn,
      resume: `switchyard resume ${run.runId}`,
    },
    source: "failed-run",
    at: run.failedAt,
  };
}

/**
 * Reads whatever arrived on the alerts topic as an {@link Alert}: our own alerts, the state
 * machine's catch-all notice (`NotifyFailure`), CloudWatch alarm state changes, or anything else.
 *
 * @example
 * alertFromSns(record.Sns).key; // "alarm:switchyard-dev-requests-dlq-not-empty:ALARM"
 */
export function alertFromSns(message: SnsMessage): Alert {
  const json = safeJson(message.Message) as Record<string, unknown> | undefined;
  const at = isoOr(message.Timestamp);
  if (json?.kind === "switchyard.alert") {
    const parsed = AlertSchema.safeParse(json);
    if (parsed.success) return parsed.data;
  }
  if (json && typeof json.AlarmName === "string" && typeof json.NewStateValue === "string") {
    const state = json.NewStateValue;
    return {
      kind: "switchyard.alert",
      key: `alarm:${json.AlarmName}:${state}`,
      severity: state === "ALARM" ? "warning" : "info",
      title: `${json.AlarmName} is ${state}`,
      text: String(json.NewStateReason ?? json.AlarmDescription ?? "").slice(0, 4000),
      fields: {
        alarm: json.AlarmName,
        state,
        ...(typeof json.AlarmDescription === "string" ? { description: json.AlarmDescription } : {}),
      },
      source: "alarm",
      at,
    };
  }
  if (json && typeof json.workflow === "string" && typeof json.threadId === "string") {
    // The state machine's catch-all: its state, with the failure under `failure`.
    const failure = (json.failure ?? {}) as { Error?: string; Cause?: string };
    const code = failure.Error ?? "Switchyard.ExecutionFailed";
    return {
      kind: "switchyard.alert",
      key: `execution-failed:${json.workflow}:${code}`,
      severity: "critical",
      title: message.Subject ?? `${json.workflow} execution failed`,
      text: `${code}: ${failure.Cause ?? "engine failure"}`.slice(0, 4000),
      fields: {
        workflow: json.workflow,
        thread: json.threadId,
        ...(typeof json.runId === "string"
          ? { run: json.runId, resume: `switchyard resume ${json.runId}` }
          : {}),
        error: code,
      },
      source: "state-machine",
      at,
    };
  }
  const subject = message.Subject ?? "Switchyard alert";
  return {
    kind: "switchyard.alert",
    key: `other:${message.TopicArn}:${subject}`,
    severity: "warning",
    title: subject.slice(0, 200),
    text: message.Message.slice(0, 4000),
    fields: {},
    source: "other",
    at,
  };
}

/**
 * Publishes alerts on the alerts topic (the failed-run handler's alert port); with `metrics`,
 * each published alert counts as sent on channel `alerts-topic`.
 *
 * @example
 * const alert = snsAlertPublisher(sns, env.ALERTS_TOPIC_ARN, { metrics: telemetry?.metrics });
 * await alert(alertForFailedRun(run));
 */
export function snsAlertPublisher(
  sns: SNSClient,
  topicArn: string,
  options: { readonly metrics?: Metrics | undefined } = {},
): (alert: Alert) => Promise<void> {
  return async (alert) => {
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: `Switchyard: ${alert.title}`.slice(0, 100),
        Message: encodeMessageBody(alert),
        MessageAttributes: {
          severity: { DataType: "String", StringValue: alert.severity },
          source: { DataType: "String", StringValue: alert.source },
        },
      }),
    );
    if (options.metrics) recordAlert(options.metrics, ALERTS_TOPIC_CHANNEL);
  };
}

/** The `Channel` of alerts published on the alerts topic (before grouping). */
export const ALERTS_TOPIC_CHANNEL = "alerts-topic";

function safeJson(text: string): unknown {
  try {
    return decodeMessageBody(text);
  } catch {
    return undefined;
  }
}

function isoOr(timestamp: string): string {
  const t = Date.parse(timestamp);
  return new Date(Number.isNaN(t) ? Date.now() : t).toISOString();
}
