/**
 * The reserved channel names and task id LangGraph's loop writes pending writes under
 * (`@langchain/langgraph` constants, which the package does not export). The engine reads and
 * writes the same records LangGraph's own resume uses, so it must spell them the same way.
 */
export const NULL_TASK_ID = "00000000-0000-0000-0000-000000000000";
export const ERROR = "__error__";
export const ERROR_SOURCE_NODE = "__error_source_node__";
export const INTERRUPT = "__interrupt__";
export const RESUME = "__resume__";
/** Marks a task that finished without writing anything. */
export const NO_WRITES = "__no_writes__";

/** Writes about a task that are not its output (LangGraph's `isTaskOutput` is false for these). */
export const NOT_OUTPUT: ReadonlySet<string> = new Set([ERROR, ERROR_SOURCE_NODE, INTERRUPT, RESUME]);

/** The run-config key LangGraph reads a `Command({ resume: { [interruptId]: value } })` map from. */
export const RESUME_MAP = "__pregel_resume_map";
