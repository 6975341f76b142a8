import { Duration } from "aws-cdk-lib";
import {
  Alarm,
  AlarmRule,
  ComparisonOperator,
  CompositeAlarm,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { QueryDefinition, QueryString } from "aws-cdk-lib/aws-logs";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import { OFFLINE_MODEL_NAME } from "#models";
import {
  type AlarmThresholds,
  CATALOG,
  DASHBOARDS,
  DEFAULT_THRESHOLDS,
  type MetricDefinition,
  type PanelStat,
} from "#telemetry";
import type { AgentWorkflow } from "./agent-workflow.ts";

export interface ObservabilityProps {
  /** Prefix of physical names, `switchyard-<stage>`. */
  readonly prefix: string;
  /** The deployed workflows (state machines, functions, log groups). */
  readonly workflows: Readonly<Record<string, AgentWorkflow>>;
  /** Where every alarm notifies (the core stack's alerts topic). */
  readonly alertsTopic: ITopic;
  /** CloudWatch namespace of the EMF metrics (`METRICS_NAMESPACE`, default `Switchyard`). */
  readonly namespace?: string;
  /** Model ids whose error rate is alarmed (default: the offline policy model). */
  readonly models?: readonly string[];
  readonly thresholds?: Partial<AlarmThresholds>;
}

/**
 * What an on-call engineer needs for a stage, generated from the metric catalog so none of it
 * can name a metric the code does not emit: the CloudWatch dashboard (the same four views as
 * the Grafana JSON, plus the SLO's remaining error budget), the alarms — run failure rate,
 * p95 run duration, model error rate, Lambda errors and throttles, state-machine failures,
 * dead letters — and multi-window burn-rate alarms on the 99.9% availability SLO, all to the
 * alerts topic; and the Logs Insights queries (a run's timeline, failures by node, slowest
 * nodes, model errors) saved over every function's log group.
 *
 * @example
 * new Observability(this, "Observability", { prefix: "switchyard-dev", workflows: deployed, alertsTopic: core.alertsTopic });
 */
export class Observability extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: IAlarm[] = [];
  readonly queries: QueryDefinition[] = [];
  private readonly namespace: string;
  private readonly thresholds: AlarmThresholds;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.namespace = props.namespace ?? "Switchyard";
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...props.thresholds };
    this.action = new SnsAction(props.alertsTopic);
    const names = Object.keys(props.workflows);

    this.dashboard = new Dashboard(this, "Dashboard", { dashboardName: `${props.prefix}-overview` });
    this.addDashboardWidgets(names);

    for (const workflow of names) this.workflowAlarms(workflow, props.workflows[workflow] as AgentWorkflow);
    for (const model of props.models ?? [OFFLINE_MODEL_NAME]) this.modelAlarm(model);
    for (const queue of ["requests-dlq", "failed-runs"]) this.deadLetterAlarm(queue);
    this.burnRateAlarms(names);
    this.saveQueries(props.prefix, Object.values(props.workflows));
  }

  /** A catalog metric with concrete dimension values. */
  private metric(
    def: MetricDefinition,
    dims: Record<string, string>,
    stat: PanelStat | "SampleCount",
    minutes = 5,
  ): Metric {
    return new Metric({
      namespace: this.namespace,
      metricName: def.name,
      dimensionsMap: dims,
      statistic: stat,
      period: Duration.minutes(minutes),
    });
  }

  /** All series of a catalog metric, whatever their dimension values (dashboard only: alarms cannot SEARCH). */
  private search(def: MetricDefinition, stat: PanelStat): IMetric {
    const dims = [this.namespace, ...def.dimensions].join(",");
    return new MathExpression({
      expression: `SEARCH('{${dims}} MetricName="${def.name}"', '${stat}', 300)`,
      label: `${def.name} ${stat}`,
      period: Duration.minutes(5),
    });
  }

  private addDashboardWidgets(workflows: readonly string[]): void {
    for (const spec of DASHBOARDS) {
      this.dashboard.addWidgets(
        new TextWidget({ markdown: `## ${spec.title}\n${spec.question}`, width: 24, height: 2 }),
      );
      this.dashboard.addWidgets(
        ...spec.panels.map(
          (p) =>
            new GraphWidget({
              title: p.metric.name,
              left: p.stats.map((s) => this.search(p.metric, s)),
              width: 8,
              height: 6,
            }),
        ),
      );
      if (spec.id === "overview") this.dashboard.addWidgets(this.errorBudgetWidget(workflows));
    }
  }

  /** Remaining 30-day error budget: 100 × (1 − failure ratio ÷ (1 − SLO)). */
  private errorBudgetWidget(workflows: readonly string[]): SingleValueWidget {
    const budget = 1 - this.thresholds.sloTarget;
    const usingMetrics: Record<string, IMetric> = {};
    workflows.forEach((w, i) => {
      usingMetrics[`f${i}`] = this.metric(CATALOG.runsFailed, { Workflow: w }, "Sum", 60 * 24 * 30);
      usingMetrics[`s${i}`] = this.metric(CATALOG.runsStarted, { Workflow: w }, "Sum", 60 * 24 * 30);
    });
    const sum = (p: string) => workflows.map((_, i) => `FILL(${p}${i}, 0)`).join(" + ") || "0";
    return new SingleValueWidget({
      title: `Error budget remaining (SLO ${this.thresholds.sloTarget * 100}% / 30 days)`,
      metrics: [
        new MathExpression({
          expression: `100 * (1 - ((${sum("f")}) / MAX([${sum("s")}, 1])) / ${budget})`,
          usingMetrics,
          label: "% of error budget left",
          period: Duration.days(30),
        }),
      ],
      width: 24,
      height: 4,
    });
  }

  private alarm(alarm: Alarm): Alarm {
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  private workflowAlarms(workflow: string, deployed: AgentWorkflow): void {
    const t = this.thresholds;
    const id = workflow.replace(/[^A-Za-z0-9]/g, "");
    this.alarm(
      new Alarm(this, `${id}RunFailureRate`, {
        alarmDescription: `${workflow}: more than ${t.runFailureRate * 100}% of runs failed in 15 min. Runbook: docs/troubleshooting.md#runs-failing`,
        metric: new MathExpression({
          expression: "IF(started > 0, failed / started, 0)",
          usingMetrics: {
            failed: this.metric(CATALOG.runsFailed, { Workflow: workflow }, "Sum", 15),
            started: this.metric(CATALOG.runsStarted, { Workflow: workflow }, "Sum", 15),
          },
          period: Duration.minutes(15),
        }),
        threshold: t.runFailureRate,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    this.alarm(
      new Alarm(this, `${id}P95RunDuration`, {
        alarmDescription: `${workflow}: p95 run duration over ${t.p95RunDurationMs} ms. Runbook: docs/troubleshooting.md#runs-slow`,
        metric: this.metric(CATALOG.runDuration, { Workflow: workflow }, "p95", 15),
        threshold: t.p95RunDurationMs,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    const sm = deployed.stateMachine;
    this.alarm(
      new Alarm(this, `${id}StateMachineFailures`, {
        alarmDescription: `${workflow}: executions failed, timed out or were aborted. Runbook: docs/troubleshooting.md#execution-failed`,
        metric: new MathExpression({
          expression: "FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)",
          usingMetrics: {
            failed: sm.metricFailed({ period: Duration.minutes(5) }),
            timedOut: sm.metricTimedOut({ period: Duration.minutes(5) }),
            aborted: sm.metricAborted({ period: Duration.minutes(5) }),
          },
          period: Duration.minutes(5),
        }),
        threshold: t.stateMachineFailures,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    for (const [key, fn] of Object.entries(deployed.functions)) {
      this.alarm(
        new Alarm(this, `${id}${key}ErrorsThrottles`, {
          alarmDescription: `${workflow} ${key}: Lambda errors or throttles. Runbook: docs/troubleshooting.md#lambda-errors-throttles`,
          metric: new MathExpression({
            expression: "FILL(errors, 0) + FILL(throttles, 0)",
            usingMetrics: {
              errors: fn.function.metricErrors({ period: Duration.minutes(5) }),
              throttles: fn.function.metricThrottles({ period: Duration.minutes(5) }),
            },
            period: Duration.minutes(5),
          }),
          threshold: t.lambdaErrorsAndThrottles,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
  }

  private modelAlarm(model: string): void {
    const id = model.replace(/[^A-Za-z0-9]/g, "");
    this.alarm(
      new Alarm(this, `Model${id}ErrorRate`, {
        alarmDescription: `Model ${model}: over ${this.thresholds.modelErrorRate * 100}% of requests failed in 15 min. Runbook: docs/troubleshooting.md#model-errors`,
        metric: new MathExpression({
          expression: "IF(ok + errors > 0, errors / (ok + errors), 0)",
          usingMetrics: {
            ok: this.metric(CATALOG.modelRequests, { Model: model, Status: "ok" }, "Sum", 15),
            errors: this.metric(CATALOG.modelRequests, { Model: model, Status: "error" }, "Sum", 15),
          },
          period: Duration.minutes(15),
        }),
        threshold: this.thresholds.modelErrorRate,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  private deadLetterAlarm(queue: string): void {
    const id = queue.replace(/[^A-Za-z0-9]/g, "");
    this.alarm(
      new Alarm(this, `DeadLetter${id}`, {
        alarmDescription: `A message was dead-lettered in ${queue}. Runbook: docs/troubleshooting.md#dead-letters`,
        metric: this.metric(CATALOG.deadLetters, { Queue: queue }, "Sum", 5),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /**
   * Multi-window burn-rate alarms on the availability SLO, per workflow (an alarm's math may
   * hold 10 metrics, so one expression over every workflow would not scale): the error ratio
   * (failed ÷ ended runs) over a long and a short window must BOTH exceed burn rate × budget.
   */
  private burnRateAlarms(workflows: readonly string[]): void {
    const budget = 1 - this.thresholds.sloTarget;
    const ratio = (workflow: string, minutes: number) =>
      new MathExpression({
        expression: "FILL(f, 0) / MAX([FILL(f, 0) + FILL(s, 0) + FILL(w, 0), 1])",
        usingMetrics: {
          f: this.metric(CATALOG.runsFailed, { Workflow: workflow }, "Sum", minutes),
          s: this.metric(CATALOG.runsSucceeded, { Workflow: workflow }, "Sum", minutes),
          w: this.metric(CATALOG.runsWaiting, { Workflow: workflow }, "Sum", minutes),
        },
        period: Duration.minutes(minutes),
      });
    for (const workflow of workflows) {
      const id = workflow.replace(/[^A-Za-z0-9]/g, "");
      for (const [speed, b] of Object.entries(this.thresholds.burnRates)) {
        const window = (minutes: number, label: string) =>
          new Alarm(this, `${id}SloBurn${speed}${label}`, {
            alarmDescription: `SLO burn of ${workflow} (${speed}, ${minutes} min window): error ratio over ${b.rate}× the budget.`,
            metric: ratio(workflow, minutes),
            threshold: b.rate * budget,
            evaluationPeriods: 1,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          });
        const composite = new CompositeAlarm(this, `${id}SloBurn${speed}`, {
          alarmDescription: `${workflow}: availability SLO (${this.thresholds.sloTarget * 100}% / 30 days) burning ${b.rate}× too fast. Runbook: docs/troubleshooting.md#slo-burn`,
          alarmRule: AlarmRule.allOf(window(b.longMinutes, "Long"), window(b.shortMinutes, "Short")),
        });
        composite.addAlarmAction(this.action);
        this.alarms.push(composite);
      }
    }
  }

  private saveQueries(prefix: string, workflows: readonly AgentWorkflow[]): void {
    const logGroups = workflows.flatMap((w) => Object.values(w.functions).map((f) => f.logGroup));
    const define = (name: string, query: QueryString) =>
      this.queries.push(
        new QueryDefinition(this, name.replace(/\W/g, ""), {
          queryDefinitionName: `${prefix}/${name}`,
          queryString: query,
          logGroups,
        }),
      );
    define(
      "run-timeline",
      new QueryString({
        fields: ["@timestamp", "workflow", "node", "taskId", "message", "status", "step", "ms"],
        filterStatements: ['threadId = "REPLACE_WITH_THREAD_ID"'],
        sort: "@timestamp asc",
        limit: 1000,
      }),
    );
    define(
      "failures-by-node",
      new QueryString({
        filterStatements: ['message in ["node attempt failed", "task failed"]'],
        statsStatements: ["count(*) as failures by workflow, node, error.type"],
        sort: "failures desc",
      }),
    );
    define(
      "slowest-nodes",
      new QueryString({
        filterStatements: ['message = "task ended"'],
        statsStatements: ["pct(ms, 95) as p95_ms, max(ms) as max_ms, count(*) as tasks by workflow, node"],
        sort: "p95_ms desc",
        limit: 20,
      }),
    );
    define(
      "model-errors",
      new QueryString({
        filterStatements: ['message in ["model call failed", "model call failed; retrying"]'],
        statsStatements: ["count(*) as errors by model, provider, error.type, bin(5m)"],
        sort: "errors desc",
      }),
    );
  }
}
