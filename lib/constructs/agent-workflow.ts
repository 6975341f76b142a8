import { ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import type { CfnFunction, IFunction } from "aws-cdk-lib/aws-lambda";
import { CfnSubscriptionFilter, LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from "aws-cdk-lib/aws-stepfunctions";
import { Construct, type IConstruct } from "constructs";
import { stateMachineName } from "#config";
import {
  type BuildOptions,
  buildStateMachine,
  EXPRESS_MAX_SECONDS,
  type FunctionRole,
  type FunctionSlot,
  type StateMachineSpec,
  type WorkflowDefinition,
} from "#engine";
import { EXPRESS_FAILURE_FILTER } from "#ops";
import { type DataBucketRef, dataAccess } from "./data-access.ts";
import { grantKeyUse } from "./grants.ts";
import { grantModelAccess, type ModelProviderConfig, OFFLINE_MODEL } from "./model-provider.ts";
import { SwitchyardFunction } from "./switchyard-function.ts";

/** Handler file of each Lambda role: one thin entry point per role (docs/architecture.md, "The layout"). */
export const DEFAULT_ENTRIES: Readonly<Record<FunctionRole, string>> = {
  start: "functions/handlers/start.ts",
  commit: "functions/handlers/commit.ts",
  node: "functions/handlers/run-node.ts",
  superstep: "functions/handlers/superstep.ts",
  graph: "functions/handlers/graph.ts",
};

/** A node's Lambda when the workflow does not say otherwise (`NodeSettings`). */
export const DEFAULT_NODE_MEMORY_MB = 512;
/** Start and commit load the graph and the checkpoint saver; on ARM64 memory also buys CPU. */
const ENGINE_MEMORY_MB = 1024;
/** Lambda's hard ceiling. */
const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

export interface AgentWorkflowProps {
  readonly workflow: WorkflowDefinition;
  /** Stage the functions report in `SWITCHYARD_STAGE`, e.g. `dev`. */
  readonly stage: string;
  /** Prefix of physical names, `switchyard-<stage>` (`resources(stage).prefix`). */
  readonly prefix: string;
  /** The checkpoint table; every function reads and writes it, and nothing else. */
  readonly checkpointTable: ITable;
  /**
   * The key that seals each run's audit chain (`AUDIT_SIGNING_KEY_ID`; `kms:Sign` on it and
   * nothing else). Without it the functions record no audit — refused in production stages.
   */
  readonly auditSigningKey?: IKey;
  /** Where the state machine's catch-all publishes (`${AlertsTopicArn}` in the definition). */
  readonly alertsTopic: ITopic;
  /** Handler file per role (default {@link DEFAULT_ENTRIES}); tests bundle a stand-in. */
  readonly entryFor?: (role: FunctionRole) => string;
  /** Options of the superstep loop, passed to `buildStateMachine` unchanged. */
  readonly build?: BuildOptions;
  /** `LOG_LEVEL` of every function (default `INFO`). */
  readonly logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";
  /** Retention of the execution log group and of every function's log group (default one month). */
  readonly logRetention?: RetentionDays;
  /** The agents' model provider (default the offline policy model): environment, bundle, grant. */
  readonly model?: ModelProviderConfig;
  /**
   * The stage's data bucket (`DATA_BUCKET` and `SWITCHYARD_DATA_ROOT` in every function): the
   * functions that run nodes may read all of it and write under its `runs/` and `generated/`;
   * start and commit get no access.
   */
  readonly dataBucket?: DataBucketRef;
  /**
   * The failed-run Lambda (ops stack). An Express workflow subscribes it to its execution log,
   * since Express executions send EventBridge no status change events; Standard ones need not.
   */
  readonly failedRunFunction?: IFunction;
}

/**
 * The execution log group of a state machine: Step Functions writes through CloudWatch vended
 * logs, and under this prefix needs no per-log-group entry in the account's 5,120-character
 * CloudWatch Logs resource policy.
 */
export function executionLogGroupName(machine: string): string {
  return `/aws/vendedlogs/states/${machine}`;
}

/** What start and commit do with task lists under the data bucket's `engine/` (fan-out.ts). */
const TASK_LIST_ACTIONS: Partial<Record<FunctionRole, string[]>> = {
  start: ["s3:PutObject"],
  commit: ["s3:PutObject", "s3:GetObject"],
};

/** Roles whose functions run the graph's nodes, and so read a day's data and write outputs. */
const NODE_RUNNING_ROLES: ReadonlySet<FunctionRole> = new Set(["node", "superstep", "graph"]);

/**
 * One Switchyard workflow on AWS: a Standard or Express state machine (`workflow.execution`) running the superstep loop that
 * `buildStateMachine(workflow)` describes — the same definition the local runner interprets —
 * and one Lambda per function slot of that definition (start, commit and one per agent node
 * for `per-node` hosting; one superstep or graph function for the other modes).
 *
 * ```
 * buildStateMachine(workflow) ── definition (JSON, ${placeholders}) ──▶ DefinitionBody.fromString
 *        └── functions[] ── one SwitchyardFunction each ── ARNs ──▶ definitionSubstitutions
 * ```
 * The definition is never rebuilt with the L2 chain API: CDK would add retriers of its own
 * (docs/architecture.md, "Verified pitfalls") and what deploys would drift from what runs locally.
 *
 * Least privilege: each function may read and write the checkpoint table (plus its KMS key if
 * the table has a customer key); the functions that run nodes may also read the data bucket and
 * write under its `runs/` and `generated/` (with its key, only through S3); the state machine's role may invoke exactly
 * these functions (and their versions/aliases), publish to exactly the alerts topic (with its
 * KMS key's GenerateDataKey and Decrypt, which an encrypted topic requires), and write
 * X-Ray traces and its execution log (both need `Resource: "*"`, acknowledged below).
 *
 * @example
 * const triage = new AgentWorkflow(this, "Triage", {
 *   workflow: workflows.triage,
 *   stage: "dev",
 *   prefix: "switchyard-dev",
 *   checkpointTable: core.checkpointTable,
 *   alertsTopic: core.alertsTopic,
 * });
 * triage.stateMachine.stateMachineArn;
 * triage.nodeFunctions.classify?.function.functionArn;
 */
export class AgentWorkflow extends Construct {
  /** The spec the state machine was built from: definition, function slots, placeholder keys. */
  readonly spec: StateMachineSpec;
  readonly stateMachine: StateMachine;
  /** The execution log group (level ALL, with execution data). */
  readonly logGroup: LogGroup;
  /** Every function, by its slot key in the definition (`StartFunctionArn`, `NodeFunctionArn0`, ...). */
  readonly functions: Readonly<Record<string, SwitchyardFunction>>;
  /** Express only: the execution log's subscription that records and alerts failed runs. */
  readonly failedRunsSubscription?: CfnSubscriptionFilter;
  /** The agent nodes' own functions, by node name (empty unless hosting is `per-node`). */
  readonly nodeFunctions: Readonly<Record<string, SwitchyardFunction>>;

  constructor(scope: Construct, id: string, props: AgentWorkflowProps) {
    super(scope, id);
    const { workflow } = props;
    const entryFor = props.entryFor ?? ((role: FunctionRole) => DEFAULT_ENTRIES[role]);
    const express = workflow.execution === "express";
    // Express executions end at 5 minutes whatever the definition says; say so in it too.
    this.spec = buildStateMachine(workflow, {
      ...(express ? { executionTimeoutSeconds: EXPRESS_MAX_SECONDS } : {}),
      ...props.build,
    });
    const model = props.model ?? OFFLINE_MODEL;

    const functions: Record<string, SwitchyardFunction> = {};
    const nodeFunctions: Record<string, SwitchyardFunction> = {};
    for (const slot of this.spec.functions) {
      const fn = new SwitchyardFunction(this, functionId(slot), {
        entry: entryFor(slot.role),
        description: `Switchyard ${props.stage} ${workflow.name}: ${slot.node === undefined ? slot.role : `node ${slot.node}`}`,
        memorySize: memoryFor(workflow, slot),
        timeout: Duration.seconds(timeoutFor(workflow, slot)),
        reservedConcurrentExecutions:
          slot.node === undefined ? undefined : workflow.nodes[slot.node]?.reservedConcurrency,
        logRetention: props.logRetention,
        externalModules: model.externalModules,
        environment: {
          ...model.environment,
          WORKFLOW_NAME: workflow.name,
          ...(slot.node === undefined ? {} : { NODE_NAME: slot.node }),
          CHECKPOINT_TABLE: props.checkpointTable.tableName,
          ...(props.auditSigningKey ? { AUDIT_SIGNING_KEY_ID: props.auditSigningKey.keyArn } : {}),
          // SWITCHYARD_DATA_ROOT: where the trading module writes a run's outputs (runs/<runId>/)
          // and generated days (generated/) when a run names no location.
          ...(props.dataBucket
            ? { DATA_BUCKET: props.dataBucket.name, SWITCHYARD_DATA_ROOT: `s3://${props.dataBucket.name}` }
            : {}),
          SWITCHYARD_STAGE: props.stage,
          OTEL_SERVICE_NAME: "switchyard",
          LOG_LEVEL: props.logLevel ?? "INFO",
        },
      });
      // Table-level actions on the table ARN only (no index/* since the table has no index);
      // the grant adds the table's KMS key by itself when it has a customer-managed one.
      props.checkpointTable.grantReadWriteData(fn.function);
      // The recorder runs wherever the graph runs (the start records the run's input, a node its
      // calls, a resume its answer), so every engine function signs; signing is all it may do.
      props.auditSigningKey?.grant(fn.function, "kms:Sign");
      grantModelAccess(fn.function, model);
      if (props.dataBucket && NODE_RUNNING_ROLES.has(slot.role)) {
        dataAccess.readAll(fn.function, fn.role, props.dataBucket);
        dataAccess.writeRuns(fn.function, fn.role, props.dataBucket);
      }
      // A wide superstep's task list: start and commit write it, commit reads the Map's results.
      const taskListActions = TASK_LIST_ACTIONS[slot.role];
      if (props.dataBucket && taskListActions) {
        dataAccess.taskLists(fn.function, fn.role, props.dataBucket, taskListActions);
      }
      functions[slot.key] = fn;
      if (slot.node !== undefined) nodeFunctions[slot.node] = fn;
    }
    this.functions = functions;
    this.nodeFunctions = nodeFunctions;

    this.logGroup = new LogGroup(this, "ExecutionLogs", {
      logGroupName: executionLogGroupName(stateMachineName(props, workflow.name)),
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      // The execution history of trading operations is an audit record: kept on stack deletion,
      // but not after its own failed first create, so a retried deploy of this fixed name succeeds.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });

    this.stateMachine = new StateMachine(this, "StateMachine", {
      // A fixed name lets the dispatcher and the CLI start executions from the stage and workflow name.
      stateMachineName: stateMachineName(props, workflow.name),
      // Express: at-least-once, history in the log group below only (level ALL with execution
      // data, which failed-run records read); the engine's repeat-safe handlers make it safe.
      stateMachineType: express ? StateMachineType.EXPRESS : StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(JSON.stringify(this.spec.definition)),
      definitionSubstitutions: {
        ...Object.fromEntries(Object.entries(functions).map(([key, fn]) => [key, fn.function.functionArn])),
        [this.spec.alertsTopicKey]: props.alertsTopic.topicArn,
      },
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });
    // The definition is a string, so CDK cannot see which resources it uses: grant them here.
    for (const fn of Object.values(functions)) fn.function.grantInvoke(this.stateMachine);
    this.grantPublishAlerts(props.alertsTopic);
    if (this.spec.continueStateName) this.grantContinueAsNew(stateMachineName(props, workflow.name));
    if (express && props.failedRunFunction) {
      // What the EventBridge rule does for Standard executions (docs/error-handling.md).
      this.failedRunsSubscription = new CfnSubscriptionFilter(this, "FailedExecutions", {
        logGroupName: this.logGroup.logGroupName,
        filterPattern: EXPRESS_FAILURE_FILTER,
        destinationArn: props.failedRunFunction.functionArn,
      });
    }
    // Per-node hosting's definition has the Distributed Map (asl.ts); without a bucket it never runs.
    if (workflow.hosting === "per-node" && props.dataBucket) {
      this.grantDistributedMap(stateMachineName(props, workflow.name), props.dataBucket);
    }

    this.acknowledgeStateMachineWildcards(Object.values(functions));
  }

  /**
   * `sns:Publish` on the alerts topic, and for a KMS-encrypted topic the two key actions SNS
   * needs from a publisher. Not `topic.grantPublish`: it grants `kms:GenerateDataKey*`, a
   * wildcard over key-pair and plaintext-less variants the publish never uses.
   */
  private grantPublishAlerts(topic: ITopic): void {
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ["sns:Publish"], resources: [topic.topicArn] }),
    );
    if (topic.masterKey) {
      grantKeyUse(this.stateMachine, topic.masterKey);
    }
  }

  /**
   * `states:StartExecution` on this state machine only: its `Continue` state starts the
   * successor of a continued run (continue-as-new). The ARN is built from the stack and the
   * machine's fixed name, not read from the machine, which would make its role depend on itself.
   */
  private grantContinueAsNew(name: string): void {
    const self = Stack.of(this).formatArn({
      service: "states",
      resource: "stateMachine",
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ["states:StartExecution"], resources: [self] }),
    );
  }

  /**
   * What a Distributed Map needs of its own state machine's role: start its child executions,
   * watch and stop them (on this state machine only, by its fixed name, so the policy does not
   * depend on the state machine it belongs to); read the task list (`ItemReader`) and write the
   * results (`ResultWriter`: `PutObject` plus the multipart calls it makes) under `engine/`.
   */
  private grantDistributedMap(name: string, bucket: DataBucketRef): void {
    const stack = Stack.of(this);
    const machine = stack.formatArn({
      service: "states",
      resource: "stateMachine",
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const executions = stack.formatArn({
      service: "states",
      resource: "execution",
      resourceName: `${name}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ["states:StartExecution"], resources: [machine] }),
    );
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ["states:DescribeExecution", "states:StopExecution"],
        resources: [executions],
      }),
    );
    const policy = this.stateMachine.role.node.tryFindChild("DefaultPolicy") as IConstruct;
    dataAccess.taskLists(this.stateMachine, policy, bucket, [
      "s3:GetObject",
      "s3:PutObject",
      "s3:ListMultipartUploadParts",
      "s3:AbortMultipartUpload",
    ]);
    // cdk-nag prints the ARN as the template holds it: a pseudo parameter where the stack is
    // environment-agnostic, the literal value where `cdk synth` knows it (CDK_DEFAULT_REGION).
    const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
    const arn = `arn:${shown(stack.partition, "AWS::Partition")}:states:${shown(stack.region, "AWS::Region")}:${shown(stack.account, "AWS::AccountId")}`;
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arn}:execution:${name}:*]`,
      reason:
        "states:DescribeExecution and StopExecution on the Distributed Map's child executions of this state " +
        "machine only: their names are made by Step Functions at run time.",
    });
  }

  /**
   * cdk-nag IAM5 findings on the state machine's role, each a wildcard AWS requires or one the
   * grant is scoped by; the acknowledgement names the exact finding, so any other wildcard fails.
   */
  private acknowledgeStateMachineWildcards(functions: SwitchyardFunction[]): void {
    const policy = this.stateMachine.role.node.tryFindChild("DefaultPolicy");
    if (!policy) return;
    Validations.of(policy).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Step Functions needs xray:PutTraceSegments/PutTelemetryRecords/GetSampling* for tracing and the " +
        "logs:*LogDelivery, PutResourcePolicy, DescribeResourcePolicies and DescribeLogGroups actions to " +
        "deliver execution logs; none of these supports resource-level permissions.",
    });
    for (const fn of functions) {
      const logicalId = Stack.of(this).resolve((fn.function.node.defaultChild as CfnFunction).logicalId);
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason:
          "lambda:InvokeFunction on this workflow's own function and its versions/aliases (the ':*' " +
          "qualifier), so a published version or alias can be invoked without widening the grant to other functions.",
      });
    }
  }
}

/** Construct id of a slot's function: the role for engine functions, the node name for nodes. */
function functionId(slot: FunctionSlot): string {
  if (slot.node === undefined) return `${slot.role.charAt(0).toUpperCase()}${slot.role.slice(1)}Function`;
  // Construct ids may not contain "/"; node names are free text in LangGraph.
  return `Node-${slot.node.replaceAll("/", "-")}`;
}

/**
 * Memory of a slot's Lambda: a node's own `memoryMb`; a function that runs several nodes in
 * one process (per-superstep, per-graph hosting) gets the largest of them.
 */
function memoryFor(workflow: WorkflowDefinition, slot: FunctionSlot): number {
  if (slot.node !== undefined) return workflow.nodes[slot.node]?.memoryMb ?? DEFAULT_NODE_MEMORY_MB;
  if (slot.role === "start" || slot.role === "commit") return ENGINE_MEMORY_MB;
  const nodes = Object.values(workflow.nodes).map((n) => n.memoryMb ?? DEFAULT_NODE_MEMORY_MB);
  return Math.max(ENGINE_MEMORY_MB, ...nodes);
}

/** The builder's timeout for the slot; the Task state allows 10 s more, so the Lambda's fires first. */
function timeoutFor(workflow: WorkflowDefinition, slot: FunctionSlot): number {
  if (slot.timeoutSeconds > LAMBDA_MAX_TIMEOUT_SECONDS) {
    throw new Error(
      `Workflow "${workflow.name}": ${slot.stateName} needs ${slot.timeoutSeconds} s, over Lambda's ` +
        `${LAMBDA_MAX_TIMEOUT_SECONDS} s limit; lower the nodes' timeoutSeconds or use per-node hosting.`,
    );
  }
  return slot.timeoutSeconds;
}
