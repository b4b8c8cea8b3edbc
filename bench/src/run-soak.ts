/**
 * Soak: runs the pipeline at a steady rate for a while (SOAK_MINUTES, 30 by default) against the
 * services started by scripts/services.sh, and reports memory, consumer lag and end-to-end latency
 * over time from their /metrics. It asserts nothing; it reports. Two workloads (SOAK_WORKLOAD):
 *
 * - `growth` (default): every event a new entity (one job per four profiles). Memory grows with
 *   the state, so the matching service's is reported per entity: the slope of its RSS against the
 *   entities it holds (least squares over the samples after the first third).
 * - `churn`: a fixed population (SOAK_POPULATION entities, published first and waited for), then
 *   updates (new content, so new vectors), removals and re-adds of removed entities over it. The
 *   state's size stays the same, so memory must stay flat: the slope of RSS against events taken
 *   in (published, for the embedding service; entity-vector events consumed, for the matching
 *   service) after the first third of the churn is reported in MiB per 10,000 events, flat when
 *   below SOAK_FLAT_MIB (2 MiB per 10,000 events, about 200 bytes an event).
 */
import { TOPICS } from '@matchstream/contracts';
import type { InputEventInput } from '@matchstream/contracts';
import { EventPublisher, createKafkaClient } from '@matchstream/kafka';
import { inputEvent, poll, seededRandom } from '@matchstream/testing';
import { jobUpsertedEvent, profileUpsertedEvent } from './load/input-events';
import { LoadGenerator } from './load/load-generator';
import { runMain } from './harness/cli';
import { publishInputEvents } from './harness/services';
import { leastSquaresSlope } from './harness/stats';

const minutes = Number(process.env.SOAK_MINUTES ?? 30);
const rate = Number(process.env.SOAK_RATE ?? 5); // events per second
const workload = process.env.SOAK_WORKLOAD ?? 'growth';
const population = Number(process.env.SOAK_POPULATION ?? 2000);
const flatMiB = Number(process.env.SOAK_FLAT_MIB ?? 2);
// At least a dozen samples in a short run.
const sampleEveryMs = Number(
  process.env.SOAK_SAMPLE_MS ?? Math.min(30000, Math.max(5000, (minutes * 60000) / 16)),
);
const services = {
  embedding: `http://127.0.0.1:${process.env.EMBEDDING_HTTP_PORT ?? 3001}`,
  matching: `http://127.0.0.1:${process.env.MATCHING_HTTP_PORT ?? 3002}`,
};

interface Sample {
  at: number;
  rssMiB: Record<string, number>;
  /** Entities the matching service holds (both indexes). */
  entities: number;
  /** Entity-vector events the matching service has consumed (what its memory follows). */
  consumed: number;
  /** The matching service's V8 heap in use (with garbage not yet collected), MiB. */
  matchingHeapMiB: number;
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

const entitiesIn = (metrics: string) => sum(metrics, /^matchstream_index_entries\{[^}]*\} (\S+)/gm);
const consumedIn = (metrics: string) =>
  sum(
    metrics,
    /^matchstream_events_consumed_total\{topic="matchstream\.entity-vectors[^}]*\} (\S+)/gm,
  );

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

/**
 * The events of a workload, one at a time. Growth: new entities. Churn: over a population of
 * `population` entities (ids 0…population-1, one job per four profiles), after publishing it once:
 * 60% updates with new content (the generator's entity of the same index under another seed),
 * 20% removals, 20% re-adds of a removed entity (an update when none is removed).
 */
class Workload {
  private readonly generators: LoadGenerator[];
  private readonly versions = new Map<number, number>();
  private readonly removed = new Set<number>();
  private readonly uniform = seededRandom(0x2f6b);
  published = 0;

  constructor(
    private readonly kind: 'growth' | 'churn',
    private readonly run: string,
  ) {
    this.generators = [42, 43, 44].map((seed) => new LoadGenerator({ seed, idPrefix: run }));
  }

  /** The population, published before the churn starts (empty for growth). */
  initial(): InputEventInput[] {
    if (this.kind === 'growth') return [];
    return Array.from({ length: population }, (_, i) => this.upsert(i, 0));
  }

  next(): InputEventInput {
    if (this.kind === 'growth') return this.upsert(population + this.published, 0);
    const roll = this.uniform();
    if (roll < 0.2 && this.removed.size < population / 2) {
      const index = this.pick((i) => !this.removed.has(i));
      this.removed.add(index);
      return this.removal(index);
    }
    if (roll < 0.4 && this.removed.size > 0) {
      const index = [...this.removed][Math.floor(this.uniform() * this.removed.size)];
      this.removed.delete(index);
      return this.upsert(index, Math.floor(this.uniform() * 3));
    }
    return this.upsert(
      this.pick((i) => !this.removed.has(i)),
      Math.floor(this.uniform() * 3),
    );
  }

  private upsert(index: number, variant: number): InputEventInput {
    const generator = this.generators[variant];
    const options = { eventId: this.eventId(), entityVersion: this.bump(index) };
    return index % 5 === 4
      ? jobUpsertedEvent(generator.job(index), options)
      : profileUpsertedEvent(generator.profile(index), options);
  }

  private removal(index: number): InputEventInput {
    const job = index % 5 === 4;
    const id = job ? this.generators[0].jobId(index) : this.generators[0].profileId(index);
    return inputEvent(
      job ? 'job.closed' : 'profile.deleted',
      id,
      {},
      {
        eventId: this.eventId(),
        entityVersion: this.bump(index),
        occurredAt: new Date().toISOString(),
        source: 'soak',
      },
    );
  }

  private bump(index: number): number {
    const version = (this.versions.get(index) ?? 0) + 1;
    this.versions.set(index, version);
    return version;
  }

  private eventId(): string {
    return `${this.run}-e${this.versions.size}-${this.published}-${Math.floor(this.uniform() * 1e9)}`;
  }

  private pick(ok: (index: number) => boolean): number {
    for (;;) {
      const index = Math.floor(this.uniform() * population);
      if (ok(index)) return index;
    }
  }
}

async function main(): Promise<number> {
  if (workload !== 'growth' && workload !== 'churn')
    throw new Error(`SOAK_WORKLOAD must be growth or churn, not ${workload}`);
  const kafka = createKafkaClient({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'soak',
  });
  const publisher = new EventPublisher(kafka);
  await publisher.connect();
  const run = `soak-${Date.now().toString(36)}`;
  const events = new Workload(workload, run);
  const publish = (batch: InputEventInput[]) => publishInputEvents(publisher, batch);

  const initial = events.initial();
  if (initial.length) {
    const held = entitiesIn(await scrape(services.matching));
    console.log(`soak: publishing the population of ${initial.length} entities first`);
    for (let i = 0; i < initial.length; i += 200) await publish(initial.slice(i, i + 200));
    const arrived = async () =>
      entitiesIn(await scrape(services.matching)) >= held + initial.length;
    if (!(await poll(arrived, { timeoutMs: 15 * 60000, intervalMs: 2000 })))
      throw new Error('the population did not arrive in 15 minutes');
    console.log(`soak: population indexed (${held + initial.length} entities)`);
  }

  const deadline = Date.now() + minutes * 60000;
  const samples: Sample[] = [];
  let previous = await Promise.all([scrape(services.embedding), scrape(services.matching)]);
  let nextSample = Date.now() + sampleEveryMs;
  console.log(
    `soak (${workload}): ${minutes} min at ${rate} events/s (1 job per 4 profiles), sampling every ${sampleEveryMs / 1000} s`,
  );
  console.log(
    '| min | RSS embedding MiB | RSS matching MiB | heap matching MiB | entities | consumed by matching | lag | e2e p50 s | e2e p99 s | published |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const started = Date.now();
  while (Date.now() < deadline) {
    await publish([events.next()]);
    const published = ++events.published;
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
        entities: entitiesIn(now[1]),
        consumed: consumedIn(now[1]),
        matchingHeapMiB: sum(now[1], /^nodejs_heap_size_used_bytes\{[^}]*\} (\S+)/gm) / 2 ** 20,
        lag: sum(now[0] + now[1], /^matchstream_consumer_lag\{[^}]*\} (\S+)/gm),
        e2eP50: windowQuantile(previous[1], now[1], 0.5),
        e2eP99: windowQuantile(previous[1], now[1], 0.99),
        published,
      };
      previous = now;
      samples.push(sample);
      console.log(
        `| ${sample.at.toFixed(1)} | ${sample.rssMiB.embedding.toFixed(0)} | ${sample.rssMiB.matching.toFixed(0)} | ${sample.matchingHeapMiB.toFixed(0)} | ${sample.entities} | ${sample.consumed} | ${sample.lag} | ${sample.e2eP50} | ${sample.e2eP99} | ${published} |`,
      );
    }
  }
  await publisher.disconnect();
  const third = Math.floor(samples.length / 3);
  if (third === 0 || samples.length - third < 3) {
    console.log('too few samples for a memory verdict (run longer)');
    return 0;
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const name of ['embedding', 'matching'] as const) {
    const middle = mean(samples.slice(third, 2 * third).map((s) => s.rssMiB[name]));
    const last = mean(samples.slice(2 * third).map((s) => s.rssMiB[name]));
    const growth = (last - middle) / middle;
    console.log(
      `${name}: RSS ${middle.toFixed(0)} MiB (middle third) → ${last.toFixed(0)} MiB (last third), ${(growth * 100).toFixed(1)}%`,
    );
  }
  const settled = samples.slice(third);
  if (workload === 'growth') {
    const perEntity = leastSquaresSlope(
      settled.map((s) => [s.entities, s.rssMiB.matching * 2 ** 20]),
    );
    console.log(
      `matching: ${(perEntity / 1024).toFixed(1)} KiB of RSS per entity ` +
        `(slope over ${settled.length} samples, ${settled[0].entities} → ${settled.at(-1)!.entities} entities)`,
    );
  } else {
    // Against the events each service has taken in: when the pipeline lags, published ones
    // have not reached the matching service yet.
    const takenIn = { embedding: (s: Sample) => s.published, matching: (s: Sample) => s.consumed };
    for (const name of ['embedding', 'matching'] as const) {
      const perEvent = leastSquaresSlope(settled.map((s) => [takenIn[name](s), s.rssMiB[name]]));
      const per10k = perEvent * 10000;
      const first = takenIn[name](settled[0]);
      const last = takenIn[name](settled.at(-1)!);
      console.log(
        `${name}: ${per10k.toFixed(2)} MiB per 10,000 events after warm-up ` +
          `(slope over ${settled.length} samples, events ${first} → ${last}; ` +
          `entities ${settled[0].entities} → ${settled.at(-1)!.entities}): ${per10k < flatMiB ? 'flat' : 'NOT FLAT'}`,
      );
    }
    const heapPer10k =
      leastSquaresSlope(settled.map((s) => [s.consumed, s.matchingHeapMiB])) * 10000;
    console.log(
      `matching: V8 heap in use ${heapPer10k.toFixed(2)} MiB per 10,000 events (sampled with ` +
        'garbage in it: a sawtooth; RSS follows the heap V8 keeps, which grows for a while after ' +
        'a start, so judge runs of 20 minutes or more)',
    );
  }
  console.log(
    `topics: ${TOPICS.profileEvents}, ${TOPICS.jobEvents}; ${events.published} events published`,
  );
  return 0;
}

runMain(main);
