/**
 * The quick-start demo: publishes the built-in sample profiles and jobs to Kafka, follows the
 * matches topic, and prints each job's ranked candidates (and each candidate's best jobs) as the
 * running services publish them. Exits 0 once every sample job has its ranking, 1 on timeout.
 */
import { TOPICS, entityTypeOf, inputTopicFor, matchEvent } from '@matchstream/contracts';
import type { InputEventInput, MatchRankingEvent } from '@matchstream/contracts';
import { EventPublisher, TopicTail, createKafkaClient } from '@matchstream/kafka';
import {
  SAMPLE_JOBS,
  SAMPLE_PROFILES,
  resetEventIds,
  sampleJobEvents,
  sampleProfileEvents,
} from '@matchstream/testing';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const timeoutMs = Number(process.env.DEMO_TIMEOUT_MS ?? 180000);

async function main(): Promise<void> {
  const kafka = createKafkaClient({ brokers, clientId: 'matchstream-demo' });
  const latest = new Map<string, MatchRankingEvent>();
  let lastEventAt = Date.now();
  const tail = new TopicTail(kafka, TOPICS.matches, (record) => {
    const parsed = matchEvent.safeParse(JSON.parse(record.value?.toString() ?? 'null'));
    if (parsed.success && parsed.data.schema === 'match.ranking') {
      latest.set(`${parsed.data.subject.type}:${parsed.data.subject.id}`, parsed.data);
      lastEventAt = Date.now();
    }
  });
  await tail.start();

  // A fresh version per run, so re-running the demo is never skipped as a duplicate.
  const version = Date.now();
  resetEventIds(`demo-${version}`);
  const publisher = new EventPublisher(kafka);
  await publisher.connect();
  const publish = (events: InputEventInput[]) =>
    Promise.all(
      (['profile', 'job'] as const).map((type) =>
        publisher.publish(
          inputTopicFor(type),
          events
            .filter((e) => entityTypeOf(e.type) === type)
            .map((e) => ({
              key: e.entityId,
              value: JSON.stringify({ ...e, occurredAt: new Date().toISOString() }),
            })),
        ),
      ),
    );
  console.log(
    `Publishing ${SAMPLE_PROFILES.length} sample profiles and ${SAMPLE_JOBS.length} sample jobs…`,
  );
  await publish(sampleProfileEvents(version));
  await publish(sampleJobEvents(version));

  const deadline = Date.now() + timeoutMs;
  const done = () =>
    SAMPLE_JOBS.every(({ id }) => (latest.get(`job:${id}`)?.subject.version ?? 0) >= version) &&
    SAMPLE_PROFILES.every(
      ({ id }) => (latest.get(`profile:${id}`)?.subject.version ?? 0) >= version,
    ) &&
    Date.now() - lastEventAt > 1500;
  while (!done()) {
    if (Date.now() > deadline) {
      console.error(
        `Timed out after ${timeoutMs} ms waiting for match events (are the services running?)`,
      );
      process.exitCode = 1;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (!process.exitCode) print(latest);
  await Promise.all([tail.stop(), publisher.disconnect()]);
}

function print(latest: Map<string, MatchRankingEvent>): void {
  const headline = new Map(SAMPLE_PROFILES.map((p) => [p.id, p.payload.headline]));
  const title = new Map(
    SAMPLE_JOBS.map((j) => [j.id, `${j.payload.title} at ${j.payload.company}`]),
  );
  for (const { id } of SAMPLE_JOBS) {
    const ranking = latest.get(`job:${id}`)!;
    console.log(`\nJob ${id}: ${title.get(id)}`);
    if (ranking.matches.length === 0) console.log('  (no eligible candidates)');
    for (const m of ranking.matches) {
      console.log(
        `  ${m.rank}. ${m.counterpartId.padEnd(26)} score ${m.score.toFixed(3)}  ${headline.get(m.counterpartId) ?? ''}`,
      );
      console.log(`     ${m.explanation.summary}`);
      const failed = m.explanation.constraints.filter((c) => !c.passed);
      if (failed.length)
        console.log(`     constraints failed: ${failed.map((c) => c.name).join(', ')}`);
    }
  }
  console.log('\nBest job per candidate:');
  for (const { id } of SAMPLE_PROFILES) {
    const best = latest.get(`profile:${id}`)?.matches[0];
    console.log(
      `  ${id.padEnd(26)} ${best ? `${best.counterpartId} (score ${best.score.toFixed(3)})` : '(no job reaches the minimum match score)'}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
