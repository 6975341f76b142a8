export { type ApiServer, type ApiServerOptions, startApiServer } from "./api-server.ts";
export type { LocalClients, LocalEndpoints } from "./clients.ts";
export { type LocalAws, type LocalAwsOptions, startLocalAws } from "./local-aws.ts";
