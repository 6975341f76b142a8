import { UnauthenticatedError } from "./errors.ts";
import type { ProxyEvent } from "./types.ts";

export type AuthMode = "iam" | "cognito";

/**
 * The authenticated caller of a request, or an {@link UnauthenticatedError}. API Gateway's
 * authorizer (IAM SigV4 by default, a Cognito user pool as the option) has already refused
 * unsigned calls; this is defence in depth against a route deployed without it or an event
 * that did not come through API Gateway. The caller also scopes Idempotency-Key records.
 *
 * `npm run serve` fills the identity for loopback peers only (see `local/serve.ts`).
 *
 * @example
 * callerOf(event, "iam"); // "arn:aws:iam::123456789012:user/ops"
 */
export function callerOf(event: ProxyEvent, mode: AuthMode): string {
  const caller =
    mode === "iam"
      ? (event.requestContext.identity?.userArn ?? event.requestContext.identity?.caller)
      : event.requestContext.authorizer?.claims?.sub;
  if (typeof caller !== "string" || caller.trim() === "") throw new UnauthenticatedError(mode);
  return caller;
}
