import { hostileEvent, seededRandom } from '@matchstream/testing';
import { DEAD_LETTER_REASONS } from './dead-letter';
import { decodeInputEvent } from './decode-input-event';
import { inputEvent } from './input-event.schema';

describe('decodeInputEvent under fuzzing', () => {
  it('never throws, and every verdict is a valid event or a known reason', () => {
    const random = seededRandom(20261124);
    const reasons = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const bytes = hostileEvent(random, `fuzz-${i}`);
      const result = decodeInputEvent(bytes, `fuzz-${i}`);
      if (result.ok) {
        expect(inputEvent.safeParse(result.event).success).toBe(true);
      } else {
        expect(DEAD_LETTER_REASONS).toContain(result.reason);
        expect(result.detail.length).toBeGreaterThan(0);
        expect(result.detail.length).toBeLessThanOrEqual(1000);
        reasons.add(result.reason);
      }
    }
    // The generator reaches the main classes of bad input.
    expect([...reasons]).toEqual(
      expect.arrayContaining([
        'schema-violation',
        'malformed-json',
        'invalid-encoding',
        'hostile-structure',
      ]),
    );
  });

  it('never lets a prototype-pollution key through', () => {
    const polluted = Buffer.from(
      '{"type":"profile.upserted","schemaVersion":1,"constructor":{"prototype":{"x":1}}}',
    );
    expect(decodeInputEvent(polluted)).toMatchObject({ ok: false, reason: 'hostile-structure' });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
