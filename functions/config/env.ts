import { z } from "zod";
import { SwitchyardError } from "#core";
import { DEFAULT_STAGE, resources } from "./resources.ts";

/**
 * Every environment variable Switchyard reads, validated once: fail fast on configuration
 * (docs/architecture.md, "House style" §2). `.env.example` lists the same variables; a test
 * keeps the two in step.
 * In Lambda the CDK stack sets the resource variables; locally the embedded AWS does.
 */
const Url = z.string().refine((s) => URL.canParse(s), "must be an absolute URL");
// An SQS queue URL's shape, checked by pattern: WHATWG URL parsing rejects hosts that end in an
// IPv4 address, such as the emulator's `sqs.<region>.127.0.0.1`, which the SDK never parses.
const QueueUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+\/\d{12}\/[\w-]{1,80}(\.fifo)?$/, "must be an SQS queue URL");

/**
 * A Secrets Manager secret ARN (`functions/config/secrets.ts`). SSM parameters are not offered:
 * their client is not a dependency, and one secret store is enough.
 */
const SecretArn = z
  .string()
  .regex(/^arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:[\w/+=.@-]+$/, "a Secrets Manager secret ARN");

const EnvSchema = z.object({
  SWITCHYARD_STAGE: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, "lower-case letters, digits and '-'")
    .default(DEFAULT_STAGE),
  AWS_REGION: z.string().min(1).default("us-east-1"),
  CHECKPOINT_TABLE: z.string().min(1).optional(),
  /** The one workflow an engine Lambda serves (set by CDK on each): the only one it loads. */
  WORKFLOW_NAME: z.string().min(1).optional(),
  /** The one node a per-node function runs (set by CDK on each node function): it refuses any other. */
  NODE_NAME: z.string().min(1).optional(),
  /**
   * The KMS key (id, ARN or alias) that signs each run's audit-chain head (docs/controls.md);
   * set by CDK on every engine function. Unset, a Lambda records no audit — outside production
   * stages only: a production stage refuses to start without it.
   */
  AUDIT_SIGNING_KEY_ID: z.string().min(1).max(2048).optional(),
  CHECKPOINT_TTL_DAYS: z.coerce.number().int().positive().max(3650).default(30),
  REQUESTS_QUEUE_URL: QueueUrl.optional(),
  /** The requests queue's DLQ: the API lists and redrives it. */
  REQUESTS_DLQ_URL: QueueUrl.optional(),
  FAILED_RUNS_QUEUE_URL: QueueUrl.optional(),
  ALERTS_TOPIC_ARN: z.string().startsWith("arn:").optional(),
  /** The S3 bucket of trading data (`incoming/`, `runs/`); S3 rules for a bucket name. */
  DATA_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name")
    .optional(),
  MODEL_PROVIDER: z.enum(["offline", "bedrock", "ollama", "openai"]).optional(),
  BEDROCK_MODEL_ID: z.string().min(1).optional(),
  OLLAMA_BASE_URL: Url.optional(),
  OLLAMA_MODEL: z.string().min(1).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  /** In AWS: where OPENAI_API_KEY is kept (read at cold start when the variable itself is unset). */
  OPENAI_API_KEY_SECRET_ARN: SecretArn.optional(),
  OPENAI_MODEL: z.string().min(1).optional(),
  NOTIFICATIONS_TOPIC_ARN: z.string().startsWith("arn:").optional(),
  ALERTS_TABLE: z.string().min(1).optional(),
  /** Same alert key within this many seconds → one notification with a count. */
  ALERT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  SLACK_WEBHOOK_URL: Url.optional(),
  /** Local runs (CLI): seconds without progress before the watchdog ends the run (exit 3). */
  SWITCHYARD_STALL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** In AWS: where SLACK_WEBHOOK_URL is kept (read when the variable itself is unset). */
  SLACK_WEBHOOK_SECRET_ARN: SecretArn.optional(),
  /** `arn:aws:states:<region>:<account>:stateMachine:` — the dispatcher appends the machine's name. */
  STATE_MACHINE_ARN_PREFIX: z
    .string()
    .regex(
      /^arn:aws[\w-]*:states:[\w-]+:\d{12}:stateMachine:$/,
      "arn:aws:states:<region>:<account>:stateMachine:",
    )
    .optional(),
  /** Fault injection for tests and drills (functions/faults/faults.ts); refused in production stages. */
  FAULTS: z.string().max(2000).optional(),
  LOG_LEVEL: z.enum(["DEBUG", "INFO", "WARN", "ERROR", "SILENT"]).default("INFO"),
  // Telemetry (functions/telemetry, docs/monitoring.md): on by default; OTLP export only when an endpoint is set.
  TELEMETRY: z.enum(["on", "off"]).default("on"),
  METRICS_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9/_.#:-]{1,255}$/, "a CloudWatch namespace")
    .default("Switchyard"),
  OTEL_EXPORTER_OTLP_ENDPOINT: Url.optional(),
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: Url.optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default("switchyard"),
  LOG_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0),
  LOG_REDACT_FIELDS: z.string().optional(),
  // The REST API (functions/api): who may call it, and where it keeps Idempotency-Key records.
  API_AUTH: z.enum(["iam", "cognito"]).default("iam"),
  IDEMPOTENCY_TABLE: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
});

export type Env = z.infer<typeof EnvSchema>;

/** The environment (or a setting derived from it) cannot work: named variable by variable, never retried. */
export class ConfigurationError extends SwitchyardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("Switchyard.Configuration", message, options);
  }
}

/** Names of every variable the schema knows, for `.env.example` checks and docs. */
export const ENV_VARIABLES = Object.keys(EnvSchema.shape) as (keyof Env)[];

/**
 * Parses `source` (default `process.env`) and throws a {@link ConfigurationError} naming every bad variable.
 *
 * @example
 * const env = readEnv({ CHECKPOINT_TTL_DAYS: "7" }); // env.CHECKPOINT_TTL_DAYS === 7
 */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnv(EnvSchema, source, "");
}

/** The environment of a Lambda that cannot start without `K`: those variables are present. */
export type EnvWith<K extends keyof Env> = Env & { readonly [P in K]-?: NonNullable<Env[P]> };

/**
 * One Lambda's environment: the whole schema, with the variables that Lambda cannot start without
 * made required. A missing one fails the cold start with a {@link ConfigurationError} naming the
 * variable and the Lambda, never a request later.
 *
 * @example
 * const DispatcherEnv = envSchemaFor("dispatcher", ["STATE_MACHINE_ARN_PREFIX"]);
 * const env = DispatcherEnv.read(); // env.STATE_MACHINE_ARN_PREFIX: string
 */
export function envSchemaFor<K extends keyof Env>(
  lambda: string,
  required: readonly K[],
): {
  readonly lambda: string;
  readonly required: readonly K[];
  read(source?: Record<string, string | undefined>): EnvWith<K>;
} {
  // The mask is built at run time from `required`; `EnvWith<K>` states what it guarantees.
  const schema: z.ZodType<Env> = EnvSchema.required(
    Object.fromEntries(required.map((k) => [k, true])) as Record<keyof Env, true>,
  );
  return {
    lambda,
    required,
    read: (source = process.env) => parseEnv(schema, source, ` of the ${lambda} Lambda`) as EnvWith<K>,
  };
}

function parseEnv(schema: z.ZodType<Env>, source: Record<string, string | undefined>, whose: string): Env {
  const blanksRemoved = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = schema.safeParse(blanksRemoved);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = i.path.join(".");
      return `  ${name}: ${name in blanksRemoved ? i.message : "required, not set"}`;
    });
    throw new ConfigurationError(`Invalid configuration${whose}:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** The API's idempotency table name: the explicit variable, else the stage's default from the resource module. */
export function idempotencyTableName(env: Env): string {
  return env.IDEMPOTENCY_TABLE ?? resources(env.SWITCHYARD_STAGE).idempotencyTable.name;
}

/** The data bucket's name: the explicit variable, else the stage's default from the resource module. */
export function dataBucketName(env: Env): string {
  return env.DATA_BUCKET ?? resources(env.SWITCHYARD_STAGE).dataBucket.name;
}

/** Stages that hold real trades: no injected faults there, and no engine without its audit key. */
const PRODUCTION_STAGE = /^(prod|production|live)(-|$)/;

/**
 * Whether a stage holds real trades (`prod`, `production`, `live`, or one of them followed by `-…`).
 *
 * @example
 * isProductionStage("prod-eu"); // true
 * isProductionStage("dev"); // false
 */
export function isProductionStage(stage: string): boolean {
  return PRODUCTION_STAGE.test(stage);
}

/** The extra field names `LOG_REDACT_FIELDS` lists (comma-separated), for logs and the audit alike. */
export function redactFields(env: Env): string[] {
  return (env.LOG_REDACT_FIELDS ?? "")
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
}

/** The checkpoint table name: the explicit variable, else the stage's default from the resource module. */
export function checkpointTableName(env: Env): string {
  return env.CHECKPOINT_TABLE ?? resources(env.SWITCHYARD_STAGE).checkpointTable.name;
}
