export type { LocalClients, LocalEndpoints } from "./clients.ts";
export { type LocalAws, type LocalAwsOptions, startLocalAws } from "./local-aws.ts";
