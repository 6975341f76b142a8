/**
 * Typed checkpoint errors (docs/architecture.md, "House style" §3): one base class, a class per
 * failure, a stable `code` for Step Functions `ErrorEquals` (class names do not survive
 * minification), `cause` passed through.
 */

/** Base of every error the checkpoint saver throws on purpose. */
export class CheckpointError extends Error {
  readonly code: string = "Switchyard.Checkpoint";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CheckpointError";
  }
}

/**
 * Another writer already stored a different checkpoint under the same key: the caller lost a
 * race and must reload the thread. Never retried here: retrying cannot make the race go away.
 */
export class CheckpointConflictError extends CheckpointError {
  override readonly code = "Switchyard.CheckpointConflict";
  constructor(
    readonly threadId: string,
    readonly checkpointNs: string,
    readonly checkpointId: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Checkpoint ${checkpointId} of thread "${threadId}" (namespace "${checkpointNs}") was already ` +
        "written with different content by another writer; reload the thread and retry the step.",
      options,
    );
    this.name = "CheckpointConflictError";
  }
}

/** DynamoDB kept throttling or leaving items unprocessed after every retry: retryable later. */
export class CheckpointStorageError extends CheckpointError {
  override readonly code = "Switchyard.CheckpointStorage";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CheckpointStorageError";
  }
}

/** A stored checkpoint refers to a value segment that is missing (expired by TTL or deleted). */
export class CheckpointCorruptError extends CheckpointError {
  override readonly code = "Switchyard.CheckpointCorrupt";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CheckpointCorruptError";
  }
}

/** The caller's config lacks what the operation needs (thread_id, checkpoint_id). Never retried. */
export class CheckpointConfigError extends CheckpointError {
  override readonly code = "Switchyard.CheckpointConfig";
  constructor(message: string) {
    super(message);
    this.name = "CheckpointConfigError";
  }
}
