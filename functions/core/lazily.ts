/**
 * A value built on its first use, then kept. For the zod schemas of a module whose paths do not
 * all parse: an engine Lambda serves one role, and a schema built at import is paid at every
 * cold start (hundreds of zod instances, most of an engine Lambda's own init time) whether its
 * role ever parses with it or not.
 *
 * @example
 * const planEvent = lazily(() => z.object({ workflow: z.string() }));
 * planEvent().parse(event); // built here, once
 */
export function lazily<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}
