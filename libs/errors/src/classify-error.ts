import type { DeadLetterReason } from '@matchstream/contracts';
import { FinalEventError, RetriableError } from './errors';
import type { Dependency } from './errors';

/** How every retry loop and dead-letter path reads a failure. */
export interface ErrorClass {
  retriable: boolean;
  /** What a retriable failure waits for. */
  dependency: Dependency;
  /** The dead-letter reason, should the failure end in one. */
  reason: DeadLetterReason;
}

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** kafkajs errors that say nothing about the event, whatever their own `retriable` flag says. */
const KAFKAJS_RETRIABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSConnectionClosedError',
]);
/**
 * ioredis rejects commands with plain Errors while it reconnects: their text is the only signal it
 * gives (the one classification by message, confined to the client whose errors lack a type).
 */
const IOREDIS_OFFLINE = /^(Connection is closed|Stream isn't writeable|.*enableOfflineQueue)/i;

type ErrorLike = Error & { code?: unknown; retriable?: unknown };

const FINAL: ErrorClass = { retriable: false, dependency: 'unknown', reason: 'processing-failed' };

function classifyOne(error: ErrorLike): ErrorClass | undefined {
  if (error instanceof FinalEventError)
    return { retriable: false, dependency: 'unknown', reason: error.reason };
  if (error instanceof RetriableError)
    return { retriable: true, dependency: error.dependency, reason: 'processing-failed' };
  if (error.name.startsWith('KafkaJS')) {
    const retriable = KAFKAJS_RETRIABLE.has(error.name) || error.retriable === true;
    return retriable ? { ...FINAL, retriable, dependency: 'kafka' } : undefined;
  }
  if (error.name === 'MaxRetriesPerRequestError' || IOREDIS_OFFLINE.test(error.message))
    return { ...FINAL, retriable: true, dependency: 'redis' };
  if (error.retriable === true || (typeof error.code === 'string' && SOCKET_CODES.has(error.code)))
    return { ...FINAL, retriable: true };
  return undefined;
}

/**
 * Classifies a failure once, for every adapter alike: our own errors by type, third-party ones
 * (kafkajs, ioredis, sockets) by what those libraries expose, then the cause chain; anything
 * else is final (`processing-failed`).
 */
export function classifyError(error: unknown): ErrorClass {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; depth++) {
    const known = classifyOne(e);
    if (known) return known;
    if (e.cause === e) break;
    e = e.cause;
  }
  return FINAL;
}

export function isRetriable(error: unknown): boolean {
  return classifyError(error).retriable;
}
