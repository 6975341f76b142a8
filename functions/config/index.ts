export { ConfigurationError, checkpointTableName, ENV_VARIABLES, type Env, readEnv } from "./env.ts";
export {
  allQueues,
  DEFAULT_STAGE,
  DISPATCHER_TIMEOUT_SECONDS,
  type QueueSpec,
  type Resources,
  resources,
  stateMachineName,
  type TableSpec,
  type TopicSpec,
} from "./resources.ts";
