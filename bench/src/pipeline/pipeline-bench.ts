/**
 * The services under load, as processes of their own (from the build, as they are deployed),
 * against the real broker, Redis and model: the embedding service's throughput (profile events in,
 * entity vectors out) and the whole pipeline's end-to-end latency (job event in, the job's ranking
 * out). This process only publishes and watches the topics.
 */
import { TOPICS, decodeVector, entityKey } from '@matchstream/contracts';
import type { JobPayloadInput, ProfilePayloadInput } from '@matchstream/contracts';
import { ensureTopics } from '@matchstream/kafka';
import { cdfPoints } from '../charts/cdf';
import type { CdfPoint } from '../charts/cdf';
import type { Log } from '../harness/cli';
import { summarize, throughput } from '../harness/stats';
import type { Summary } from '../harness/stats';
import { waitUntil } from '../harness/wait';
import { emitAtRate } from '../load/emit-at-rate';
import type { EmitReport } from '../load/emit-at-rate';
import { jobUpsertedEvent, profileUpsertedEvent } from '../load/input-events';
import type { GeneratedEntity } from '../load/load-generator';
import type { ServicePipeline } from './service-pipeline';

// ---------------------------------------------------------------------------------------------

export interface PipelineThroughputResult {
  events: number;
  vectorsSeen: number;
  /** From the first publish call to the last vector seen. */
  seconds: number;
  /** events / seconds. */
  throughput: number;
  /** Publishing the whole backlog (it is queued far faster than it is embedded). */
  publishSeconds: number;
  firstVectorMs: number;
}

/**
 * Publishes `profiles` as a backlog to the profile topic, as fast as the producer goes, and times
 * until the embedding service's vector for each of them is on the entity-vector topic. Only this
 * run's entity ids count. Returns the vectors too (decoded from the events), in input order.
 */
export async function measureEmbeddingPipeline(
  pipeline: ServicePipeline,
  profiles: readonly GeneratedEntity<ProfilePayloadInput>[],
  warmUp: GeneratedEntity<ProfilePayloadInput>,
  options: { timeoutMs: number; log: Log },
): Promise<{ result: PipelineThroughputResult; vectors: (Float32Array | null)[] }> {
  const index = new Map(profiles.map((p, i) => [entityKey('profile', p.id), i]));
  const warmKey = entityKey('profile', warmUp.id);
  const seenAt = new Float64Array(profiles.length).fill(Number.NaN);
  const values: (Buffer | null)[] = new Array<Buffer | null>(profiles.length).fill(null);
  let seen = 0;
  let warmSeen = false;
  await pipeline.follow(TOPICS.entityVectors, (record) => {
    if (record.key === warmKey) warmSeen = true;
    const i = record.key === null ? undefined : index.get(record.key);
    if (i === undefined || !Number.isNaN(seenAt[i])) return;
    seenAt[i] = performance.now();
    values[i] = record.value;
    seen++;
  });
  await pipeline.startEmbedding();

  // Warm-up: the consumer group has joined and every code path has run once.
  await pipeline.publish([profileUpsertedEvent(warmUp, { eventId: `${pipeline.run}-warmup-p` })]);
  await waitUntil('the warm-up vector', () => warmSeen, 120000);

  const messages = profiles.map((p, i) =>
    profileUpsertedEvent(p, { eventId: `${pipeline.run}-p-${i}` }),
  );
  options.log(`  publishing ${profiles.length} profile events`);
  const start = performance.now();
  for (let i = 0; i < messages.length; i += 250) {
    await pipeline.publish(messages.slice(i, i + 250));
  }
  const publishMs = performance.now() - start;
  let reported = 0;
  await waitUntil(
    'entity vectors',
    () => {
      if (seen - reported >= 250) {
        reported = seen;
        options.log(`  ${seen}/${profiles.length} vectors (${elapsed(start)} s)`);
      }
      return seen === profiles.length;
    },
    options.timeoutMs,
    60000,
    () => seen,
  );
  const times = Array.from(seenAt).filter((t) => !Number.isNaN(t));
  const last = times.length ? Math.max(...times) : performance.now();
  const first = times.length ? Math.min(...times) : performance.now();
  const vectors = values.map((v) => {
    if (!v) return null;
    const event = JSON.parse(v.toString('utf8')) as { vector: string; dimension: number };
    return decodeVector(event.vector, event.dimension);
  });
  return {
    result: {
      events: profiles.length,
      vectorsSeen: seen,
      seconds: (last - start) / 1000,
      throughput: throughput(seen, last - start),
      publishSeconds: publishMs / 1000,
      firstVectorMs: first - start,
    },
    vectors,
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Where an event's latency went, from the Kafka record timestamps (set by each producer when it
 * sends, ms resolution, one clock: everything runs on this machine): publish → the embedding
 * service sends the job's vector → the matching service sends the job's ranking → this process
 * receives it. Each stage includes the Kafka hop into it.
 */
export interface StageBreakdown {
  embeddingMs: Summary;
  matchingMs: Summary;
  deliveryMs: Summary;
}

export interface KafkaHopProbe {
  records: number;
  /** A record the size of a job event, from the publish call to its arrival at a consumer. */
  latencyMs: Summary;
}

/** The broker's own share: one hop, idle, with the producer and consumer settings the services use. */
const HOP_PROBE_TOPIC = 'matchstream.bench-hop-probe';

/**
 * Times single records through the broker on a topic of the benchmark's own (six partitions, as
 * the pipeline's topics), one at a time: the latency of one Kafka hop on this machine, which every
 * event pays three times (input → embedding service → matching service → subscriber).
 */
export async function measureKafkaHop(
  pipeline: ServicePipeline,
  sample: string,
  records: number,
): Promise<KafkaHopProbe> {
  await ensureTopics(pipeline.kafka, [{ topic: HOP_PROBE_TOPIC, partitions: 6, config: {} }]);
  const seen = new Map<string, number>();
  await pipeline.follow(HOP_PROBE_TOPIC, (record) => {
    if (record.key) seen.set(record.key, performance.now());
  });
  const times: number[] = [];
  for (let i = 0; i < records; i++) {
    const key = `${pipeline.run}-hop-${i}`;
    const start = performance.now();
    await pipeline.publisher.publish(HOP_PROBE_TOPIC, [{ key, value: sample }]);
    await waitUntil('a hop probe record', () => seen.has(key), 30000);
    if (seen.has(key)) times.push(seen.get(key)! - start);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { records: times.length, latencyMs: summarize(times) };
}

export interface IdleProbe {
  jobs: number;
  matched: number;
  /** One event at a time: publish, wait for its ranking, next. No queueing anywhere. */
  latencyMs: Summary | null;
  /** The same sample's CDF, for the report's chart (absent in results from before it). */
  latencyCdfMs?: CdfPoint[];
  stages: StageBreakdown | null;
}

export interface CapacityProbe {
  jobs: number;
  matched: number;
  seconds: number;
  /** Rankings per second while draining a backlog of job events: what the pipeline sustains. */
  rate: number;
}

export interface EndToEndResult {
  profilesLoaded: number;
  /** How long the matching service took to index the loaded profiles from the vector topic. */
  loadSeconds: number;
  idle: IdleProbe;
  capacity: CapacityProbe;
  offeredRate: number;
  /** Where the offered rate came from. */
  rateSource: string;
  durationSeconds: number;
  jobs: number;
  matched: number;
  /** Publish (the event's due time) to the job's ranking seen on the matches topic, ms. */
  latencyMs: Summary | null;
  latencyCdfMs?: CdfPoint[];
  stages: StageBreakdown | null;
  /** Rankings per second while they came out: (matched - 1) / (last seen - first seen). */
  sustainedRate: number;
  /** Match events of any subject published per job event (its own ranking plus profiles'). */
  matchEventsPerJob: number;
  emit: EmitReport;
}

export interface EndToEndOptions {
  /** Job events per second; null: `rateFraction` of the measured capacity. */
  rate: number | null;
  rateFraction: number;
  seconds: number;
  idleJobs: number;
  burstJobs: number;
  drainTimeoutMs: number;
  log: Log;
}

/** Job index ranges of the phases, so no two phases publish the same job. */
const JOB_RANGES = { steady: 0, warmUp: 600000, burst: 700000, idle: 800000 } as const;

/**
 * Starts the matching service (the embedding service is already running) and waits until it has
 * indexed the profiles already on the vector topic. Then, with job events (each timed from its
 * publish to its own ranking: subject = the job, caused by that event):
 * 1. idle: a few events one at a time, the latency without any queueing;
 * 2. capacity: a backlog published at once, drained: the rate the whole pipeline sustains;
 * 3. steady: events at a fixed rate (by default a fraction of that capacity) for `seconds`.
 */
export async function measureEndToEnd(
  pipeline: ServicePipeline,
  loadedProfileIds: readonly string[],
  jobs: (i: number) => GeneratedEntity<JobPayloadInput>,
  options: EndToEndOptions,
): Promise<EndToEndResult> {
  const waitingProfiles = new Set(loadedProfileIds.map((id) => entityKey('profile', id)));
  /** Event id -> when it was due and when its ranking was seen (NaN until then). */
  const tracked = new Map<string, Tracked>();
  let rankingsSeen = 0;
  let matchEvents = 0;

  // Keys and headers are enough to recognise a job's own ranking: no JSON parsing on the thread
  // the services share.
  await pipeline.follow(TOPICS.matches, (record) => {
    matchEvents++;
    const key = record.key ?? '';
    if (key.startsWith('profile:')) {
      waitingProfiles.delete(key);
      return;
    }
    if (!key.startsWith('job:')) return;
    const entry = tracked.get(record.headers['x-causation-id'] ?? '');
    if (!entry || !Number.isNaN(entry.seen)) return;
    entry.seen = performance.now();
    entry.rankingSentAt = Number(record.timestamp);
    rankingsSeen++;
  });
  await pipeline.follow(TOPICS.entityVectors, (record) => {
    if (!record.key?.startsWith('job:')) return;
    const entry = tracked.get(record.headers['x-event-id'] ?? '');
    if (entry && Number.isNaN(entry.vectorSentAt)) entry.vectorSentAt = Number(record.timestamp);
  });
  const track = (eventId: string, due: number) => {
    tracked.set(eventId, {
      due,
      seen: Number.NaN,
      vectorSentAt: Number.NaN,
      rankingSentAt: Number.NaN,
    });
  };
  const seenOf = (ids: readonly string[]) => {
    const seen: Tracked[] = [];
    for (const id of ids) {
      const entry = tracked.get(id);
      if (entry && !Number.isNaN(entry.seen)) seen.push(entry);
    }
    return seen;
  };
  // Gives up once no ranking at all has arrived for a while: the pipeline has stopped.
  const drain = (what: string, ids: readonly string[]) =>
    waitUntil(
      what,
      () => seenOf(ids).length === ids.length,
      options.drainTimeoutMs,
      30000,
      () => rankingsSeen,
    );
  const jobEvent = (index: number, eventId: string) =>
    jobUpsertedEvent(jobs(index), { eventId, source: 'bench' });

  const loadStart = performance.now();
  await pipeline.startMatching();
  await waitUntil(
    'the matching service to index the loaded profiles',
    () => waitingProfiles.size === 0,
    600000,
    60000,
    () => waitingProfiles.size,
  );
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const profilesLoaded = loadedProfileIds.length - waitingProfiles.size;
  options.log(
    `  matching service indexed ${profilesLoaded} profiles in ${loadSeconds.toFixed(1)} s`,
  );

  const warmId = `${pipeline.run}-warmup-j`;
  track(warmId, performance.now());
  await pipeline.publish([jobEvent(JOB_RANGES.warmUp, warmId)]);
  await waitUntil('the warm-up ranking', () => seenOf([warmId]).length === 1, 120000);

  // 1. Idle: one at a time.
  const idleIds: string[] = [];
  for (let i = 0; i < options.idleJobs; i++) {
    const eventId = `${pipeline.run}-idle-${i}`;
    idleIds.push(eventId);
    track(eventId, performance.now());
    await pipeline.publish([jobEvent(JOB_RANGES.idle + i, eventId)]);
    await waitUntil('an idle ranking', () => seenOf([eventId]).length === 1, 60000);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const idleSeen = seenOf(idleIds);
  const idle: IdleProbe = {
    jobs: idleIds.length,
    matched: idleSeen.length,
    latencyMs: idleSeen.length ? summarize(idleSeen.map((e) => e.seen - e.due)) : null,
    latencyCdfMs: cdfPoints(idleSeen.map((e) => e.seen - e.due)),
    stages: stagesOf(idleSeen),
  };
  options.log(
    `  idle: p50 ${idle.latencyMs?.p50.toFixed(0) ?? '-'} ms over ${idle.matched} jobs` +
      (idle.stages ? ` (${describeStages(idle.stages)})` : ''),
  );

  // 2. Capacity: a backlog, drained.
  const burstIds = Array.from(
    { length: options.burstJobs },
    (_, i) => `${pipeline.run}-burst-${i}`,
  );
  const burstStart = performance.now();
  burstIds.forEach((id) => track(id, burstStart));
  await pipeline.publish(burstIds.map((id, i) => jobEvent(JOB_RANGES.burst + i, id)));
  await drain('the backlog of job rankings', burstIds);
  const burstSeen = seenOf(burstIds);
  const burstSeconds = (Math.max(burstStart, ...burstSeen.map((e) => e.seen)) - burstStart) / 1000;
  const capacity: CapacityProbe = {
    jobs: burstIds.length,
    matched: burstSeen.length,
    seconds: burstSeconds,
    rate: burstSeconds > 0 ? burstSeen.length / burstSeconds : 0,
  };
  options.log(`  capacity: ${capacity.rate.toFixed(1)} jobs/s (backlog of ${capacity.jobs})`);

  // 3. Steady rate.
  const rate =
    options.rate ?? Math.max(0.5, Math.round(capacity.rate * options.rateFraction * 10) / 10);
  const rateSource =
    options.rate === null
      ? `${Math.round(options.rateFraction * 100)}% of the measured end-to-end capacity`
      : '--rate';
  const count = Math.max(1, Math.round(rate * options.seconds));
  const steadyIds = Array.from({ length: count }, (_, i) => `${pipeline.run}-j-${i}`);
  options.log(`  publishing ${count} job events at ${rate.toFixed(1)}/s (${rateSource})`);
  matchEvents = 0;
  const emit = await emitAtRate({
    ratePerSecond: rate,
    count,
    item: (i) => i,
    send: async (items, scheduledAt) => {
      items.forEach((i, n) => track(steadyIds[i], scheduledAt[n]));
      await pipeline.publish(items.map((i) => jobEvent(JOB_RANGES.steady + i, steadyIds[i])));
    },
  });
  const drainStart = performance.now();
  await drain('job rankings', steadyIds);
  const steadyMatchEvents = matchEvents;
  const steadySeen = seenOf(steadyIds);
  options.log(
    `  ${steadySeen.length}/${count} rankings (drained ${((performance.now() - drainStart) / 1000).toFixed(1)} s after the last publish)`,
  );
  const steadyStages = stagesOf(steadySeen);
  if (steadyStages) options.log(`  steady: ${describeStages(steadyStages)}`);
  const seenTimes = steadySeen.map((e) => e.seen);
  const outputSpan = seenTimes.length > 1 ? Math.max(...seenTimes) - Math.min(...seenTimes) : 0;
  return {
    profilesLoaded,
    loadSeconds,
    idle,
    capacity,
    offeredRate: rate,
    rateSource,
    durationSeconds: options.seconds,
    jobs: count,
    matched: steadySeen.length,
    latencyMs: steadySeen.length ? summarize(steadySeen.map((e) => e.seen - e.due)) : null,
    latencyCdfMs: cdfPoints(steadySeen.map((e) => e.seen - e.due)),
    stages: steadyStages,
    sustainedRate: outputSpan > 0 ? throughput(steadySeen.length - 1, outputSpan) : 0,
    matchEventsPerJob: steadyMatchEvents / count,
    emit,
  };
}

interface Tracked {
  /** performance.now() readings. */
  due: number;
  seen: number;
  /** Kafka record timestamps (epoch ms) of the job's vector and of its ranking. */
  vectorSentAt: number;
  rankingSentAt: number;
}

function stagesOf(entries: readonly Tracked[]): StageBreakdown | null {
  const complete = entries.filter(
    (e) => !Number.isNaN(e.seen) && !Number.isNaN(e.vectorSentAt) && !Number.isNaN(e.rankingSentAt),
  );
  if (complete.length === 0) return null;
  const wall = (t: number) => performance.timeOrigin + t;
  return {
    embeddingMs: summarize(complete.map((e) => e.vectorSentAt - wall(e.due))),
    matchingMs: summarize(complete.map((e) => e.rankingSentAt - e.vectorSentAt)),
    deliveryMs: summarize(complete.map((e) => wall(e.seen) - e.rankingSentAt)),
  };
}

/** The stages' medians, for progress lines and the report. */
export function describeStages(stages: StageBreakdown): string {
  return (
    `p50 by stage: embedding ${stages.embeddingMs.p50.toFixed(0)} ms, ` +
    `matching ${stages.matchingMs.p50.toFixed(0)} ms, ` +
    `delivery ${stages.deliveryMs.p50.toFixed(0)} ms`
  );
}

function elapsed(start: number): string {
  return ((performance.now() - start) / 1000).toFixed(0);
}
