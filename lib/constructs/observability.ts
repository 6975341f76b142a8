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
  type MetricOptions,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { QueryDefinition, QueryString } from "aws-cdk-lib/aws-logs";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { IStateMachine } from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import {
  type AlarmThresholds,
  CATALOG,
  DASHBOARDS,
  DEFAULT_THRESHOLDS,
  eventFilter,
  LOG_QUERIES,
  type MetricDefinition,
  type PanelStat,
  panelsFor,
  type StatesMetricId,
  type StatesPanel,
} from "#telemetry";
import type { AgentWorkflow } from "./agent-workflow.ts";

/** The aws-cdk-lib method behind each `AWS/States` metric the dashboards name (dimension `StateMachineArn`). */
const STATES_METRIC: Readonly<Record<StatesMetricId, (sm: IStateMachine, props: MetricOptions) => Metric>> = {
  started: (sm, props) => sm.metricStarted(props),
  succeeded: (sm, props) => sm.metricSucceeded(props),
  failed: (sm, props) => sm.metricFailed(props),
  timedOut: (sm, props) => sm.metricTimedOut(props),
  aborted: (sm, props) => sm.metricAborted(props),
  time: (sm, props) => sm.metricTime(props),
};

/**
 * A run's outcome from its state machine, in `AWS/States` executions: failed, timed out and
 * aborted are bad; succeeded includes the runs waiting for a human (the `Waiting` state is a
 * `Succeed`). Four metrics, so a ratio fits an alarm's 10-metric math with room to spare.
 */
function executions(sm: IStateMachine, minutes: number): Record<"s" | "f" | "t" | "a", Metric> {
  const props = { period: Duration.minutes(minutes), statistic: "Sum" };
  return {
    s: sm.metricSucceeded(props),
    f: sm.metricFailed(props),
    t: sm.metricTimedOut(props),
    a: sm.metricAborted(props),
  };
}
/** Bad executions in an expression over {@link executions}' ids. */
const BAD = "FILL(f, 0) + FILL(t, 0) + FILL(a, 0)";

/**
 * `num ÷ den`, 0 when nothing ended: `IF(den > 0, num / den, 0)`, the form CloudWatch's metric
 * math documents for a guarded division (a `MAX([…])` over expressions may be refused).
 *
 * @example
 * safeRatio("f", "s + f"); // "IF((s + f) > 0, (f) / (s + f), 0)"
 */
export function safeRatio(num: string, den: string): string {
  return `IF((${den}) > 0, (${num}) / (${den}), 0)`;
}

export interface ObservabilityProps {
  /** Prefix of physical names, `switchyard-<stage>`. */
  readonly prefix: string;
  /** The deployed workflows (state machines, functions, log groups). */
  readonly workflows: Readonly<Record<string, AgentWorkflow>>;
  /** Where every alarm notifies (the core stack's alerts topic). */
  readonly alertsTopic: ITopic;
  /** CloudWatch namespace of the EMF metrics (`METRICS_NAMESPACE`, default `Switchyard`). */
  readonly namespace?: string;
  readonly thresholds?: Partial<AlarmThresholds>;
}

/**
 * What an on-call engineer needs for a stage, generated from the metric catalog so none of it
 * can name a metric the code does not emit: the CloudWatch dashboard (the same four views as
 * the Grafana JSON, plus the SLO's remaining error budget), the alarms — run failure rate,
 * p95 run duration, Lambda errors and throttles, state-machine failures — and multi-window
 * burn-rate alarms on the 99.9% availability SLO, all to the
 * alerts topic; and the Logs Insights queries (a run's timeline, failures by node, slowest
 * nodes, model errors) saved over every function's log group.
 *
 * Whole-run figures (runs by outcome, run duration, the SLO and its budget) come from each
 * workflow's state machine (`AWS/States`, dimension `StateMachineArn`): with `per-node`
 * hosting a run's supersteps run in different Lambdas, so no process sees a whole run and the
 * catalog's `local` metrics would undercount. Supersteps, nodes, models, tools, tokens and
 * cost come from the catalog (EMF): only the engine knows them.
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

    const machines = Object.fromEntries(
      names.map((w) => [w, (props.workflows[w] as AgentWorkflow).stateMachine]),
    );

    this.dashboard = new Dashboard(this, "Dashboard", { dashboardName: `${props.prefix}-overview` });
    this.addDashboardWidgets(machines);

    for (const workflow of names) this.workflowAlarms(workflow, props.workflows[workflow] as AgentWorkflow);
    this.burnRateAlarms(machines);
    this.saveQueries(props.prefix, Object.values(props.workflows));
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

  private addDashboardWidgets(machines: Readonly<Record<string, IStateMachine>>): void {
    for (const spec of DASHBOARDS) {
      this.dashboard.addWidgets(
        new TextWidget({ markdown: `## ${spec.title}\n${spec.question}`, width: 24, height: 2 }),
      );
      this.dashboard.addWidgets(
        ...panelsFor(spec, "cloudwatch").flatMap((p) =>
          p.source === "AWS/States"
            ? Object.entries(machines).map(([workflow, sm]) => this.statesWidget(p, workflow, sm))
            : [
                new GraphWidget({
                  title: p.metric.name,
                  left: p.stats.map((s) => this.search(p.metric, s)),
                  width: 8,
                  height: 6,
                }),
              ],
        ),
      );
      if (spec.id === "overview") this.dashboard.addWidgets(this.errorBudgetWidget(machines));
    }
  }

  /** One workflow's state machine on an `AWS/States` panel: each metric with each stat. */
  private statesWidget(p: StatesPanel, workflow: string, sm: IStateMachine): GraphWidget {
    return new GraphWidget({
      title: `${workflow}: ${p.title}`,
      left: p.metrics.flatMap((m) =>
        p.stats.map((statistic) =>
          STATES_METRIC[m.id](sm, {
            statistic,
            period: Duration.minutes(5),
            label: p.stats.length > 1 ? `${m.name} ${statistic}` : m.name,
          }),
        ),
      ),
      width: 8,
      height: 6,
    });
  }

  /** Remaining 30-day error budget, every workflow: 100 × (1 − bad ÷ ended executions ÷ (1 − SLO)). */
  private errorBudgetWidget(machines: Readonly<Record<string, IStateMachine>>): SingleValueWidget {
    const budget = 1 - this.thresholds.sloTarget;
    const usingMetrics: Record<string, IMetric> = {};
    Object.values(machines).forEach((sm, i) => {
      for (const [k, m] of Object.entries(executions(sm, 60 * 24 * 30))) usingMetrics[`${k}${i}`] = m;
    });
    const sum = (keys: readonly string[]) =>
      Object.keys(machines)
        .flatMap((_, i) => keys.map((k) => `FILL(${k}${i}, 0)`))
        .join(" + ") || "0";
    return new SingleValueWidget({
      title: `Error budget remaining (SLO ${this.thresholds.sloTarget * 100}% / 30 days)`,
      metrics: [
        new MathExpression({
          expression: `100 * (1 - ${safeRatio(sum(["f", "t", "a"]), sum(["s", "f", "t", "a"]))} / ${budget})`,
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

  /**
   * Per workflow: run failure rate and p95 run duration from its state machine (`AWS/States`:
   * with per-node hosting no Lambda sees a whole run), state-machine failures, holds before a
   * settlement cut-off, and each function's errors and throttles.
   */
  private workflowAlarms(workflow: string, deployed: AgentWorkflow): void {
    const t = this.thresholds;
    const id = workflow.replace(/[^A-Za-z0-9]/g, "");
    const sm = deployed.stateMachine;
    const ended = executions(sm, 15);
    this.alarm(
      new Alarm(this, `${id}RunFailureRate`, {
        alarmDescription: `${workflow}: more than ${t.runFailureRate * 100}% of runs failed in 15 min (failed, timed-out and aborted ÷ started executions). Runbook: docs/troubleshooting.md#runs-failing`,
        metric: new MathExpression({
          expression: `IF(FILL(started, 0) > 0, (${BAD}) / started, 0)`,
          usingMetrics: {
            started: sm.metricStarted({ period: Duration.minutes(15), statistic: "Sum" }),
            f: ended.f,
            t: ended.t,
            a: ended.a,
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
        alarmDescription: `${workflow}: p95 run duration (state machine ExecutionTime) over ${t.p95RunDurationMs} ms. Runbook: docs/troubleshooting.md#runs-slow`,
        metric: sm.metricTime({ statistic: "p95", period: Duration.minutes(15) }),
        threshold: t.p95RunDurationMs,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
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
    // Any hold before a settlement cut-off pages: the break must be fixed by hand before it fails.
    this.alarm(
      new Alarm(this, `${id}DeadlineHolds`, {
        alarmDescription: `${workflow}: work held before its settlement cut-off — fix it by hand now. Runbook: docs/troubleshooting.md#deadline-holds`,
        metric: new Metric({
          namespace: this.namespace,
          metricName: CATALOG.deadlineHolds.name,
          dimensionsMap: { Workflow: workflow },
          statistic: "Sum",
          period: Duration.minutes(5),
        }),
        threshold: 1,
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

  /**
   * Multi-window burn-rate alarms on the availability SLO, per workflow (an alarm's math may
   * hold 10 metrics, so one expression over every workflow would not scale): the error ratio
   * (failed + timed-out + aborted ÷ ended executions of the state machine, 4 metrics) over a
   * long and a short window must BOTH exceed burn rate × budget.
   */
  private burnRateAlarms(machines: Readonly<Record<string, IStateMachine>>): void {
    const budget = 1 - this.thresholds.sloTarget;
    const ratio = (sm: IStateMachine, minutes: number) =>
      new MathExpression({
        expression: safeRatio(BAD, `FILL(s, 0) + ${BAD}`),
        usingMetrics: executions(sm, minutes),
        period: Duration.minutes(minutes),
      });
    for (const [workflow, sm] of Object.entries(machines)) {
      const id = workflow.replace(/[^A-Za-z0-9]/g, "");
      for (const [speed, b] of Object.entries(this.thresholds.burnRates)) {
        const window = (minutes: number, label: string) =>
          new Alarm(this, `${id}SloBurn${speed}${label}`, {
            alarmDescription: `SLO burn of ${workflow} (${speed}, ${minutes} min window): error ratio over ${b.rate}× the budget.`,
            metric: ratio(sm, minutes),
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
    // Generated from the log event catalog: a query reads only events the code writes.
    for (const query of LOG_QUERIES) {
      const filters = [eventFilter(query), query.filter].filter((f): f is string => f !== undefined);
      define(
        query.name,
        new QueryString({
          ...(query.fields ? { fields: [...query.fields] } : {}),
          ...(filters.length > 0 ? { filterStatements: filters } : {}),
          ...(query.stats ? { statsStatements: [query.stats] } : {}),
          sort: query.sort,
          ...(query.limit === undefined ? {} : { limit: query.limit }),
        }),
      );
    }
  }
}
