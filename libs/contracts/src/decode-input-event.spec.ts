import {
  MINIMAL_JOB,
  MINIMAL_PROFILE,
  jobClosed,
  jobUpserted,
  profileDeleted,
  profileUpserted,
  toBytes,
} from '@matchstream/testing';
import type { DeadLetterReason } from './dead-letter';
import { DEAD_LETTER_REASONS } from './dead-letter';
import { decodeInputEvent, formatIssues, validateInputEvent } from './decode-input-event';
import { LIMITS } from './limits';

/** Decodes and expects a dead letter; returns its detail for further checks. */
function expectDeadLetter(
  bytes: Buffer | null | undefined,
  reason: DeadLetterReason,
  key?: string,
) {
  const result = decodeInputEvent(bytes, key);
  if (result.ok) throw new Error(`expected ${reason}, got a valid ${result.event.type} event`);
  expect(result.reason).toBe(reason);
  expect(result.detail.length).toBeGreaterThan(0);
  return result.detail;
}

/** `{"a":{"a":…1…}}` with `levels` objects, so the innermost value sits at depth `levels`. */
function nestedObjects(levels: number): string {
  return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

describe('decodeInputEvent', () => {
  /** One example per reason the decoder gives; the other reasons come from later stages. */
  type DecoderReason = Exclude<
    DeadLetterReason,
    'unembeddable-text' | 'processing-failed' | 'undecodable-record' | 'model-mismatch'
  >;
  const ONE_OF_EACH: Record<DecoderReason, [Buffer, string?]> = {
    'empty-message': [Buffer.alloc(0)],
    oversized: [Buffer.alloc(LIMITS.maxEventBytes + 1, ' ')],
    'invalid-encoding': [Buffer.from([0xff, 0xfe])],
    'malformed-json': [Buffer.from('{"type":')],
    'hostile-structure': [Buffer.from('{"__proto__":{}}')],
    'unknown-type': [toBytes({ ...profileUpserted(), type: 'profile.created' })],
    'unsupported-version': [toBytes({ ...profileUpserted(), schemaVersion: 2 })],
    'schema-violation': [toBytes(profileUpserted({ payload: { headline: undefined } }))],
    'key-mismatch': [toBytes(profileUpserted()), 'another-key'],
  };

  it('has an example of every reason it can give', () => {
    const reasons = DEAD_LETTER_REASONS.filter(
      (r) =>
        r !== 'unembeddable-text' &&
        r !== 'processing-failed' &&
        r !== 'undecodable-record' &&
        r !== 'model-mismatch',
    );
    expect(Object.keys(ONE_OF_EACH).sort()).toEqual([...reasons].sort());
  });

  it.each(Object.entries(ONE_OF_EACH))('gives %s', (reason, [bytes, key]) => {
    expectDeadLetter(bytes, reason as DeadLetterReason, key);
  });

  describe('happy path', () => {
    it('accepts a minimal profile and fills in its defaults', () => {
      const minimalProfile = { ...profileUpserted(), payload: MINIMAL_PROFILE };
      const result = decodeInputEvent(toBytes(minimalProfile), minimalProfile.entityId);

      expect(result).toEqual({
        ok: true,
        event: expect.objectContaining({ type: 'profile.upserted' }),
      });
      if (!result.ok || result.event.type !== 'profile.upserted') throw new Error('unreachable');
      expect(result.event.payload).toEqual({
        ...MINIMAL_PROFILE,
        summary: '',
        lookingFor: '',
        experience: [],
        education: [],
        skills: [],
        willingToRelocate: false,
        workAuthorization: [],
        categories: [],
        availability: 'open-to-offers',
      });
    });

    it('fills in job defaults', () => {
      const result = decodeInputEvent(toBytes({ ...jobUpserted(), payload: MINIMAL_JOB }));
      if (!result.ok || result.event.type !== 'job.upserted') throw new Error('expected a job');
      expect(result.event.payload).toEqual({
        ...MINIMAL_JOB,
        description: '',
        requirements: [],
        requiredSkills: [],
        niceToHaveSkills: [],
        visaSponsorship: false,
        employmentType: 'full-time',
        categories: [],
      });
    });

    it('accepts removals with and without a reason', () => {
      const deleted = decodeInputEvent(toBytes(profileDeleted()));
      expect(deleted.ok && deleted.event.payload).toEqual({});

      const closed = decodeInputEvent(
        toBytes(jobClosed({ payload: { reason: 'position filled' } })),
      );
      expect(closed.ok && closed.event.payload).toEqual({ reason: 'position filled' });

      const withoutPayload: Record<string, unknown> = { ...jobClosed() };
      delete withoutPayload.payload;
      const defaulted = decodeInputEvent(toBytes(withoutPayload));
      expect(defaulted.ok && defaulted.event.payload).toEqual({});
    });

    it('accepts a Uint8Array, a UTF-8 BOM and non-ASCII text', () => {
      const event = profileUpserted({
        payload: { headline: 'Ingénieure données – 数据工程师 🚀' },
      });
      const bytes = new Uint8Array(toBytes(event));
      const result = decodeInputEvent(bytes);
      expect(
        result.ok && result.event.type === 'profile.upserted' && result.event.payload.headline,
      ).toBe('Ingénieure données – 数据工程师 🚀');

      const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), toBytes(event)]);
      expect(decodeInputEvent(withBom).ok).toBe(true);
    });

    it('accepts a message of exactly the byte limit', () => {
      const json = toBytes(profileUpserted());
      const padded = Buffer.concat([json, Buffer.alloc(LIMITS.maxEventBytes - json.length, ' ')]);
      expect(padded.length).toBe(LIMITS.maxEventBytes);
      expect(decodeInputEvent(padded).ok).toBe(true);
    });

    it('accepts an occurredAt with a UTC offset', () => {
      const event = profileUpserted({ occurredAt: '2025-03-01T11:30:00+02:00' });
      expect(decodeInputEvent(toBytes(event)).ok).toBe(true);
    });
  });

  describe('empty-message', () => {
    it.each([
      ['null', null],
      ['undefined', undefined],
      ['zero bytes', Buffer.alloc(0)],
    ])('rejects %s', (_name, bytes) => {
      expectDeadLetter(bytes, 'empty-message');
    });
  });

  describe('oversized', () => {
    it('rejects one byte over the limit before looking inside', () => {
      const detail = expectDeadLetter(Buffer.alloc(LIMITS.maxEventBytes + 1, 0xff), 'oversized');
      expect(detail).toContain(String(LIMITS.maxEventBytes + 1));
    });

    it('rejects a valid event padded past the limit', () => {
      const event = profileUpserted({ payload: { summary: 'x'.repeat(LIMITS.longText) } });
      const json = toBytes(event);
      expectDeadLetter(Buffer.concat([json, Buffer.alloc(LIMITS.maxEventBytes, ' ')]), 'oversized');
    });
  });

  describe('invalid-encoding', () => {
    it.each([
      ['a UTF-16 BOM', Buffer.from([0xff, 0xfe])],
      ['a truncated multi-byte sequence', Buffer.from([0x7b, 0x22, 0xc3, 0x22, 0x7d])],
      [
        'a lone continuation byte inside JSON',
        Buffer.concat([toBytes({ a: 'x' }), Buffer.from([0x80])]),
      ],
      ['an overlong encoding of "/"', Buffer.from([0xc0, 0xaf])],
    ])('rejects %s', (_name, bytes) => {
      expectDeadLetter(bytes, 'invalid-encoding');
    });
  });

  describe('malformed-json', () => {
    it.each([
      ['truncated', '{"type":"profile.upserted",'],
      ['trailing comma', '{"type":"profile.upserted",}'],
      ['single quotes', "{'type':'profile.upserted'}"],
      ['plain text', 'hello'],
      ['two documents', '{}{}'],
    ])('rejects %s', (_name, text) => {
      const detail = expectDeadLetter(Buffer.from(text), 'malformed-json');
      expect(detail).toMatch(/^not JSON: /);
      expect(detail.length).toBeLessThanOrEqual(300);
    });
  });

  describe('hostile-structure', () => {
    it('rejects a top-level "__proto__" key', () => {
      const json = JSON.stringify(profileUpserted()).replace(
        /^\{/,
        '{"__proto__":{"isAdmin":true},',
      );
      expect(expectDeadLetter(Buffer.from(json), 'hostile-structure')).toContain('__proto__');
    });

    it.each(['__proto__', 'constructor', 'prototype'])(
      'rejects "%s" nested in the payload',
      (key) => {
        const json = JSON.stringify(profileUpserted()).replace(
          '"payload":{',
          `"payload":{"${key}":{"polluted":1},`,
        );
        expect(expectDeadLetter(Buffer.from(json), 'hostile-structure')).toContain(key);
      },
    );

    it('rejects nesting deeper than the limit', () => {
      const detail = expectDeadLetter(
        Buffer.from(nestedObjects(LIMITS.maxJsonDepth + 1)),
        'hostile-structure',
      );
      expect(detail).toBe(`nesting deeper than ${LIMITS.maxJsonDepth}`);
      expectDeadLetter(Buffer.from('['.repeat(100) + ']'.repeat(100)), 'hostile-structure');
    });

    it('rejects the deepest nesting that fits in a message without overflowing the stack', () => {
      const levels = LIMITS.maxEventBytes / 2;
      const bytes = Buffer.from('['.repeat(levels) + ']'.repeat(levels));
      expect(expectDeadLetter(bytes, 'hostile-structure')).toContain('nesting deeper');
    });

    it('allows nesting exactly at the limit (it fails later, on its type)', () => {
      expectDeadLetter(Buffer.from(nestedObjects(LIMITS.maxJsonDepth)), 'unknown-type');
    });

    it('runs before the type check', () => {
      const json = JSON.stringify({ type: 'nonsense', schemaVersion: 9 }).replace(
        '{',
        '{"__proto__":1,',
      );
      expectDeadLetter(Buffer.from(json), 'hostile-structure');
    });
  });

  describe('unknown-type', () => {
    it.each([
      ['an unknown name', { ...profileUpserted(), type: 'profile.created' }],
      ['a missing type', { ...profileUpserted(), type: undefined }],
      ['a non-string type', { ...profileUpserted(), type: 42 }],
    ])('rejects %s', (_name, event) => {
      expect(expectDeadLetter(toBytes(event), 'unknown-type')).toMatch(/^unknown event type/);
    });
  });

  describe('unsupported-version', () => {
    it.each([
      ['version 2', 2],
      ['version "1" as a string', '1'],
      ['a missing version', undefined],
    ])('rejects %s', (_name, schemaVersion) => {
      const detail = expectDeadLetter(
        toBytes({ ...profileUpserted(), schemaVersion }),
        'unsupported-version',
      );
      expect(detail).toContain('supported: 1');
    });
  });

  describe('schema-violation', () => {
    /** Each case breaks one thing and names the path the detail must point at. */
    const cases: [string, unknown, string][] = [
      ['a string entityVersion', { ...profileUpserted(), entityVersion: '3' }, 'entityVersion'],
      ['a negative entityVersion', { ...profileUpserted(), entityVersion: -1 }, 'entityVersion'],
      ['a fractional entityVersion', { ...profileUpserted(), entityVersion: 1.5 }, 'entityVersion'],
      ['an eventId with spaces', { ...profileUpserted(), eventId: 'evt 1' }, 'eventId'],
      ['a non-ISO occurredAt', { ...profileUpserted(), occurredAt: 'yesterday' }, 'occurredAt'],
      ['a blank source', { ...profileUpserted(), source: '   ' }, 'source'],
      ['an unknown envelope field', { ...profileUpserted(), priority: 'high' }, '(root)'],
      [
        'skills that are not strings',
        profileUpserted({ payload: { skills: [1, 2] as never } }),
        'payload.skills.0',
      ],
      [
        'a missing headline',
        profileUpserted({ payload: { headline: undefined } }),
        'payload.headline',
      ],
      [
        'a NUL in the summary',
        profileUpserted({ payload: { summary: 'ok\u0000' } }),
        'payload.summary',
      ],
      [
        'a bidi override in the name',
        profileUpserted({ payload: { name: 'Eve\u202Egnp.exe' } }),
        'payload.name',
      ],
      [
        'a lower-case country code',
        profileUpserted({ payload: { location: { country: 'us' } } }),
        'payload.location.country',
      ],
      [
        'a three-letter country code',
        profileUpserted({ payload: { location: { country: 'USA' } } }),
        'payload.location.country',
      ],
      [
        'an empty workModes list',
        profileUpserted({ payload: { workModes: [] } }),
        'payload.workModes',
      ],
      [
        'a month 13 start date',
        profileUpserted({
          payload: { experience: [{ company: 'Acme', title: 'Engineer', startDate: '2020-13' }] },
        }),
        'payload.experience.0.startDate',
      ],
      [
        'an onsite job without a location',
        jobUpserted({ payload: { remotePolicy: 'onsite', location: undefined } }),
        'payload.location',
      ],
      [
        'a salary whose min exceeds its max',
        jobUpserted({ payload: { salary: { min: 10, max: 5, currency: 'USD', period: 'year' } } }),
        'payload.salary.min',
      ],
      [
        'a category that is not a slug',
        jobUpserted({ payload: { categories: ['Data Science'] } }),
        'payload.categories.0',
      ],
      [
        'a job payload on a profile event',
        { ...profileUpserted(), payload: jobUpserted().payload },
        'payload',
      ],
      [
        'a removal with extra payload fields',
        profileDeleted({ payload: { by: 'admin' } as never }),
        'payload',
      ],
    ];

    it.each(cases)('rejects %s', (_name, event, path) => {
      const detail = expectDeadLetter(toBytes(event), 'schema-violation');
      expect(detail).toContain(`${path}:`);
    });

    it.each([
      ['null', 'null'],
      ['an array', '[]'],
      ['a number', '42'],
      ['a string', '"profile.upserted"'],
    ])('rejects %s at the top level', (_name, json) => {
      expect(expectDeadLetter(Buffer.from(json), 'schema-violation')).toBe(
        'event must be a JSON object',
      );
    });
  });

  describe('key-mismatch', () => {
    it('rejects an event whose entityId is not the message key', () => {
      const event = profileUpserted({ entityId: 'profile-frontend' });
      expectDeadLetter(toBytes(event), 'key-mismatch', 'profile-ml-platform');
      expectDeadLetter(toBytes(event), 'key-mismatch', '');
    });

    it('accepts a matching key, and no key at all', () => {
      const event = profileUpserted({ entityId: 'profile-frontend' });
      expect(decodeInputEvent(toBytes(event), 'profile-frontend').ok).toBe(true);
      expect(decodeInputEvent(toBytes(event), null).ok).toBe(true);
      expect(decodeInputEvent(toBytes(event)).ok).toBe(true);
    });

    it('is checked only after the schema', () => {
      const event = profileUpserted({ payload: { headline: '' } });
      expectDeadLetter(toBytes(event), 'schema-violation', 'someone-else');
    });
  });
});

describe('validateInputEvent', () => {
  it('validates an already-parsed value like decodeInputEvent', () => {
    const event = jobUpserted();
    expect(validateInputEvent(event, event.entityId)).toEqual(
      decodeInputEvent(toBytes(event), event.entityId),
    );
    expect(validateInputEvent({ ...event, type: 'job.opened' })).toMatchObject({
      ok: false,
      reason: 'unknown-type',
    });
  });
});

describe('formatIssues', () => {
  it('joins path and message, and bounds the number of issues', () => {
    const issues = Array.from({ length: 12 }, (_, i) => ({
      code: 'custom' as const,
      path: ['payload', 'skills', i],
      message: 'bad',
      input: undefined,
    }));
    const text = formatIssues(issues);
    expect(text.startsWith('payload.skills.0: bad; payload.skills.1: bad')).toBe(true);
    expect(text).not.toContain('payload.skills.10');
    expect(text.endsWith('…and 2 more')).toBe(true);
    expect(formatIssues([{ code: 'custom', path: [], message: 'nope', input: 1 }])).toBe(
      '(root): nope',
    );
  });

  it('keeps the detail under 1000 characters', () => {
    const long = [{ code: 'custom' as const, path: ['x'], message: 'y'.repeat(5000), input: 1 }];
    expect(formatIssues(long).length).toBe(1000);
  });
});
