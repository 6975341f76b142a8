import { SwitchyardError } from "#core";

/**
 * Errors of the agent layer, each with a stable `code` (docs/architecture.md, "House style" §3).
 * Refused tool calls are NOT errors: the model is told in a ToolMessage and the run goes on;
 * these are wiring mistakes.
 */
export class AgentError extends SwitchyardError {}

/** An agent built with settings that cannot work (no tool binding, duplicate tools, bad bounds). */
export class AgentConfigurationError extends AgentError {
  constructor(agent: string, problem: string) {
    super("Agents.Configuration", `Agent "${agent}": ${problem}`);
  }
}
