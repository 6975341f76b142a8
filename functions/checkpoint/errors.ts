/**
 * Typed checkpoint errors (docs/architecture.md, "House style" §3): one base class, a class per
 * failure, a stable `code` for Step Functions `ErrorEquals` (class names do not survive
 * minification), `cause` passed through.
 */
import { SwitchyardError } from "#core";

/** Base of every error the checkpoint saver throws on purpose. */
export class CheckpointError extends SwitchyardError {}

/**
 * Another writer already stored a different checkpoint under the same key: the caller lost a
 * race and must reload the thread. Never retried here: retrying cannot make the race go away.
 */
export class CheckpointConflictError extends CheckpointError {
  constructor(
    readonly threadId: string,
    readonly checkpointNs: string,
    readonly checkpointId: string,
    options?: { cause?: unknown },
  ) {
    super(
      "Switchyard.CheckpointConflict",
      `Checkpoint ${checkpointId} of thread "${threadId}" (namespace "${checkpointNs}") was already ` +
        "written with different content by another writer; reload the thread and retry the step.",
      options,
    );
  }
}

/** DynamoDB kept throttling or leaving items unprocessed after every retry: retryable later. */
export class CheckpointStorageError extends CheckpointError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("Switchyard.CheckpointStorage", message, { ...options, retryable: true });
  }
}

/** A stored checkpoint refers to a value segment that is missing (expired by TTL or deleted). */
export class CheckpointCorruptError extends CheckpointError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("Switchyard.CheckpointCorrupt", message, options);
  }
}

/** The caller's config lacks what the operation needs (thread_id, checkpoint_id). Never retried. */
export class CheckpointConfigError extends CheckpointError {
  constructor(message: string) {
    super("Switchyard.CheckpointConfig", message);
  }
}
