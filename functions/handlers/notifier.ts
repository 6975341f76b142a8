import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import { resources } from "#config";
import { faultWrapperWhenArmed } from "#faults/on-demand";
import { flushNotifications, notify } from "#ops";
import { lambdaTelemetry } from "./instrument.ts";
import { NotifierEvent } from "./wiring/events.ts";
import { lambdaHandler } from "./wiring/lambda.ts";
import { buildNotifierDeps, NotifierEnv } from "./wiring/notifier.ts";

/**
 * Subscribed to the alerts topic (alarms, failed runs, the state machines' catch-all) and run
 * every minute by a schedule: counts alerts per key and window, and sends each ended window
 * once, with its count, to email (the notifications topic) and Slack.
 */
const env = NotifierEnv.read();
// FAULTS drills (refused in production) load only when armed (functions/faults/on-demand.ts).
const drills = await faultWrapperWhenArmed();
const r = resources(env.SWITCHYARD_STAGE);
const { telemetry, xray } = lambdaTelemetry(env);
// One attempt per send: the alert windows and the email channel retry through the one loop
// (withRetry in #core), so the SDK's own attempts would multiply theirs.
const ONE_ATTEMPT = { maxAttempts: 1 } as const;
const wiring = buildNotifierDeps(
  env,
  {
    dynamodb: drills(new DynamoDBClient(ONE_ATTEMPT)),
    sns: drills(new SNSClient(ONE_ATTEMPT)),
    slackWebhookUrl: async () => {
      if (env.SLACK_WEBHOOK_URL) return env.SLACK_WEBHOOK_URL;
      // The stage's secret (cached by Powertools for 5 minutes) is created with a random
      // placeholder; until an operator sets a URL, email alone.
      const url = await getSecret(r.slackWebhookSecret.name, { maxAge: 300 });
      return typeof url === "string" && url.startsWith("https://") ? url : undefined;
    },
  },
  telemetry,
);

/** An SNS delivery (alerts arrived), or the schedule's tick (close quiet windows). */
export const handler = lambdaHandler(
  { role: "notifier", telemetry, xray, event: NotifierEvent },
  async (event): Promise<{ sent: number }> => {
    const deps = await wiring.deps();
    const sent =
      "Records" in event
        ? await notify(
            event.Records.map((rec) => rec.Sns),
            deps,
          )
        : await flushNotifications(deps);
    return { sent: sent.length };
  },
);
