export { RUN_ID_PATTERN, type RunRequest, RunRequestSchema } from "./run-request.ts";
