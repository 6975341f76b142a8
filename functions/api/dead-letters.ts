import { NotImplementedError } from "./errors.ts";
import type { ApiPorts, DeadLetter, RedriveOptions, RedriveReport } from "./types.ts";

/**
 * The dead-letter routes over the ops module's port. The request is validated before this is
 * called, so a deployment without the port still answers 400 to bad input and 501 otherwise.
 *
 * @example
 * const items = await listDeadLetters(ports, { limit: 20 });
 */
export async function listDeadLetters(
  ports: ApiPorts,
  options: { limit: number },
): Promise<readonly DeadLetter[]> {
  if (!ports.deadLetters) throw new NotImplementedError("Listing dead letters");
  return ports.deadLetters.list(options);
}

/** Moves dead letters back to the requests queue, or with `dryRun` reports what would move. */
export async function redriveDeadLetters(ports: ApiPorts, options: RedriveOptions): Promise<RedriveReport> {
  if (!ports.deadLetters) throw new NotImplementedError("Redriving dead letters");
  return ports.deadLetters.redrive(options);
}
