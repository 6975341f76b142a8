import { z } from "zod";
import { isJsonObject, type JsonObject } from "./paths.ts";

/**
 * The canonical fields as the schemas define them: whether a dotted path names one, and what a
 * CSV cell's text must become to fit it. Conversion follows the schema, never the look of the
 * text: `00123` stays a string where the schema wants a string.
 */

type Schema = z.core.$ZodType;

/**
 * The schema without its optional, nullable, default or readonly wrapper, and through a pipe: a
 * preprocess (`in` is the transform) is judged by its target, a transform after a type by that type.
 */
function unwrap(schema: Schema): Schema {
  let here = schema;
  for (;;) {
    if (
      here instanceof z.ZodOptional ||
      here instanceof z.ZodNullable ||
      here instanceof z.ZodDefault ||
      here instanceof z.ZodReadonly
    ) {
      here = here.unwrap();
    } else if (here instanceof z.ZodPipe) {
      here = (here.def.in instanceof z.ZodTransform ? here.def.out : here.def.in) as Schema;
    } else {
      return here;
    }
  }
}

/** True when the dotted path names a field of the schema (for a union, of any of its options). */
export function isCanonicalField(schema: Schema, path: string): boolean {
  return fieldAt(schema, path.split("."));
}

function fieldAt(schema: Schema, segments: readonly string[]): boolean {
  const here = unwrap(schema);
  const [head, ...rest] = segments;
  if (head === undefined) return true;
  if (here instanceof z.ZodObject) {
    return Object.hasOwn(here.shape, head) && fieldAt(here.shape[head] as Schema, rest);
  }
  if (here instanceof z.ZodArray) return /^\d+$/.test(head) && fieldAt(here.element, rest);
  if (here instanceof z.ZodUnion) return here.options.some((option) => fieldAt(option, segments));
  return false;
}

/** What to do with a value at one place of a schema, worked out once per schema. */
type Plan =
  | { readonly to: "number" | "boolean" | "keep" }
  | { readonly to: "object"; readonly members: ReadonlyMap<string, Plan> }
  | { readonly to: "array"; readonly element: Plan }
  | { readonly to: "union"; readonly discriminator: string; readonly options: ReadonlyMap<unknown, Plan> };

const KEEP: Plan = { to: "keep" };
const plans = new WeakMap<Schema, Plan>();

function planOf(schema: Schema): Plan {
  let plan = plans.get(schema);
  if (!plan) {
    plan = makePlan(unwrap(schema));
    plans.set(schema, plan);
  }
  return plan;
}

function makePlan(here: Schema): Plan {
  if (here instanceof z.ZodNumber) return { to: "number" };
  if (here instanceof z.ZodBoolean) return { to: "boolean" };
  if (here instanceof z.ZodArray) return { to: "array", element: planOf(here.element) };
  if (here instanceof z.ZodObject) {
    const members = new Map<string, Plan>();
    for (const [key, member] of Object.entries(here.shape)) members.set(key, planOf(member as Schema));
    return { to: "object", members };
  }
  if (here instanceof z.ZodDiscriminatedUnion) {
    const discriminator = here.def.discriminator;
    const options = new Map<unknown, Plan>();
    for (const option of here.options) {
      const literal = option instanceof z.ZodObject ? option.shape[discriminator] : undefined;
      if (literal instanceof z.ZodLiteral)
        for (const value of literal.values) options.set(value, planOf(option));
    }
    return { to: "union", discriminator, options };
  }
  return KEEP;
}

/**
 * The value with every string the schema wants as a number or boolean converted, where the text
 * reads as one (`-1.5e3`, `true`/`false` in any case); text that does not is left for the schema
 * to refuse with the value quoted. A discriminated union is followed by the row's discriminator.
 */
export function convertCells(value: unknown, schema: Schema): unknown {
  return convert(value, planOf(schema));
}

function convert(value: unknown, plan: Plan): unknown {
  switch (plan.to) {
    case "number":
      return typeof value === "string" ? toNumber(value) : value;
    case "boolean":
      return typeof value === "string" ? toBoolean(value) : value;
    case "array":
      return Array.isArray(value) ? value.map((element) => convert(element, plan.element)) : value;
    case "object":
      return isJsonObject(value) ? convertMembers(value, plan.members) : value;
    case "union": {
      const option = isJsonObject(value) ? plan.options.get(value[plan.discriminator]) : undefined;
      return option ? convert(value, option) : value;
    }
    default:
      return value;
  }
}

function convertMembers(value: JsonObject, members: ReadonlyMap<string, Plan>): JsonObject {
  const converted: JsonObject = { ...value };
  for (const key in value) {
    const plan = Object.hasOwn(value, key) ? members.get(key) : undefined;
    if (plan && plan !== KEEP) converted[key] = convert(value[key], plan);
  }
  return converted;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function toNumber(text: string): number | string {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : text;
}

function toBoolean(text: string): boolean | string {
  const lower = text.trim().toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  return text;
}
