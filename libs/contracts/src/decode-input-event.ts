import type { z } from 'zod';
import type { DeadLetterReason } from './dead-letter';
import { INPUT_EVENT_TYPES, SUPPORTED_SCHEMA_VERSIONS, inputEvent } from './input-event.schema';
import type { InputEvent } from './input-event.schema';
import { LIMITS } from './limits';

export type DecodeResult =
  { ok: true; event: InputEvent } | { ok: false; reason: DeadLetterReason; detail: string };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns raw bytes (a Kafka value or an HTTP body) into a validated input event, or into the
 * reason it is not one. Cheap checks run first, so hostile input costs little.
 * `expectedKey`, when given, must equal the event's entity id (the partitioning contract).
 */
export function decodeInputEvent(
  bytes: Buffer | Uint8Array | null | undefined,
  expectedKey?: string | null,
): DecodeResult {
  if (!bytes || bytes.length === 0) return fail('empty-message', 'message has no value');
  if (bytes.length > LIMITS.maxEventBytes) {
    return fail(
      'oversized',
      `message is ${bytes.length} bytes; the limit is ${LIMITS.maxEventBytes}`,
    );
  }
  let json: string;
  try {
    json = utf8.decode(bytes);
  } catch {
    return fail('invalid-encoding', 'message is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return fail('malformed-json', `not JSON: ${(error as Error).message}`.slice(0, 300));
  }
  return validateInputEvent(value, expectedKey);
}

/** Validates an already-parsed value (the HTTP ingestion path parses JSON itself). */
export function validateInputEvent(value: unknown, expectedKey?: string | null): DecodeResult {
  const structural = checkStructure(value, 0);
  if (structural) return fail('hostile-structure', structural);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('schema-violation', 'event must be a JSON object');
  }
  const { type, schemaVersion } = value as { type?: unknown; schemaVersion?: unknown };
  if (!INPUT_EVENT_TYPES.includes(type as (typeof INPUT_EVENT_TYPES)[number])) {
    return fail('unknown-type', `unknown event type ${JSON.stringify(type)?.slice(0, 80)}`);
  }
  if (!SUPPORTED_SCHEMA_VERSIONS.includes(schemaVersion as 1)) {
    return fail(
      'unsupported-version',
      `schemaVersion ${JSON.stringify(schemaVersion)?.slice(0, 40)} of ${String(type)} is not supported (supported: ${SUPPORTED_SCHEMA_VERSIONS.join(', ')})`,
    );
  }
  const parsed = inputEvent.safeParse(value);
  if (!parsed.success) return fail('schema-violation', formatIssues(parsed.error.issues));
  if (expectedKey != null && expectedKey !== parsed.data.entityId) {
    return fail('key-mismatch', 'message key does not equal entityId');
  }
  return { ok: true, event: parsed.data };
}

/** "path: message; path: message", bounded so a dead-letter header stays small. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], max = 10): string {
  const parts = issues
    .slice(0, max)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  if (issues.length > max) parts.push(`…and ${issues.length - max} more`);
  return parts.join('; ').slice(0, 1000);
}

function checkStructure(value: unknown, depth: number): string | null {
  if (depth > LIMITS.maxJsonDepth) return `nesting deeper than ${LIMITS.maxJsonDepth}`;
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = checkStructure(item, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return `forbidden key "${key}"`;
    const problem = checkStructure((value as Record<string, unknown>)[key], depth + 1);
    if (problem) return problem;
  }
  return null;
}

function fail(reason: DeadLetterReason, detail: string): DecodeResult {
  return { ok: false, reason, detail };
}
