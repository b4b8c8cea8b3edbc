/**
 * Soak: runs the pipeline at a steady rate for a while (SOAK_MINUTES, 30 by default) against the
 * services started by scripts/services.sh, and reports memory, consumer lag and end-to-end latency
 * over time from their /metrics. Memory must stay flat: the verdict compares the last third of the
 * run with the middle third (the first third is warm-up). It asserts nothing; it reports.
 */
import { TOPICS, entityTypeOf, inputTopicFor } from '@matchstream/contracts';
import { EventPublisher, createKafkaClient } from '@matchstream/kafka';
import { LoadGenerator, jobUpsertedEvent, profileUpsertedEvent } from './load-generator';

const minutes = Number(process.env.SOAK_MINUTES ?? 30);
const rate = Number(process.env.SOAK_RATE ?? 5); // events per second
const sampleEveryMs = Number(process.env.SOAK_SAMPLE_MS ?? 30000);
const services = {
  embedding: `http://127.0.0.1:${process.env.EMBEDDING_HTTP_PORT ?? 3001}`,
  matching: `http://127.0.0.1:${process.env.MATCHING_HTTP_PORT ?? 3002}`,
};

interface Sample {
  at: number;
  rssMiB: Record<string, number>;
  lag: number;
  e2eP50: number;
  e2eP99: number;
  published: number;
}

async function scrape(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

function sum(text: string, pattern: RegExp): number {
  let total = 0;
  for (const m of text.matchAll(pattern)) total += Number(m[1]);
  return total;
}

/** Quantile of the end-to-end histogram over the window between two scrapes. */
function windowQuantile(before: string, after: string, q: number): number {
  const buckets = (text: string) =>
    new Map(
      [
        ...text.matchAll(
          /matchstream_end_to_end_seconds_bucket\{le="([^"]+)",[^}]*subject_type="job"\} (\d+)/g,
        ),
      ].map((m) => [m[1], Number(m[2])]),
    );
  const b = buckets(before);
  const a = [...buckets(after)].map(([le, count]) => [le, count - (b.get(le) ?? 0)] as const);
  const total = a.find(([le]) => le === '+Inf')?.[1] ?? 0;
  if (total === 0) return NaN;
  return Number(a.find(([, count]) => count >= q * total)?.[0] ?? NaN);
}

async function main(): Promise<void> {
  const kafka = createKafkaClient({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'soak',
  });
  const publisher = new EventPublisher(kafka);
  await publisher.connect();
  const run = `soak-${Date.now().toString(36)}`;
  const generator = new LoadGenerator({ seed: 42, idPrefix: run });
  const deadline = Date.now() + minutes * 60000;
  const samples: Sample[] = [];
  let published = 0;
  let previous = await Promise.all([scrape(services.embedding), scrape(services.matching)]);
  let nextSample = Date.now() + sampleEveryMs;
  console.log(
    `soak: ${minutes} min at ${rate} events/s (1 job per 4 profiles), sampling every ${sampleEveryMs / 1000} s`,
  );
  console.log(
    '| min | RSS embedding MiB | RSS matching MiB | lag | e2e p50 s | e2e p99 s | published |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  const started = Date.now();
  while (Date.now() < deadline) {
    const i = published;
    const event =
      i % 5 === 4
        ? jobUpsertedEvent(generator.job(i), { eventId: `${run}-e${i}` })
        : profileUpsertedEvent(generator.profile(i), { eventId: `${run}-e${i}` });
    await publisher.publish(inputTopicFor(entityTypeOf(event.type)), [
      { key: event.entityId, value: JSON.stringify(event) },
    ]);
    published++;
    const due = started + (published / rate) * 1000;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    if (Date.now() >= nextSample) {
      nextSample += sampleEveryMs;
      const now = await Promise.all([scrape(services.embedding), scrape(services.matching)]);
      const sample: Sample = {
        at: (Date.now() - started) / 60000,
        rssMiB: {
          embedding: sum(now[0], /^process_resident_memory_bytes\{[^}]*\} (\S+)/gm) / 2 ** 20,
          matching: sum(now[1], /^process_resident_memory_bytes\{[^}]*\} (\S+)/gm) / 2 ** 20,
        },
        lag: sum(now[0] + now[1], /^matchstream_consumer_lag\{[^}]*\} (\S+)/gm),
        e2eP50: windowQuantile(previous[1], now[1], 0.5),
        e2eP99: windowQuantile(previous[1], now[1], 0.99),
        published,
      };
      previous = now;
      samples.push(sample);
      console.log(
        `| ${sample.at.toFixed(1)} | ${sample.rssMiB.embedding.toFixed(0)} | ${sample.rssMiB.matching.toFixed(0)} | ${sample.lag} | ${sample.e2eP50} | ${sample.e2eP99} | ${published} |`,
      );
    }
  }
  await publisher.disconnect();
  const third = Math.floor(samples.length / 3);
  if (third === 0) {
    console.log('too few samples for a memory verdict (run longer)');
    return;
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const name of ['embedding', 'matching'] as const) {
    const middle = mean(samples.slice(third, 2 * third).map((s) => s.rssMiB[name]));
    const last = mean(samples.slice(2 * third).map((s) => s.rssMiB[name]));
    const growth = (last - middle) / middle;
    console.log(
      `${name}: RSS ${middle.toFixed(0)} MiB (middle third) → ${last.toFixed(0)} MiB (last third), ${(growth * 100).toFixed(1)}%: ${Math.abs(growth) < 0.1 ? 'flat' : 'GROWING'}`,
    );
  }
  console.log(
    `topics: ${TOPICS.profileEvents}, ${TOPICS.jobEvents}; ${published} events published`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
