/** A final answer carrying JSON, as every triage agent answers. */
export function answer(value: unknown) {
  return { final: JSON.stringify(value) };
}
