import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SNSClient } from "@aws-sdk/client-sns";
import { type Env, type EnvWith, envSchemaFor, resources } from "#config";
import { AlertWindows, type Channel, emailChannel, type NotifierDeps, slackChannel } from "#ops";
import type { Telemetry } from "#telemetry";

/** The notifier sends email through the notifications topic: required. */
export const NotifierEnv = envSchemaFor("notifier", ["NOTIFICATIONS_TOPIC_ARN"]);

export interface NotifierClients {
  /** The alert windows' table; one attempt per call (the windows retry through `withRetry`). */
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
  /** Slack's webhook URL, read per invocation (the stage's secret may be set after a deploy); none: email only. */
  readonly slackWebhookUrl: () => Promise<string | undefined>;
}

/** The notifier's dependencies but its channels, which are read per invocation. */
export interface NotifierWiring {
  readonly windows: AlertWindows;
  /** The notifier's dependencies for one invocation: email, and Slack when a URL is set. */
  deps(): Promise<NotifierDeps>;
}

/**
 * The notifier's windows and channels from its environment and clients, for the Lambda
 * (functions/handlers/notifier.ts) and the local subscription (local/triggers.ts `runNotifier`)
 * alike; `AlertsSent` and `AlertsSuppressed` are counted when metrics are given.
 *
 * @example
 * const sent = await notify(messages, await buildNotifierDeps(NotifierEnv.read(), clients).deps());
 */
export function buildNotifierDeps(
  env: EnvWith<"NOTIFICATIONS_TOPIC_ARN"> & Env,
  clients: NotifierClients,
  telemetry?: Pick<Telemetry, "metrics">,
): NotifierWiring {
  const r = resources(env.SWITCHYARD_STAGE);
  const windows = new AlertWindows({
    client: clients.dynamodb,
    tableName: env.ALERTS_TABLE ?? r.alertsTable.name,
    windowSeconds: env.ALERT_WINDOW_SECONDS,
  });
  const email = emailChannel(clients.sns, env.NOTIFICATIONS_TOPIC_ARN);
  return {
    windows,
    async deps() {
      const url = await clients.slackWebhookUrl();
      const channels: Channel[] = url ? [email, slackChannel(url)] : [email];
      return { windows, channels, stage: r.stage, ...(telemetry ? { metrics: telemetry.metrics } : {}) };
    },
  };
}
