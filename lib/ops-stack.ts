import { Annotations, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { Alerting } from "./constructs/alerting.ts";
import { DataArrivals } from "./constructs/data-arrivals.ts";
import { Ingress } from "./constructs/ingress.ts";
import { modelProviderFromContext } from "./constructs/model-provider.ts";
import { type MskOptions, TradeEventsConsumer } from "./constructs/msk.ts";
import { StageAlarms } from "./constructs/stage-alarms.ts";
import type { SwitchyardCoreStack } from "./core-stack.ts";

/** The ops Lambdas' handler files; tests stand them in (bundling real ones takes seconds each). */
export type OpsFunction = "dispatcher" | "failed-run" | "notifier" | "trade-events" | "data-arrived";

export interface SwitchyardOpsStackProps extends StackProps {
  readonly core: SwitchyardCoreStack;
  /** Names of the deployed workflows: the dispatcher may start them, their failures are recorded. */
  readonly workflows: readonly string[];
  /** Those of `workflows` that run as Express: their failures come from their execution logs. */
  readonly expressWorkflows?: readonly string[];
  readonly entryFor?: (fn: OpsFunction) => string;
  /** People who get alert emails. */
  readonly alertEmails?: readonly string[];
  /** Reserved concurrency of the notifier (`-c notifierReservedConcurrency=2`; default none). */
  readonly notifierReservedConcurrency?: number;
  /** The optional MSK entry point (`-c msk=true -c mskClusterArn=… -c mskTopic=…`). */
  readonly msk?: MskOptions;
}

/**
 * What keeps accepted work from being lost or done twice, and tells people once (docs/architecture.md,
 * "Entry points and dead letters"), read as a request's path:
 *
 * 0. MSK (optional) — trade-events topic → consumer → requests queue; records it gives up on → its DLQ.
 *    Data arrivals — an object created under the data bucket's incoming/ → a reconciliation run
 *    request on the requests queue; arrivals it cannot send → its DLQ.
 * 1. Ingress — requests queue → dispatcher → StartExecution(name = runId); poison → requests DLQ.
 * 2. Failure — execution FAILED / TIMED_OUT / ABORTED → failed-run Lambda → failed-runs queue + alert.
 * 3. Alerts — alerts topic (and CloudWatch alarms) → notifier → one notification per key and window;
 *    the stage's own alarms: the configured model's error rate; one depth alarm per dead-letter store.
 *
 * Stateless but for a day of alert counts; it references the core stack, never the other way round.
 *
 * @example
 * new SwitchyardOpsStack(app, "switchyard-dev-ops", { core, workflows: ["triage"] });
 */
export class SwitchyardOpsStack extends Stack {
  readonly ingress: Ingress;
  readonly alerting: Alerting;
  readonly stageAlarms: StageAlarms;
  readonly tradeEvents?: TradeEventsConsumer;
  /** Absent when the arrival workflow is not deployed by this app. */
  readonly dataArrivals?: DataArrivals;

  constructor(scope: Construct, id: string, props: SwitchyardOpsStackProps) {
    super(scope, id, props);
    const { core } = props;
    const r = core.resources;
    const entry = (fn: OpsFunction) => props.entryFor?.(fn);

    if (props.msk) {
      this.tradeEvents = new TradeEventsConsumer(this, "TradeEvents", {
        ...props.msk,
        resources: r,
        requestsQueue: core.requestsQueue,
        messagesKey: core.messagesKey,
        alertsTopic: core.alertsTopic,
        ...(entry("trade-events") ? { entry: entry("trade-events") } : {}),
      });
    }
    if (props.workflows.includes(r.dataBucket.arrivalWorkflow)) {
      this.dataArrivals = new DataArrivals(this, "DataArrivals", {
        resources: r,
        requestsQueue: core.requestsQueue,
        messagesKey: core.messagesKey,
        alertsTopic: core.alertsTopic,
        ...(entry("data-arrived") ? { entry: entry("data-arrived") } : {}),
      });
    } else {
      Annotations.of(this).addWarningV2(
        "switchyard:data-arrivals",
        `Data arrivals left out: workflow "${r.dataBucket.arrivalWorkflow}" is not deployed by this app.`,
      );
    }
    this.ingress = new Ingress(this, "Ingress", {
      resources: r,
      requestsQueue: core.requestsQueue,
      workflows: props.workflows,
      ...(entry("dispatcher") ? { entry: entry("dispatcher") } : {}),
    });
    this.alerting = new Alerting(this, "Alerting", {
      resources: r,
      alertsTopic: core.alertsTopic,
      failedRunsQueue: core.failedRunsQueue,
      requestsDeadLetterQueue: core.requestsDeadLetterQueue,
      checkpointTable: core.checkpointTable,
      messagesKey: core.messagesKey,
      workflows: props.workflows,
      ...(props.expressWorkflows ? { expressWorkflows: props.expressWorkflows } : {}),
      ...(props.notifierReservedConcurrency
        ? { notifierReservedConcurrency: props.notifierReservedConcurrency }
        : {}),
      ...(props.alertEmails ? { alertEmails: props.alertEmails } : {}),
      entries: {
        ...(entry("failed-run") ? { failedRun: entry("failed-run") } : {}),
        ...(entry("notifier") ? { notifier: entry("notifier") } : {}),
      },
    });
    // The model the agents are deployed with (-c modelProvider=…), as its metrics name it.
    this.stageAlarms = new StageAlarms(this, "StageAlarms", {
      alertsTopic: core.alertsTopic,
      model: modelProviderFromContext(this).modelName,
    });
  }
}
