import { INPUT_TOPICS, TOPICS } from '@matchstream/contracts';
import { ConsumerLagMonitor } from '@matchstream/kafka';
import { jobUpserted, profileUpserted, resetEventIds } from '@matchstream/testing';
import type { InputEventInput } from '@matchstream/contracts';
import { PipelineHarness, runId, waitFor } from '../support/pipeline-harness';
import { deltas, parseMetrics } from '../support/prometheus-text';

/**
 * After a pipeline run, the metrics moved by exactly the expected amounts. Both consumer groups
 * first catch up with whatever earlier suites left on the topics, so the deltas are this run's.
 * Entities share the category "cartography" only with each other.
 */
describe('metrics', () => {
  const harness = new PipelineHarness(runId('e2e-metrics'));
  const id = (name: string) => `${harness.run}-${name}`;
  const lagMonitors = [
    new ConsumerLagMonitor(harness.kafka, harness.env.EMBEDDING_CONSUMER_GROUP, INPUT_TOPICS),
    new ConsumerLagMonitor(
      harness.kafka,
      `${harness.env.MATCHING_CONSUMER_GROUP}.replica.${harness.env.MATCHING_INSTANCE_ID}`,
      [TOPICS.entityVectors],
    ),
  ];
  const caughtUp = async () => {
    for (const monitor of lagMonitors) {
      if ((await monitor.measure()).some((p) => p.lag > 0)) return false;
    }
    return true;
  };
  const scrape = async () =>
    Promise.all(
      (['embedding', 'matching'] as const).map(async (app) =>
        parseMetrics(await (await fetch(await harness.url(app, '/metrics'))).text()),
      ),
    );

  const profile = (i: number): InputEventInput =>
    profileUpserted({
      entityId: id(`profile-${i}`),
      payload: {
        headline: `Cartographer number ${i}, maps and GIS`,
        // The run id makes every text new, so none is in the embedding cache yet.
        summary: `Draws ${['coastal', 'mountain', 'city'][i]} maps with QGIS for project ${harness.run}.`,
        lookingFor: '',
        skills: ['QGIS', 'Cartography'],
        experience: [],
        education: [],
        location: { country: 'NL' },
        workModes: ['remote'],
        workAuthorization: ['NL'],
        categories: ['cartography'],
      },
    });

  beforeAll(async () => {
    resetEventIds(harness.run);
    await harness.start();
  });
  afterAll(async () => {
    await Promise.all(lagMonitors.map((m) => m.close()));
    await harness.stop();
  });

  it('counts every event, outcome and output exactly once', async () => {
    await waitFor('consumers caught up', caughtUp, 90000);
    const [embeddingBefore, matchingBefore] = await scrape();
    const matchesTopicSize = async () => {
      const admin = harness.kafka.admin();
      await admin.connect();
      const offsets = await admin
        .fetchTopicOffsets(TOPICS.matches)
        .finally(() => admin.disconnect());
      return offsets.reduce((sum, p) => sum + Number(p.high), 0);
    };
    const matchEventsBefore = await matchesTopicSize();

    const profiles = [0, 1, 2].map(profile);
    await harness.publish([
      ...profiles,
      jobUpserted({
        entityId: id('job'),
        payload: {
          title: 'GIS cartographer',
          company: 'Atlas Works',
          description: `Maps for hiking guides, project ${harness.run}.`,
          requirements: [],
          requiredSkills: ['QGIS'],
          niceToHaveSkills: [],
          remotePolicy: 'remote',
          hiringCountries: ['NL'],
          seniority: 'mid',
          categories: ['cartography'],
        },
      }),
      profiles[1], // a redelivery: same event, same version
    ]);
    await harness.publishRaw(TOPICS.profileEvents, id('bad-json'), '{"oops":');
    await harness.publishRaw(
      TOPICS.profileEvents,
      id('bad-type'),
      JSON.stringify({ ...profiles[0], type: 'profile.renamed' }),
    );

    await waitFor('the job ranked all three', () =>
      harness
        .rankingsFor('job', id('job'))
        .some((r) =>
          [0, 1, 2].every((i) => r.matches.some((m) => m.counterpartId === id(`profile-${i}`))),
        ),
    );
    await waitFor('consumers caught up again', caughtUp, 90000);
    const [embeddingAfter, matchingAfter] = await scrape();
    const embedding = deltas(embeddingBefore, embeddingAfter);
    const matching = deltas(matchingBefore, matchingAfter);
    const consumed = (topic: string, outcome: string) =>
      `matchstream_events_consumed_total{outcome="${outcome}",topic="${topic}"}`;

    expect(embedding.get(consumed(TOPICS.profileEvents, 'processed'))).toBe(3);
    expect(embedding.get(consumed(TOPICS.jobEvents, 'processed'))).toBe(1);
    expect(embedding.get(consumed(TOPICS.profileEvents, 'duplicate'))).toBe(1);
    expect(embedding.get(consumed(TOPICS.profileEvents, 'dead-lettered'))).toBe(2);
    expect(
      embedding.get(`matchstream_events_produced_total{topic="${TOPICS.entityVectors}"}`),
    ).toBe(4);
    expect(embedding.get(`matchstream_events_produced_total{topic="${TOPICS.deadLetters}"}`)).toBe(
      2,
    );
    expect(
      embedding.get(
        `matchstream_dead_letters_total{reason="malformed-json",topic="${TOPICS.profileEvents}"}`,
      ),
    ).toBe(1);
    expect(
      embedding.get(
        `matchstream_dead_letters_total{reason="unknown-type",topic="${TOPICS.profileEvents}"}`,
      ),
    ).toBe(1);
    expect(embedding.get('matchstream_embedding_cache_requests_total{result="miss"}')).toBe(4);
    expect(embedding.get('matchstream_embedding_batch_size_sum')).toBe(4);

    expect(matching.get(consumed(TOPICS.entityVectors, 'processed'))).toBe(4);
    expect(matching.get(`matchstream_events_produced_total{topic="${TOPICS.matches}"}`)).toBe(
      (await matchesTopicSize()) - matchEventsBefore,
    );
    expect(matching.get('matchstream_index_entries{index="profiles"}')).toBe(3);
    expect(matching.get('matchstream_index_entries{index="jobs"}')).toBe(1);
    expect(matching.get('matchstream_end_to_end_seconds_count{subject_type="job"}')).toBe(1);
    // One instance owns every partition of the vector topic, and says which instance it is.
    expect(matchingAfter.get('matchstream_matching_owned_partitions')).toBe(6);
    const text = await (await fetch(await harness.url('matching', '/metrics'))).text();
    expect(text).toMatch(/matchstream_matching_owned_partitions\{[^}]*instance_id="matching-1"/);
  });
});
