import type { DeadLetterReason } from '@matchstream/contracts';

/** What a retriable failure waits for: the metric label `dependency` and the log say it. */
export type Dependency = 'kafka' | 'redis' | 'model' | 'disk' | 'unknown';

/**
 * A dependency is briefly away (a broker restarting, Redis reconnecting, a model worker that
 * died): the work is retried with backoff for as long as it takes and never dead-lettered.
 */
export class RetriableError extends Error {
  readonly retriable = true;

  constructor(
    readonly dependency: Dependency,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetriableError';
  }
}

/**
 * A property of the event itself: retrying cannot help, so the event goes to the dead-letter
 * topic with this reason and the consumer moves on.
 */
export class FinalEventError extends Error {
  readonly retriable = false;

  constructor(
    readonly reason: DeadLetterReason,
    message: string,
  ) {
    super(message);
    this.name = 'FinalEventError';
  }
}
