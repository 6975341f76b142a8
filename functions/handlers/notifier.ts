import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import { ConfigurationError, readEnv, resources } from "#config";
import { Faults, withFaults } from "#faults";
import {
  AlertWindows,
  type Channel,
  emailChannel,
  flushNotifications,
  notify,
  type SnsEvent,
  slackChannel,
} from "#ops";
import { lambdaTelemetry } from "./instrument.ts";

/**
 * Subscribed to the alerts topic (alarms, failed runs, the state machines' catch-all) and run
 * every minute by a schedule: counts alerts per key and window, and sends each ended window
 * once, with its count, to email (the notifications topic) and Slack.
 */
const env = readEnv();
if (!env.NOTIFICATIONS_TOPIC_ARN) throw new ConfigurationError("The notifier needs NOTIFICATIONS_TOPIC_ARN.");
const r = resources(env.SWITCHYARD_STAGE);
const { telemetry, instrument } = lambdaTelemetry(env);
const faults = Faults.fromEnv();
// One attempt per send: the alert windows and the email channel retry through the one loop
// (withRetry in #core), so the SDK's own attempts would multiply theirs.
const ONE_ATTEMPT = { maxAttempts: 1 } as const;
const windows = new AlertWindows({
  client: withFaults(new DynamoDBClient(ONE_ATTEMPT), faults),
  tableName: env.ALERTS_TABLE ?? r.alertsTable.name,
  windowSeconds: env.ALERT_WINDOW_SECONDS,
});
const email = emailChannel(withFaults(new SNSClient(ONE_ATTEMPT), faults), env.NOTIFICATIONS_TOPIC_ARN);

/** Slack's webhook URL: the variable if set, else the stage's secret (cached by Powertools for 5 minutes). */
async function channels(): Promise<Channel[]> {
  const url = env.SLACK_WEBHOOK_URL ?? (await getSecret(r.slackWebhookSecret.name, { maxAge: 300 }));
  // The secret is created with a placeholder; until an operator sets a URL, email alone.
  return typeof url === "string" && url.startsWith("https://") ? [email, slackChannel(url)] : [email];
}

/** An SNS delivery (alerts arrived), or the schedule's tick (close quiet windows). */
async function run(event: SnsEvent | { source?: string }): Promise<{ sent: number }> {
  const deps = {
    windows,
    channels: await channels(),
    stage: r.stage,
    ...(telemetry ? { metrics: telemetry.metrics } : {}),
  };
  const sent =
    "Records" in event
      ? await notify(
          event.Records.map((rec) => rec.Sns),
          deps,
        )
      : await flushNotifications(deps);
  return { sent: sent.length };
}

export const handler = instrument("notifier", (event) => run(event as SnsEvent | { source?: string }));
