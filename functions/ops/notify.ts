import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { withRetry } from "#core";
import { type Metrics, recordAlert } from "#telemetry";
import type { AlertGroup, AlertWindows } from "./alert-windows.ts";
import { type Alert, alertFromSns } from "./alerts.ts";
import type { SnsMessage } from "./events.ts";

/**
 * The notifier: alerts arrive from the alerts topic, are counted per key and window, and each
 * ended window becomes ONE notification per channel (Slack, email) with the count — a storm of
 * 100 identical failures is one message "×100", not 100 messages.
 */
export interface Notification {
  readonly subject: string;
  readonly text: string;
  readonly group: AlertGroup;
}

export interface Channel {
  readonly name: string;
  send(notification: Notification): Promise<void>;
}

export interface NotifierDeps {
  readonly windows: AlertWindows;
  readonly channels: readonly Channel[];
  /** The stage, named in every notification (a dev alert must not read like a prod one). */
  readonly stage: string;
  /**
   * Counts, per channel, each notification sent (`AlertsSent`) and each alert folded into a
   * window that already had one (`AlertsSuppressed`, Reason `duplicate`): sent + suppressed =
   * alerts that arrived.
   */
  readonly metrics?: Metrics;
}

/**
 * Counts the arrived alerts, then sends whatever windows have ended. Returns what was sent.
 *
 * @example
 * export const handler = (event: SnsEvent) => notify(event.Records.map((r) => r.Sns), deps);
 */
export async function notify(
  messages: readonly SnsMessage[],
  deps: NotifierDeps,
  now: Date = new Date(),
): Promise<Notification[]> {
  for (const message of messages) {
    const countInWindow = await deps.windows.record(alertFromSns(message), now);
    // The first alert of a window is the one that will be sent; the rest only raise its count.
    if (countInWindow > 1 && deps.metrics) {
      for (const channel of deps.channels)
        recordAlert(deps.metrics, channel.name, { suppressed: "duplicate" });
    }
  }
  return flushNotifications(deps, now);
}

/**
 * Sends every ended window once on every channel (the scheduled flush, and after each batch).
 *
 * @example
 * await flushNotifications(deps, new Date());
 */
export async function flushNotifications(
  deps: NotifierDeps,
  now: Date = new Date(),
): Promise<Notification[]> {
  const sent: Notification[] = [];
  await deps.windows.flush(now, async (group) => {
    const notification = formatNotification(group, deps.stage);
    // Every channel is tried; the window is marked sent only if all succeeded.
    const results = await Promise.allSettled(deps.channels.map((c) => c.send(notification)));
    if (deps.metrics) {
      for (const [i, r] of results.entries()) {
        const channel = deps.channels[i];
        if (r.status === "fulfilled" && channel) recordAlert(deps.metrics, channel.name);
      }
    }
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed.length > 0)
      throw new AggregateError(
        failed.map((f) => f.reason),
        "channel failed",
      );
    sent.push(notification);
  });
  return sent;
}

/**
 * Subject and plain text of one notification: what failed, how often, the facts to act on.
 *
 * @example
 * formatNotification(group, "prod").subject; // "[prod] CRITICAL triage run failed at node classify x100"
 */
export function formatNotification(group: AlertGroup, stage: string): Notification {
  const a = group.last;
  const times = group.count > 1 ? ` ×${group.count}` : "";
  // SNS subjects are ASCII only: "x100" there, "×100" in the text.
  const subject =
    `[${stage}] ${a.severity.toUpperCase()} ${a.title}${group.count > 1 ? ` x${group.count}` : ""}`
      .replace(/[^\x20-\x7e]/g, "?")
      .slice(0, 100);
  const seconds = Math.round((group.windowEnd.getTime() - group.windowStart.getTime()) / 1000);
  const lines = [
    `${a.title}${times}`,
    group.count > 1
      ? `${group.count} identical alerts between ${iso(group.windowStart)} and ${iso(group.windowEnd)} (${seconds} s window); the latest:`
      : `At ${a.at}:`,
    a.text,
    "",
    ...Object.entries(a.fields).map(([k, v]) => `${k}: ${v}`),
    "",
    `alert key: ${group.key}`,
  ];
  if (group.count > 1 && group.first.fields.run && group.first.fields.run !== a.fields.run) {
    lines.push(`first run in the window: ${group.first.fields.run}`);
  }
  return { subject, text: lines.join("\n"), group };
}

/**
 * Slack through an incoming webhook: a text fallback and a section with the facts.
 *
 * @example
 * slackChannel(env.SLACK_WEBHOOK_URL);
 */
export function slackChannel(webhookUrl: string, fetchImpl: typeof fetch = fetch): Channel {
  return {
    name: "slack",
    async send(n) {
      const a: Alert = n.group.last;
      const emoji =
        a.severity === "critical"
          ? ":rotating_light:"
          : a.severity === "warning"
            ? ":warning:"
            : ":information_source:";
      const facts = Object.entries(a.fields)
        .map(([k, v]) => `*${k}*: ${k === "resume" ? `\`${v}\`` : v}`)
        .join("\n");
      const body = {
        text: `${emoji} ${n.subject}`,
        blocks: [
          { type: "header", text: { type: "plain_text", text: n.subject.slice(0, 150) } },
          { type: "section", text: { type: "mrkdwn", text: `${a.text.slice(0, 2900)}` } },
          ...(facts ? [{ type: "section", text: { type: "mrkdwn", text: facts.slice(0, 2900) } }] : []),
          {
            type: "context",
            elements: [{ type: "mrkdwn", text: `count ${n.group.count} · key \`${n.group.key}\`` }],
          },
        ],
      };
      await withRetry(async () => {
        const res = await fetchImpl(webhookUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        if (!res.ok)
          throw Object.assign(new Error(`Slack webhook answered ${res.status}`), { status: res.status });
      });
    },
  };
}

/**
 * Email through the notifications topic, whose subscribers are people (SNS email subscriptions).
 *
 * @example
 * emailChannel(sns, env.NOTIFICATIONS_TOPIC_ARN);
 */
export function emailChannel(sns: SNSClient, topicArn: string): Channel {
  return {
    name: "email",
    async send(n) {
      await withRetry(() =>
        sns.send(new PublishCommand({ TopicArn: topicArn, Subject: n.subject, Message: n.text })),
      );
    },
  };
}

function iso(d: Date): string {
  return d.toISOString();
}
