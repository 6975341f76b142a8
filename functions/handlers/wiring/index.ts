/**
 * Each ops Lambda's wiring — its environment schema, and the dependencies built from that
 * environment and its clients — shared by the Lambda entry points (functions/handlers/*.ts) and
 * the embedded AWS (local/), so a local run is wired as a deployed one.
 */
export { type ApiClients, ApiEnv, apiCorrelationId, awsDataChecks, buildApiOptions } from "./api.ts";
export { buildDataArrivedDeps, DataArrivedEnv } from "./data-arrived.ts";
export { buildDispatcherDeps, type DispatcherClients, DispatcherEnv } from "./dispatcher.ts";
export {
  DispatcherEvent,
  ExecutionStatusChange,
  FailedRunEvent,
  LogsSubscription,
  NotifierEvent,
  TradeEventsEvent,
} from "./events.ts";
export { buildFailedRunDeps, type FailedRunClients, FailedRunEnv } from "./failed-run.ts";
export { InvalidEventError, type LambdaOptions, lambdaHandler } from "./lambda.ts";
export { buildNotifierDeps, type NotifierClients, NotifierEnv, type NotifierWiring } from "./notifier.ts";
export { buildTradeEventsDeps, TradeEventsEnv } from "./trade-events.ts";
