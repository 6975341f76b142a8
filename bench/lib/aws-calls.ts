import { AsyncLocalStorage } from "node:async_hooks";
import type { FunctionRole, FunctionSlot } from "#engine";

/** The slice of an SDK v3 client observed: its middleware stack. */
interface ObservableClient {
  readonly middlewareStack: object;
}

/** The middleware stack's calls used here (the SDK's own types are overloads per step). */
interface Stack {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { readonly commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { step: "initialize"; name: string },
  ): void;
  remove(name: string): boolean;
}

/** One request a Lambda made, with when it was in flight (ms, `performance.now()`). */
export interface ObservedCall {
  readonly service: string;
  readonly command: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** One Lambda invocation as observed: its role, how long its handler ran, and its requests. */
export interface ObservedInvocation {
  readonly role: FunctionRole;
  readonly node?: string;
  readonly startMs: number;
  endMs: number;
  readonly calls: ObservedCall[];
}

/**
 * Records every request the Lambdas of a local run send through the given clients, attributed
 * to the invocation that sent it (an async-local scope entered by `wrapHandler`), so each
 * Lambda's DynamoDB and S3 round trips are counted from what happened, not from the code.
 *
 * @example
 * const calls = observeAwsCalls({ dynamodb: aws.clients.dynamodb, s3: aws.clients.s3 });
 * await runOnStepFunctions(workflow, input, { aws, wrapHandler: calls.wrapHandler });
 * calls.detach();
 * serialRoundTrips(calls.invocations[0].calls.filter((c) => c.service === "dynamodb"));
 */
export function observeAwsCalls(clients: Readonly<Record<string, ObservableClient>>) {
  const scope = new AsyncLocalStorage<ObservedInvocation>();
  const invocations: ObservedInvocation[] = [];
  const name = `observe-calls-${Math.random().toString(36).slice(2)}`;
  for (const [service, client] of Object.entries(clients)) {
    (client.middlewareStack as Stack).add(
      (next, context) => async (args) => {
        const invocation = scope.getStore();
        const startMs = performance.now();
        try {
          return await next(args);
        } finally {
          const command = context.commandName ?? "unknown";
          invocation?.calls.push({ service, command, startMs, endMs: performance.now() });
        }
      },
      { step: "initialize", name },
    );
  }
  const wrapHandler =
    (slot: FunctionSlot, handler: (event: unknown) => Promise<unknown>) => async (event: unknown) => {
      const invocation: ObservedInvocation = {
        role: slot.role,
        ...(slot.node === undefined ? {} : { node: slot.node }),
        startMs: performance.now(),
        endMs: 0,
        calls: [],
      };
      invocations.push(invocation);
      try {
        return await scope.run(invocation, () => handler(event));
      } finally {
        invocation.endMs = performance.now();
      }
    };
  return {
    invocations,
    wrapHandler,
    /** Takes the middleware off the clients again (they are shared by the whole local AWS). */
    detach: () => {
      for (const client of Object.values(clients)) (client.middlewareStack as Stack).remove(name);
    },
  };
}

/**
 * How many round trips a Lambda waits for one after another: a request that starts while none
 * of the earlier ones is still in flight begins a new round trip; requests sent together
 * (`Promise.all`, a batch) share one. This is what its latency pays, whatever the count of calls.
 *
 * @example
 * serialRoundTrips([{ startMs: 0, endMs: 2 }, { startMs: 0.1, endMs: 2 }, { startMs: 3, endMs: 4 }]); // 2
 */
export function serialRoundTrips(calls: readonly Pick<ObservedCall, "startMs" | "endMs">[]): number {
  let trips = 0;
  let inFlightUntil = Number.NEGATIVE_INFINITY;
  for (const call of [...calls].sort((a, b) => a.startMs - b.startMs)) {
    if (call.startMs >= inFlightUntil) trips++;
    inFlightUntil = Math.max(inFlightUntil, call.endMs);
  }
  return trips;
}

/** Milliseconds a Lambda spent waiting on its requests: the union of their in-flight intervals. */
export function waitingMs(calls: readonly Pick<ObservedCall, "startMs" | "endMs">[]): number {
  let total = 0;
  let openStart = Number.NaN;
  let openEnd = Number.NEGATIVE_INFINITY;
  for (const call of [...calls].sort((a, b) => a.startMs - b.startMs)) {
    if (call.startMs > openEnd) {
      if (Number.isFinite(openEnd)) total += openEnd - openStart;
      openStart = call.startMs;
      openEnd = call.endMs;
    } else openEnd = Math.max(openEnd, call.endMs);
  }
  if (Number.isFinite(openEnd)) total += openEnd - openStart;
  return total;
}
