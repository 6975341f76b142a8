import { z } from "zod";
import type { AnyStateGraph } from "./define.ts";

/**
 * The run-input schema of a workflow defined without `input`: the graph's own input, as LangGraph
 * declares it (`StateGraph` keeps `_inputDefinition`, the input channels, and
 * `_inputRuntimeDefinition` / `_schemaRuntimeDefinition`, the zod schema when the state has one —
 * see `@langchain/langgraph` graph/state.js).
 *
 * - zod state (or zod `input`): that schema's fields, each optional and without its default (the
 *   input is a state update, as LangGraph's partial input schema is), unknown keys refused;
 * - Annotation state: the input channels by name, values unchecked (an Annotation declares types
 *   only), unknown keys refused.
 *
 * Either way an unknown key is an `InvalidInputError` naming it, before any state is written.
 */
export function graphInputSchema(graph: AnyStateGraph): z.ZodType<Record<string, unknown>> {
  const g = graph as unknown as {
    _inputDefinition?: Record<string, unknown>;
    _inputRuntimeDefinition?: unknown;
    _schemaRuntimeDefinition?: unknown;
  };
  const declared = isZodObject(g._inputRuntimeDefinition)
    ? g._inputRuntimeDefinition
    : isZodObject(g._schemaRuntimeDefinition)
      ? g._schemaRuntimeDefinition
      : undefined;
  const channels = Object.keys(g._inputDefinition ?? {}).filter((k) => !k.startsWith("__"));
  if (declared) {
    const shape = declared.shape;
    const fields = Object.fromEntries(
      channels.filter((k) => k in shape).map((k) => [k, withoutDefault(shape[k] as z.ZodType).optional()]),
    );
    return z.strictObject(fields) as z.ZodType<Record<string, unknown>>;
  }
  return z.strictObject(Object.fromEntries(channels.map((k) => [k, z.unknown().optional()]))) as z.ZodType<
    Record<string, unknown>
  >;
}

/**
 * A field's schema without its top-level default: the input is an update, and a field it leaves
 * out must stay out (a default written as input would overwrite the thread's value on a resume
 * with new input); LangGraph applies the state's defaults itself.
 */
function withoutDefault(field: z.ZodType): z.ZodType {
  return field instanceof z.ZodDefault ? (field.removeDefault() as z.ZodType) : field;
}

function isZodObject(value: unknown): value is z.ZodObject {
  return value instanceof z.ZodObject;
}
