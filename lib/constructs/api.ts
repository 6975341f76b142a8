import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import {
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  type IAuthorizer,
  type JsonSchema,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type MethodOptions,
  type Model,
  RequestValidator,
  ResponseType,
  RestApi,
} from "aws-cdk-lib/aws-apigateway";
import type { IUserPool } from "aws-cdk-lib/aws-cognito";
import type { ITable, Table } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { z } from "zod";
import { ROUTES, type RouteSpec } from "#api";
import type { IdempotencyTableSpec } from "#config";
import { type DataBucketRef, dataAccess } from "./data-access.ts";
import { grantKeyUse } from "./grants.ts";
import { SwitchyardFunction } from "./switchyard-function.ts";
import { tableFromSpec } from "./table-from-spec.ts";

export interface SwitchyardApiProps {
  readonly stage: string;
  /** `switchyard-<stage>`: names the API, its table and its log group. */
  readonly prefix: string;
  readonly idempotencyTable: IdempotencyTableSpec;
  /** Where accepted runs go (the core stack's requests queue) and the key it is encrypted with. */
  readonly requestsQueue: IQueue;
  /** The requests queue's DLQ: listed and redriven (receive, send back, delete) by the dead-letter routes. */
  readonly requestsDeadLetterQueue: IQueue;
  readonly messagesKey: IKey;
  /**
   * Run status and history are read from here — with a failed run's record, one item beside its
   * checkpoints (the lease) — and the API never writes it.
   */
  readonly checkpointTable: ITable;
  /**
   * The key that seals each run's audit chain (`AUDIT_SIGNING_KEY_ID`): the API checks seals with
   * its public half (`kms:GetPublicKey`, nothing else) for `GET /runs/{id}/audit`.
   */
  readonly auditSigningKey?: IKey;
  /**
   * The data bucket (read-only, `DATA_BUCKET`): the API checks a day's folder before it accepts a
   * run and reads what runs wrote under `runs/`; a run's data must be in this bucket.
   */
  readonly dataBucket?: DataBucketRef;
  /** `iam` (SigV4, default) or `cognito` (needs `userPool`). */
  readonly auth?: "iam" | "cognito";
  readonly userPool?: IUserPool;
  /** Stage throttling, requests per second and burst (defaults 50 and 100). */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** Handler file of the api Lambda (default `functions/handlers/api.ts`); tests bundle a stand-in. */
  readonly entry?: string;
  /** Access-log and function-log retention (default one year: the API's audit trail). */
  readonly logRetention?: RetentionDays;
  /**
   * Whether this API sets the region's API Gateway CloudWatch role (default true): stage logging
   * is refused without one, and a new account has none. `false` when the account already has
   * one managed elsewhere (`-c apiGatewayCloudWatchRole=existing`; `switchyard doctor` checks it).
   */
  readonly accountCloudWatchRole?: boolean;
}

/**
 * The REST API (docs/architecture.md, "Entry points and dead letters"): API Gateway in front of one
 * `api` Lambda.
 *
 * ```
 * caller ─SigV4 (or Cognito JWT)─▶ API Gateway ── throttled per stage, access-logged, body schema-checked
 *          │ unsigned / unknown route: refused here (403/404), the Lambda never runs
 *          ▼
 *   api Lambda ── zod per field, Idempotency-Key (idempotency table) ──▶ requests queue ─▶ dispatcher
 *          ├── reads the checkpoint table for status and history (read-only), and the failure recorded
 *          │   beside a run's checkpoints (its lease item) for runs that stopped without a task error
 *          ├── reads the data bucket (read-only): a day's folder, manifest and mapping before a run is accepted, run outputs under runs/
 *          └── dead letters: requests DLQ ─receive, send back, delete─▶ requests queue
 * ```
 *
 * Least privilege: the function may send to the requests queue only (with the key actions an
 * encrypted queue needs, no wildcard); receive, delete and change visibility on the requests DLQ;
 * read the checkpoint table; put/get/update/delete items
 * of its idempotency table; and list and get the data bucket's objects (the key only through S3).
 *
 * @example
 * const api = new SwitchyardApi(this, "Api", { stage, prefix, idempotencyTable: r.idempotencyTable,
 *   requestsQueue: core.requestsQueue, requestsDeadLetterQueue: core.requestsDeadLetterQueue,
 *   messagesKey: core.messagesKey, checkpointTable: core.checkpointTable });
 * api.restApi.url;
 */
export class SwitchyardApi extends Construct {
  readonly restApi: RestApi;
  readonly function: SwitchyardFunction;
  readonly idempotencyTable: Table;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: SwitchyardApiProps) {
    super(scope, id);
    const auth = props.auth ?? "iam";
    if (auth === "cognito" && !props.userPool)
      throw new Error("SwitchyardApi: auth 'cognito' needs a userPool.");
    const retention = props.logRetention ?? RetentionDays.ONE_YEAR;

    // Idempotency-Key records: 24 h of keys, expired by TTL. Losing them loses no run, so the
    // table goes with the stack; PITR anyway, as for every table.
    this.idempotencyTable = tableFromSpec(
      this,
      "IdempotencyTable",
      props.idempotencyTable,
      RemovalPolicy.DESTROY,
    );

    this.function = new SwitchyardFunction(this, "Handler", {
      entry: props.entry ?? "functions/handlers/api.ts",
      description: `Switchyard ${props.stage}: REST API`,
      // API Gateway's integration timeout is 29 s; the function gives up first.
      timeout: Duration.seconds(25),
      logRetention: retention,
      environment: {
        SWITCHYARD_STAGE: props.stage,
        REQUESTS_QUEUE_URL: props.requestsQueue.queueUrl,
        REQUESTS_DLQ_URL: props.requestsDeadLetterQueue.queueUrl,
        CHECKPOINT_TABLE: props.checkpointTable.tableName,
        ...(props.auditSigningKey ? { AUDIT_SIGNING_KEY_ID: props.auditSigningKey.keyArn } : {}),
        IDEMPOTENCY_TABLE: this.idempotencyTable.tableName,
        ...(props.dataBucket ? { DATA_BUCKET: props.dataBucket.name } : {}),
        API_AUTH: auth,
        OTEL_SERVICE_NAME: "switchyard-api",
      },
    });
    this.grant(props);
    props.auditSigningKey?.grant(this.function.function, "kms:GetPublicKey");

    this.accessLogs = new LogGroup(this, "AccessLogs", {
      logGroupName: `/aws/apigateway/${props.prefix}-api`,
      retention,
      // The audit trail outlives the stack, but not a failed first create: a retried deploy must
      // not collide with its own leftover of this fixed name.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    const accountRole = props.accountCloudWatchRole ?? true;
    const throttle = props.throttle ?? { rateLimit: 50, burstLimit: 100 };
    this.restApi = new RestApi(this, "RestApi", {
      restApiName: `${props.prefix}-api`,
      description: `Switchyard ${props.stage}: start, inspect and resume runs; dead letters`,
      endpointTypes: [EndpointType.REGIONAL],
      // API Gateway refuses a stage with logging until the region's account settings name a
      // CloudWatch role; a new account has none. Retained: other APIs of the region rely on it.
      cloudWatchRole: accountRole,
      ...(accountRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      deployOptions: {
        stageName: props.stage,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        tracingEnabled: true,
        // Execution logs of errors only (the access log records every request).
        loggingLevel: MethodLoggingLevel.ERROR,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
      },
    });
    this.gatewayErrorsAsJson();

    const validator = new RequestValidator(this, "Validator", {
      restApi: this.restApi,
      requestValidatorName: "body-and-parameters",
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const integration = new LambdaIntegration(this.function.function, { allowTestInvoke: false });
    const methodOptions = this.methodOptions(auth, props.userPool);
    // One method per route of the handler's own table (functions/api/routes.ts), the same table
    // the OpenAPI document is generated from: path parameters required, query parameters
    // declared, each body checked against its zod schema's JSON Schema before the Lambda runs.
    for (const route of ROUTES as readonly RouteSpec[]) {
      const resource = this.restApi.root.resourceForPath(route.path.replace(/^\//, ""));
      resource.addMethod(route.method, integration, {
        ...methodOptions,
        requestValidator: validator,
        requestParameters: requestParametersOf(route),
        ...(route.body
          ? { requestModels: { "application/json": this.bodyModel(route.operationId, route.body.schema) } }
          : {}),
      });
    }
    this.acknowledge(auth);
  }

  /**
   * Only what the handler does: send run requests (and redriven letters) to the requests queue,
   * sweep the requests DLQ, read checkpoints (and the failures recorded beside them), keep idempotency records,
   * check a run's day and read run outputs (the data bucket, read-only).
   */
  private grant(props: SwitchyardApiProps): void {
    const fn = this.function.function;
    // Not queue.grantSendMessages: it grants kms:GenerateDataKey*, a wildcard the send never needs.
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ["sqs:SendMessage"], resources: [props.requestsQueue.queueArn] }),
    );
    // A sweep receives, then deletes what it redrove and makes the rest visible again at once.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
        resources: [props.requestsDeadLetterQueue.queueArn],
      }),
    );
    grantKeyUse(fn, props.messagesKey);
    fn.addToRolePolicy(
      new PolicyStatement({
        // BatchGetItem: a checkpoint's earlier channel values are fetched in one batch.
        actions: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable"],
        resources: [props.checkpointTable.tableArn],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
        resources: [this.idempotencyTable.tableArn],
      }),
    );
    if (props.dataBucket) dataAccess.readAll(fn, this.function.role, props.dataBucket);
  }

  private methodOptions(auth: "iam" | "cognito", userPool?: IUserPool): MethodOptions {
    if (auth === "iam") return { authorizationType: AuthorizationType.IAM };
    const authorizer: IAuthorizer = new CognitoUserPoolsAuthorizer(this, "Authorizer", {
      cognitoUserPools: [userPool as IUserPool],
    });
    return { authorizationType: AuthorizationType.COGNITO, authorizer };
  }

  /**
   * A body's model: its zod schema as JSON Schema draft 4 (what API Gateway models speak), named
   * after the operation. Recursive "any JSON" parts (a run's input values, a decision) become `{}`:
   * a model cannot reference its own definitions, and the handler checks them against the
   * workflow's schema anyway.
   */
  private bodyModel(operationId: string, schema: z.ZodType): Model {
    const name = operationId.charAt(0).toUpperCase() + operationId.slice(1);
    return this.restApi.addModel(name, {
      contentType: "application/json",
      modelName: name,
      schema: edgeSchema(schema) as JsonSchema,
    });
  }

  /**
   * API Gateway's own refusals (auth, validation, throttling) in the handler's error shape. A
   * gateway response template is not VTL: it substitutes variables and nothing else, so no
   * `$util.escapeJavaScript`. `$context.error.messageString` is the message as a quoted, escaped
   * JSON string; `$context.error.validationErrorString` is raw (its schema errors hold `"`), so
   * it never goes in the body: {@link gatewayErrorTemplate} yields valid JSON for any message.
   */
  private gatewayErrorsAsJson(): void {
    const json = (code: string) => ({ "application/json": gatewayErrorTemplate(code) });
    this.restApi.addGatewayResponse("Default4xx", {
      type: ResponseType.DEFAULT_4XX,
      templates: json("Switchyard.Gateway4xx"),
    });
    this.restApi.addGatewayResponse("BadRequestBody", {
      type: ResponseType.BAD_REQUEST_BODY,
      templates: json("Switchyard.InvalidRequest"),
    });
    this.restApi.addGatewayResponse("Default5xx", {
      type: ResponseType.DEFAULT_5XX,
      templates: json("Switchyard.Gateway5xx"),
    });
  }

  /** cdk-nag findings this API answers differently; each reason says how. */
  private acknowledge(auth: "iam" | "cognito"): void {
    const stage = this.restApi.deploymentStage;
    const accountRole = this.restApi.node.tryFindChild("CloudWatchRole");
    if (accountRole) {
      Validations.of(accountRole).acknowledge({
        id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
        reason:
          "The region's API Gateway CloudWatch role is assumed by API Gateway alone, for every API of the region, " +
          "to write their log groups (named by API id, unknown here); AWS maintains this policy for exactly that role.",
      });
    }
    Validations.of(stage).acknowledge({
      id: "AwsSolutions-APIG3",
      reason:
        "No WAF web ACL: every method requires IAM SigV4 (or Cognito) auth, so anonymous traffic is refused " +
        "before any rule would run; stage throttling bounds signed callers. Add a web ACL if the API is ever opened wider.",
    });
    if (auth === "iam") {
      for (const method of this.restApi.methods) {
        Validations.of(method).acknowledge({
          id: "AwsSolutions-COG4",
          reason:
            "The method is authorized by IAM (SigV4): operators and services call it with their AWS " +
            "credentials. A Cognito user-pool authorizer is the configurable alternative (auth: cognito).",
        });
      }
    }
  }
}

/**
 * The body of a gateway response: the handler's error shape, with the message as API Gateway
 * quotes and escapes it (`$context.error.messageString`), so the body parses for any message.
 *
 * @example
 * gatewayErrorTemplate("Switchyard.InvalidRequest"); // {"error":{"code":"Switchyard.InvalidRequest","message":$context.error.messageString}}
 */
export function gatewayErrorTemplate(code: string): string {
  return `{"error":{"code":"${code}","message":$context.error.messageString}}`;
}

/**
 * A route's request parameters for API Gateway: path parameters required, query parameters
 * optional unless the schema requires them.
 *
 * @example
 * requestParametersOf(getRunRoute); // { "method.request.path.id": true, "method.request.querystring.workflow": false }
 */
export function requestParametersOf(route: RouteSpec): Record<string, boolean> {
  const path = Object.keys(route.pathParams ?? {}).map((p) => [`method.request.path.${p}`, true] as const);
  const shape = (route.query?.shape ?? {}) as Record<string, z.ZodType>;
  const query = Object.entries(shape).map(
    ([q, schema]) => [`method.request.querystring.${q}`, !schema.safeParse(undefined).success] as const,
  );
  return Object.fromEntries([...path, ...query]);
}

/**
 * A zod schema as a JSON Schema draft 4 that an API Gateway model accepts: no `$schema`, no
 * definitions; a reference to one (zod's recursive JSON value) becomes `{}`, any value.
 *
 * @example
 * edgeSchema(ResumeBody); // { type: "object", properties: { decision: {} }, required: ["decision"], additionalProperties: false }
 */
export function edgeSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: "draft-4", io: "input", unrepresentable: "any" });
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== "object") return value;
    if ("$ref" in value) return {};
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "$schema" && k !== "definitions")
        .map(([k, v]) => [k, strip(v)]),
    );
  };
  return strip(json) as Record<string, unknown>;
}
