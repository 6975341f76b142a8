import { z } from "zod";

/**
 * A zod schema as JSON Schema (2020-12) of what a caller sends (`io: "input"`: defaults are
 * optional) or what a run gives back (`io: "output"`). A refinement JSON Schema cannot say is
 * left to the server, which still checks it.
 *
 * @example
 * jsonSchemaOf(z.object({ trades: z.number() })).properties; // { trades: { type: "number" } }
 */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output" = "input"): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
}
