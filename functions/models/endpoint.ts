import { classifyError } from "#core";
import { causeText } from "./cause-text.ts";
import { ModelError } from "./errors.ts";

/**
 * A model endpoint that could not be reached (refused, reset, unresolvable): the error names the
 * URL the provider called, which a bare `TypeError: fetch failed` never does. Retryable exactly
 * when what it wraps is (`classifyError`: refused and reset connections are), so
 * `withModelRetry` backs off and, when attempts run out, fails as `Models.Unavailable`.
 */
export class ModelEndpointError extends ModelError {
  readonly url: string;
  constructor(url: string, cause: unknown) {
    super("Models.EndpointUnreachable", `Model endpoint ${url} is unreachable: ${causeText(cause)}`, {
      cause,
      retryable: classifyError(cause) === "retryable",
    });
    this.url = url;
  }
}

/**
 * `fetch` for a provider SDK (Ollama's `fetch`, OpenAI's `configuration.fetch`) that turns a
 * network failure into a {@link ModelEndpointError} naming the URL (origin and path: a query
 * may carry a key). A cancellation stays an `AbortError`, and HTTP answers pass through as they
 * are: only "could not reach" is re-thrown.
 *
 * @example
 * new ChatOllama({ baseUrl, model, fetch: fetchNamingEndpoint() });
 */
export function fetchNamingEndpoint(inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    try {
      return await inner(input, init);
    } catch (err) {
      if ((err as Error)?.name === "AbortError" || init?.signal?.aborted) throw err;
      throw new ModelEndpointError(urlOf(input), err);
    }
  };
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  const raw = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const url = URL.parse(raw);
  return url ? `${url.origin}${url.pathname}` : "(unparseable URL)";
}
