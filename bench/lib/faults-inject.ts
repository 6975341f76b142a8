/**
 * The fault bench's own injectors and its own record of what it injected. Nothing here asks the
 * system under test what happened: every failure is thrown (or every process frozen) by these
 * functions, and counted by them as it happens.
 */

/** What the bench injected, one entry per failure, in order. */
export class InjectionLog {
  readonly entries: string[] = [];
  record(fault: string): void {
    this.entries.push(fault);
  }
  count(prefix = ""): number {
    return this.entries.filter((e) => e.startsWith(prefix)).length;
  }
}

/** The slice of an SDK v3 client the injectors need (its middleware stack, typed loosely on purpose). */
interface StackClient {
  readonly middlewareStack: object;
}
interface Stack {
  add(middleware: unknown, options: { step: string; name: string; priority?: string }): void;
  remove(name: string): boolean;
}
const stackOf = (client: StackClient) => client.middlewareStack as Stack;
type Next = (args: unknown) => Promise<unknown>;
type Context = { commandName?: string };

let installed = 0;

/**
 * Fails the first `count` calls of `commands` on an SDK client with `error()`, from inside the
 * SDK's retry loop (the `deserialize` step, where a real throttle or 5xx arrives), so the SDK and
 * every layer above see exactly what AWS would send. Returns the function that removes it.
 *
 * @example
 * const off = failCommands(aws.clients.sns, log, { commands: ["Publish"], count: 4, error: serverError("SNS") });
 */
export function failCommands(
  client: StackClient,
  log: InjectionLog,
  fault: { commands: readonly string[]; count: number; error: (command: string) => Error },
): () => void {
  let left = fault.count;
  const name = `benchFault${++installed}`;
  stackOf(client).add(
    (next: Next, context: Context) => async (args: unknown) => {
      const command = (context.commandName ?? "").replace(/Command$/, "");
      if (left > 0 && fault.commands.includes(command)) {
        left--;
        log.record(command);
        throw fault.error(command);
      }
      return next(args);
    },
    { step: "deserialize", name, priority: "low" },
  );
  return () => void stackOf(client).remove(name);
}

/**
 * Freezes the first call that `matches`: its request is never sent and its promise never settles,
 * as when the Lambda process running it is killed at that instant. `onFreeze` learns of it.
 */
export function freezeCommand(
  client: StackClient,
  log: InjectionLog,
  fault: { label: string; matches: (command: string, input: unknown) => boolean; onFreeze: () => void },
): () => void {
  let armed = true;
  const name = `benchFreeze${++installed}`;
  stackOf(client).add(
    (next: Next, context: Context) => async (args: unknown) => {
      const command = (context.commandName ?? "").replace(/Command$/, "");
      if (armed && fault.matches(command, (args as { input?: unknown }).input)) {
        armed = false;
        log.record(fault.label);
        fault.onFreeze();
        return new Promise(() => undefined);
      }
      return next(args);
    },
    { step: "initialize", name },
  );
  return () => void stackOf(client).remove(name);
}

/** DynamoDB's throttle, with the marks the SDK's retry strategy reads. */
export function throttle(): Error {
  return Object.assign(new Error("Rate of requests exceeds the allowed throughput (injected)"), {
    name: "ProvisionedThroughputExceededException",
    $fault: "client",
    $retryable: { throttling: true },
    $metadata: { httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 },
  });
}

/** A service's 500 (an outage), which the SDK retries as transient. */
export function serverError(): Error {
  return Object.assign(new Error("Service unavailable (injected)"), {
    name: "InternalErrorException",
    $fault: "server",
    $metadata: { httpStatusCode: 500, attempts: 1, totalRetryDelay: 0 },
  });
}

/** What Step Functions reports when a Lambda's process dies mid-invocation. */
export function lambdaDied(): Error {
  return Object.assign(new Error("RequestId: bench Error: Runtime exited with error: signal: killed"), {
    name: "Runtime.ExitError",
  });
}
