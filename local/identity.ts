import { userInfo } from "node:os";

/**
 * Who answers a waiting run from this machine: the OS user, marked `local:` so no record
 * confuses it with an authenticated AWS principal (`iam:…`) or Cognito user (`cognito:…`).
 * The local CLI and `resumeInProcess` stamp it on every answer; an answer never names itself.
 *
 * @example
 * localApprover(); // "local:alice"
 */
export function localApprover(): string {
  return `local:${userInfo().username}`;
}
