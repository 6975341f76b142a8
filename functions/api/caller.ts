import type { AuthMode } from "./auth.ts";
import { UnauthenticatedError } from "./errors.ts";
import type { ProxyEvent } from "./types.ts";

/**
 * The approver a request speaks for: the caller API Gateway authenticated, marked by how —
 * `iam:<principal ARN>` (SigV4: `requestContext.identity.userArn`, else `.caller`) or
 * `cognito:<sub>` (the user pool's `sub`: stable, unlike a username a user may change). Never
 * from the body: an answer naming its approver is refused (`IdentityInAnswerError`). The local
 * server's loopback caller is already marked `local:` and stays as it is.
 *
 * @example
 * approverOf(event, "iam"); // "iam:arn:aws:iam::123456789012:user/ops"
 */
export function approverOf(event: ProxyEvent, mode: AuthMode): string {
  if (mode === "cognito") {
    const sub = event.requestContext.authorizer?.claims?.sub;
    if (typeof sub !== "string" || sub.trim() === "") throw new UnauthenticatedError(mode);
    return `cognito:${sub}`;
  }
  const identity = event.requestContext.identity;
  const principal = identity?.userArn || identity?.caller;
  if (typeof principal !== "string" || principal.trim() === "") throw new UnauthenticatedError(mode);
  return principal.startsWith("local:") ? principal : `iam:${principal}`;
}

/**
 * The local API server's caller (`npm run serve`): every loopback request is this one identity,
 * so it names no person — it approves as itself, but is never recorded as a run's requester.
 */
export const LOCAL_LOOPBACK = "local:loopback";

/**
 * Who asks for a run, for the four-eyes rules that exclude the requester: the authenticated
 * caller (`approverOf`), or none for the local server's loopback caller.
 */
export function requesterOf(event: ProxyEvent, mode: AuthMode): string | undefined {
  const who = approverOf(event, mode);
  return who === LOCAL_LOOPBACK ? undefined : who;
}
