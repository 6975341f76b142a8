import { Duration } from "aws-cdk-lib";
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import { type AlarmThresholds, CATALOG, DEFAULT_THRESHOLDS, type MetricDefinition } from "#telemetry";

export interface StageAlarmsProps {
  /** Where every alarm notifies (the core stack's alerts topic). */
  readonly alertsTopic: ITopic;
  /**
   * The model the stage's agents call, as the engine names it in the `Model` dimension
   * (`ModelProviderConfig.modelName`: the offline policy model, or the configured model id).
   */
  readonly model: string;
  /** CloudWatch namespace of the EMF metrics (`METRICS_NAMESPACE`, default `Switchyard`). */
  readonly namespace?: string;
  readonly thresholds?: Partial<AlarmThresholds>;
}

/**
 * The alarms on catalog metrics that belong to the stage, not to one workflow: the model's error
 * rate (the `Model` dimension has no workflow). One set per stage, so they live in the ops stack;
 * each workflow's own alarms live in its stack (`Observability`). Dead-letter stores are alarmed
 * once each, on their depth, where they are created (`deadLetterAlarm`), not on `DeadLetters`.
 *
 * @example
 * new StageAlarms(this, "StageAlarms", { alertsTopic: core.alertsTopic, model: modelProviderFromContext(this).modelName });
 */
export class StageAlarms extends Construct {
  readonly alarms: Alarm[] = [];
  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: StageAlarmsProps) {
    super(scope, id);
    this.namespace = props.namespace ?? "Switchyard";
    const thresholds = { ...DEFAULT_THRESHOLDS, ...props.thresholds };
    const action = new SnsAction(props.alertsTopic);
    const add = (alarm: Alarm) => {
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    };

    const model = props.model;
    add(
      new Alarm(this, `Model${model.replace(/[^A-Za-z0-9]/g, "")}ErrorRate`, {
        alarmDescription: `Model ${model}: over ${thresholds.modelErrorRate * 100}% of requests failed in 15 min. Runbook: docs/troubleshooting.md#model-errors`,
        metric: new MathExpression({
          expression: "IF(ok + errors > 0, errors / (ok + errors), 0)",
          usingMetrics: {
            ok: this.metric(CATALOG.modelRequests, { Model: model, Status: "ok" }, 15),
            errors: this.metric(CATALOG.modelRequests, { Model: model, Status: "error" }, 15),
          },
          period: Duration.minutes(15),
        }),
        threshold: thresholds.modelErrorRate,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /** A catalog metric's sum with concrete dimension values. */
  private metric(def: MetricDefinition, dims: Record<string, string>, minutes: number): Metric {
    return new Metric({
      namespace: this.namespace,
      metricName: def.name,
      dimensionsMap: dims,
      statistic: "Sum",
      period: Duration.minutes(minutes),
    });
  }
}
