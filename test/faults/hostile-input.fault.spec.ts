import { TOPICS } from '@matchstream/contracts';
import { HOSTILE_STRINGS, hostileEvent, resetEventIds, seededRandom } from '@matchstream/testing';
import { PipelineHarness, runId, waitFor } from '../support/pipeline-harness';

/**
 * Generated hostile input against the running services: every bad event lands in the dead-letter
 * topic with a reason (or, if the mutation left it valid, is processed) — none is lost, none
 * crashes or stalls the consumer — and the HTTP API never answers 5xx.
 */
describe('hostile input', () => {
  const harness = new PipelineHarness(runId('fault-hostile'));
  const random = seededRandom(7);

  beforeAll(async () => {
    resetEventIds(harness.run);
    await harness.start();
  });
  afterAll(() => harness.stop());

  it('accounts for every fuzzed Kafka event: dead-lettered with a reason, or processed', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `${harness.run}-fuzz-${i}`);
    for (const key of keys)
      await harness.publishRaw(TOPICS.profileEvents, key, hostileEvent(random, key));
    await waitFor(
      'every fuzzed event accounted for',
      () =>
        keys.every(
          (key) =>
            harness.deadLetters.items.some((d) => d.key === key) ||
            harness.vectorsFor('profile', key).length > 0,
        ),
      90000,
    );
    for (const letter of harness.deadLetters.items.filter((d) => d.key?.startsWith(harness.run))) {
      expect(letter.reason).toMatch(/^[a-z-]+$/);
      expect(letter.sourceTopic).toBe(TOPICS.profileEvents);
    }
    expect((await fetch(await harness.url('embedding', '/health/ready'))).status).toBe(200);
  });

  it('answers hostile HTTP requests with 4xx, never 5xx', async () => {
    const base = await harness.url('matching', '');
    const statuses: number[] = [];
    for (const value of HOSTILE_STRINGS) {
      for (const path of ['/v1/matches/jobs/', '/v1/matches/profiles/', '/v1/entities/jobs/']) {
        statuses.push((await fetch(`${base}${path}${encodeURIComponent(value)}`)).status);
      }
      const bodies: unknown[] = [
        { target: 'profiles', text: value, k: 5 },
        { target: value, text: 'x' },
        { target: 'jobs', entityId: value },
        { target: 'jobs', text: 'x', k: value },
        { target: 'jobs', text: 'x', filters: { countries: [value] } },
        { __proto__: { admin: true }, target: 'jobs', text: 'x' },
        [value],
        value,
      ];
      for (const body of bodies) {
        const response = await fetch(`${base}/v1/search`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        statuses.push(response.status);
      }
    }
    const raw = [
      '{',
      '{"target":"jobs","text":"x"',
      'null',
      '1e999',
      '\u0000',
      '{"a":'.repeat(5000),
    ];
    for (const body of raw) {
      statuses.push(
        (
          await fetch(`${base}/v1/search`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          })
        ).status,
      );
    }
    const huge = JSON.stringify({ target: 'jobs', text: 'x'.repeat(2_000_000) });
    statuses.push(
      (
        await fetch(`${base}/v1/search`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: huge,
        })
      ).status,
    );
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.every((s) => s === 200 || (s >= 400 && s < 500))).toBe(true);
    expect(statuses).toContain(413);
  });
});
