import { LIMITS, TOPICS } from '@matchstream/contracts';
import { profileUpserted, resetEventIds } from '@matchstream/testing';
import { PipelineHarness, UNRELATED_PROFILE, runId, waitFor } from '../support/pipeline-harness';

/** Bad input on the real broker: each lands in the dead-letter topic, untouched, with its reason. */
describe('dead letters', () => {
  const harness = new PipelineHarness(runId('e2e-dlq'));
  const id = (name: string) => `${harness.run}-${name}`;

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it('dead-letters every kind of bad event and keeps consuming', async () => {
    resetEventIds(harness.run);
    const valid = (name: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        ...profileUpserted({ entityId: id(name), payload: UNRELATED_PROFILE }),
        ...extra,
      });
    const cases: { name: string; value: Buffer | string; reason: string; key?: string }[] = [
      { name: 'empty', value: '', reason: 'empty-message' },
      { name: 'oversized', value: 'x'.repeat(LIMITS.maxEventBytes + 1), reason: 'oversized' },
      {
        name: 'invalid-utf8',
        value: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
        reason: 'invalid-encoding',
      },
      { name: 'malformed', value: '{"eventId": "a",', reason: 'malformed-json' },
      {
        name: 'proto',
        value: `{"__proto__": {"polluted": true}, "type": "profile.upserted"}`,
        reason: 'hostile-structure',
      },
      {
        name: 'unknown-type',
        value: valid('unknown-type', { type: 'profile.merged' }),
        reason: 'unknown-type',
      },
      { name: 'v2', value: valid('v2', { schemaVersion: 2 }), reason: 'unsupported-version' },
      {
        name: 'wrong-types',
        value: valid('wrong-types', { entityVersion: 'seven' }),
        reason: 'schema-violation',
      },
      {
        name: 'control-chars',
        value: JSON.stringify(
          profileUpserted({
            entityId: id('control-chars'),
            payload: { ...UNRELATED_PROFILE, headline: 'Baker\u0000\u0007' },
          }),
        ),
        reason: 'schema-violation',
      },
      {
        name: 'key-mismatch',
        key: id('someone-else'),
        value: valid('key-mismatch'),
        reason: 'key-mismatch',
      },
      {
        name: 'job-on-profile-topic',
        value: JSON.stringify({
          ...profileUpserted({ entityId: id('job-on-profile-topic'), payload: UNRELATED_PROFILE }),
          type: 'job.closed',
          payload: {},
        }),
        reason: 'schema-violation',
      },
    ];
    for (const c of cases)
      await harness.publishRaw(TOPICS.profileEvents, c.key ?? id(c.name), c.value);
    await harness.publish([profileUpserted({ entityId: id('good'), payload: UNRELATED_PROFILE })]);

    const letters = await waitFor('dead letters', () => {
      const mine = harness.deadLetters.items.filter((d) => d.key?.startsWith(harness.run));
      return mine.length >= cases.length && mine;
    });
    for (const c of cases) {
      const letter = letters.find((d) => d.key === (c.key ?? id(c.name)));
      expect({ name: c.name, reason: letter?.reason }).toEqual({ name: c.name, reason: c.reason });
      expect(letter!.sourceTopic).toBe(TOPICS.profileEvents);
      expect(letter!.detail.length).toBeGreaterThan(0);
      expect({
        name: c.name,
        same: Buffer.compare(letter!.value ?? Buffer.alloc(0), Buffer.from(c.value)),
      }).toEqual({ name: c.name, same: 0 });
    }
    // The consumer kept going: the valid event after the bad ones was embedded and matched.
    await waitFor('the good event', () => harness.rankingsFor('profile', id('good')).length > 0);

    const metricsUrl = await harness.url('embedding', '/metrics');
    // At least ours: a broker reused across runs also holds earlier runs' bad events.
    await waitFor('dead-letter metrics', async () => {
      const text = await (await fetch(metricsUrl)).text();
      const count =
        /matchstream_dead_letters_total\{topic="matchstream.profile-events.v1",reason="schema-violation",service="embedding-service"\} (\d+)/.exec(
          text,
        );
      return Number(count?.[1] ?? 0) >= 3;
    });
  });
});
