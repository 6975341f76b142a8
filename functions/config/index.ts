export {
  ConfigurationError,
  checkpointTableName,
  dataBucketName,
  ENV_VARIABLES,
  type Env,
  type EnvWith,
  envSchemaFor,
  idempotencyTableName,
  isProductionStage,
  readEnv,
  redactFields,
} from "./env.ts";
export { checkModelSettings, MODEL_SETTINGS, missingModelSettings } from "./model-settings.ts";
export {
  allQueues,
  type BucketSpec,
  DEFAULT_STAGE,
  DISPATCHER_TIMEOUT_SECONDS,
  type IdempotencyTableSpec,
  type QueueSpec,
  type Resources,
  resources,
  type ScheduleSpec,
  stateMachineName,
  type TableSpec,
  type TopicSpec,
} from "./resources.ts";
export { modelEnv, resolveSecret } from "./secrets.ts";
