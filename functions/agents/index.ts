/**
 * Tool-calling agents over any chat model from `#models`: the guarded loop, the side-effect
 * approval contract, and the plain-JSON run record workflows keep in state.
 */
export { approvalKey, isSideEffectTool, SIDE_EFFECT_FLAG } from "./approvals.ts";
export { AgentConfigurationError, AgentError } from "./errors.ts";
export { TOOL_REFUSED_EVENT } from "./events.ts";
export {
  AlreadyApprovedError,
  ApprovalDeadlinePassedError,
  type ApprovalPolicy,
  type ApprovalRule,
  type ApprovalSubject,
  ApproverExcludedError,
  type AskedInterrupt,
  askOf,
  checkVote,
  DEFAULT_APPROVAL_POLICY,
  describeAsk,
  type ExcludedRole,
  type FourEyesAsk,
  FourEyesError,
  fourEyesAskIn,
  IdentityInAnswerError,
  InvalidVoteError,
  type Parties,
  policyFor,
  stampAnswers,
  stampVote,
  type Tally,
  tally,
  type Vote,
} from "./four-eyes.ts";
export { type GuardContext, type Verdict, vetToolCall } from "./guard.ts";
export { storedHistory } from "./history.ts";
export { createToolAgent } from "./tool-agent.ts";
export type {
  AgentInvokeOptions,
  AgentLogger,
  AgentRun,
  AgentTool,
  PendingApproval,
  RefusalCode,
  ToolAgent,
  ToolAgentOptions,
  ToolCallRecord,
} from "./types.ts";
