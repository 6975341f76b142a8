export {
  type AnyStateGraph,
  type DefineWorkflowOptions,
  defineWorkflow,
  type Hosting,
  type NodeSettings,
  type RunSummary,
  type WorkflowDefinition,
} from "./define.ts";
