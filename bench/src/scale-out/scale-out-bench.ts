/**
 * Scale-out: the matching tier with 1, 2, 3… instances on this machine, side by side on the same
 * broker and population. For each N, N matching instances run as processes of their own (from the
 * build, as `MATCHING_INSTANCES=N scripts/services.sh start` runs them: ids, ports and snapshot
 * folders of their own; a consumer group and Redis prefix fresh for that N). They divide the
 * subjects through the group; each reads every partition through its own replica group.
 *
 * The matching tier alone is measured: entity-vector events are published straight to the vector
 * topic (the embedding service would be the bottleneck otherwise; it is not started). Their
 * vectors are the model's own (EMBEDDING_MODEL_ID, the id the instances accept), grown into a
 * population as the search section does (load/synthetic-vectors.ts, local noise), each with the
 * document of the real base it was grown from. Every measured event is an update of a population
 * entity (about half profiles, half jobs) with its vector moved a little: the population size
 * stays the same through all runs, and each N replays the same topic.
 *
 * - capacity: a backlog of updates published at once, timed until every one's own ranking
 *   (`subject-changed`, key `type:id`, header `x-causation-id` = the event) is on the matches topic;
 * - steady: updates at a fixed rate (by default a fraction of the first run's capacity, the same
 *   rate for every N), latency from each event's due time to its own ranking;
 * - CPU: utime + stime of every matching process, the broker and this process over each window,
 *   and the machine's busy time (everything, other work included).
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TOPICS,
  TOPIC_SPECS,
  encodeVector,
  entityKey,
  entityVectorEvent,
  jobPayload,
  profilePayload,
} from '@matchstream/contracts';
import type {
  EntityType,
  JobEmbeddedEvent,
  JobPayloadInput,
  ProfileEmbeddedEvent,
  ProfilePayloadInput,
} from '@matchstream/contracts';
import { TEXT_BUILDER_VERSION } from '@matchstream/embedding';
import { EventPublisher, TopicTail, createKafkaClient, ensureTopics } from '@matchstream/kafka';
import type { OutgoingMessage } from '@matchstream/kafka';
import { poll } from '@matchstream/testing';
import type { Kafka } from 'kafkajs';
import { Rng } from '../harness/rng';
import { emitAtRate } from '../load/emit-at-rate';
import type { EmitReport } from '../load/emit-at-rate';
import { MatchingInstance, groupSettled } from './matching-instance';
import type { Ownership } from './matching-instance';
import type { Log } from '../harness/cli';
import { freePort, purgeRedis } from '../harness/services';
import { CpuSampler } from '../harness/proc-cpu';
import type { CpuWindow } from '../harness/proc-cpu';
import { summarize } from '../harness/stats';
import { waitUntil } from '../harness/wait';
import type { Summary } from '../harness/stats';
import type { EmbeddedBase } from '../load/embedded-bases';
import { normaliseInPlace, perturbedSet, row } from '../load/synthetic-vectors';
import type { ScaleOutSettings } from './scale-out-options';

export interface ScaleOutOptions extends ScaleOutSettings {
  brokers: string;
  /** Run id: prefixes entity ids, consumer groups, Redis keys and snapshot folders. */
  run: string;
  rateFraction: number;
  seed: number;
  /** The model id the instances expect (EMBEDDING_MODEL_ID); the vectors must be its own. */
  modelId: string;
  profiles: readonly EmbeddedBase<ProfilePayloadInput>[];
  jobs: readonly EmbeddedBase<JobPayloadInput>[];
  /** The broker's pid, when known, to sample its CPU too. */
  brokerPid: number | null;
  log: Log;
}

export interface ScaleOutPhase {
  events: number;
  /** Events whose own ranking was seen. */
  answered: number;
  seconds: number;
  /** Match events of any subject per event (its own ranking and the counterparts' it moved). */
  matchEventsPerEvent: number;
  cpu: CpuWindow;
}

export interface ScaleOutRun {
  instances: number;
  /** From spawning the instances to all of them ready with the partitions divided. */
  startSeconds: number;
  /** Partitions per instance once settled. */
  partitions: number[][];
  /** The division changed during the measurement (a rebalance: the figures are suspect). */
  rebalanced: boolean;
  capacity: (ScaleOutPhase & { rate: number }) | null;
  steady: (ScaleOutPhase & { rate: number; latencyMs: Summary | null; emit: EmitReport }) | null;
  error?: string;
}

export interface ScaleOutSection {
  cores: number;
  modelId: string;
  population: { profiles: number; jobs: number };
  /** Real embedded documents the population was grown from. */
  bases: { profiles: number; jobs: number };
  /** Records already on the vector topic before this section (earlier sections' entities). */
  otherRecords: number;
  backlog: number;
  seconds: number;
  offeredRate: number | null;
  rateSource: string;
  /** Settings the instances run with beyond the defaults. */
  instanceSettings: Record<string, string>;
  /** Topic settings the section changed on the bench's broker (none since publishing splits large sends). */
  topicSettings: Record<string, string>;
  runs: ScaleOutRun[];
}

/** What every instance runs with beyond its defaults: no background work in the windows. */
const INSTANCE_SETTINGS = {
  // The consistency audit re-ranks subjects from scratch in the background: off, so it does not
  // land in one N's window and not another's.
  MATCHING_AUDIT_SAMPLE: '0',
  // Snapshots only at shutdown, for the same reason.
  MATCHING_SNAPSHOT_INTERVAL_MS: '0',
};

const WARM_UP_EVENTS = 20;
/** Norm of the isotropic step an update moves an entity's vector by (then renormalised). */
const UPDATE_NOISE = 0.1;

interface Subject {
  type: EntityType;
  index: number;
  id: string;
  key: string;
  version: number;
}

interface Tracked {
  key: string;
  phase: string;
  due: number;
  seen: number;
}

export async function runScaleOut(options: ScaleOutOptions): Promise<ScaleOutSection> {
  const bench = new ScaleOutBench(options);
  try {
    return await bench.run();
  } finally {
    await bench.close();
  }
}

class ScaleOutBench {
  private readonly kafka: Kafka;
  private readonly publisher: EventPublisher;
  private readonly tail: TopicTail;
  private readonly tracked = new Map<string, Tracked>();
  private readonly answeredByPhase = new Map<string, number>();
  private matchEvents = 0;
  private readonly subjects: Subject[] = [];
  private cursor = 0;
  private eventCounter = 0;
  private readonly profileDocs: ProfileEmbeddedEvent['document'][];
  private readonly jobDocs: JobEmbeddedEvent['document'][];
  private readonly vectors: Record<EntityType, (i: number) => Float32Array>;
  private readonly echo = process.env.BENCH_LOG_LEVEL !== undefined;
  private validated = false;

  constructor(private readonly o: ScaleOutOptions) {
    if (!o.profiles.length || !o.jobs.length) throw new Error('scale-out needs embedded bases');
    this.kafka = createKafkaClient({
      brokers: o.brokers.split(','),
      clientId: `bench-${o.run}-scale-out`,
    });
    this.publisher = new EventPublisher(this.kafka);
    this.tail = new TopicTail(
      this.kafka,
      TOPICS.matches,
      (record) => {
        this.matchEvents++;
        const entry = this.tracked.get(record.headers['x-causation-id'] ?? '');
        if (!entry || entry.key !== record.key || !Number.isNaN(entry.seen)) return;
        entry.seen = performance.now();
        this.answeredByPhase.set(entry.phase, (this.answeredByPhase.get(entry.phase) ?? 0) + 1);
      },
      'matchstream-bench',
    );
    this.profileDocs = o.profiles.map((b) => profilePayload.parse(b.payload));
    this.jobDocs = o.jobs.map((b) => jobPayload.parse(b.payload));
    const grow = (bases: readonly EmbeddedBase<unknown>[]) => {
      const set = perturbedSet(
        bases.map((b) => b.vector),
        { count: Math.max(o.population, bases.length), seed: o.seed, sigma: 1.0 },
      );
      return (i: number) => row(set, i);
    };
    this.vectors = { profile: grow(o.profiles), job: grow(o.jobs) };
    const order = Rng.seeded(o.seed, 'scale-out-order').sample(
      Array.from({ length: 2 * o.population }, (_, i) => i),
      2 * o.population,
    );
    const all: Subject[] = [];
    for (let i = 0; i < o.population; i++) {
      for (const type of ['profile', 'job'] as const) {
        const id = `${o.run}-so-${type}-${String(i).padStart(6, '0')}`;
        all.push({ type, index: i, id, key: entityKey(type, id), version: 1 });
      }
    }
    this.subjects = order.map((i) => all[i]);
  }

  async run(): Promise<ScaleOutSection> {
    const o = this.o;
    await ensureTopics(this.kafka, TOPIC_SPECS);
    const topicSettings: Record<string, string> = {};
    await this.publisher.connect();
    const otherRecords = await this.recordsOnVectorTopic();
    await this.tail.start();

    o.log(`  publishing the population: ${o.population} profiles and ${o.population} jobs`);
    const population = this.subjects.map((s) => this.message(s, `${o.run}-so-pop-${s.key}`));
    for (let i = 0; i < population.length; i += 250) {
      await this.publisher.publish(TOPICS.entityVectors, population.slice(i, i + 250));
    }

    const runs: ScaleOutRun[] = [];
    let offeredRate = o.rate;
    for (const [position, n] of o.instances.entries()) {
      const result = await this.runInstances(n, offeredRate, position + 1);
      runs.push(result);
      if (offeredRate === null && result.capacity && result.capacity.rate > 0) {
        offeredRate = Math.max(0.5, Math.round(result.capacity.rate * o.rateFraction * 10) / 10);
      }
    }
    return {
      cores: cpus().length,
      modelId: o.modelId,
      population: { profiles: o.population, jobs: o.population },
      bases: { profiles: o.profiles.length, jobs: o.jobs.length },
      otherRecords,
      backlog: o.backlog,
      seconds: o.seconds,
      offeredRate,
      rateSource:
        o.rate === null
          ? `${Math.round(o.rateFraction * 100)}% of the ${o.instances[0]}-instance capacity`
          : '--scale-out-rate',
      instanceSettings: { ...INSTANCE_SETTINGS },
      topicSettings,
      runs,
    };
  }

  async close(): Promise<void> {
    await this.tail.stop().catch(() => undefined);
    await this.publisher.disconnect().catch(() => undefined);
  }

  /**
   * One N: start, settle, warm up, capacity, steady, stop and clean up. `position` in the list
   * keeps a repeated N (1,2,3,1,2,3 interleaves them against drifting load) apart: its own
   * groups, Redis prefix, snapshots and phase names.
   */
  private async runInstances(
    n: number,
    steadyRate: number | null,
    position: number,
  ): Promise<ScaleOutRun> {
    const o = this.o;
    const scope = `${o.run}-scale-${position}-n${n}`;
    const prefix = `bench:${scope}:`;
    const snapshots = join(tmpdir(), 'matchstream-bench', scope);
    const instances: MatchingInstance[] = [];
    for (let i = 1; i <= n; i++) {
      const id = `bench-${n}-${i}`;
      const port = await freePort();
      instances.push(
        new MatchingInstance(
          id,
          port,
          {
            ...INSTANCE_SETTINGS,
            KAFKA_BROKERS: o.brokers,
            KAFKA_CLIENT_ID: `bench-${scope}-${id}`,
            REDIS_KEY_PREFIX: prefix,
            MATCHING_CONSUMER_GROUP: `${scope}-matching`,
            MATCHING_INSTANCE_ID: id,
            MATCHING_HTTP_PORT: String(port),
            MATCHING_SNAPSHOT_DIR: join(snapshots, id),
            EMBEDDING_MODEL_ID: o.modelId,
            HTTP_HOST: '127.0.0.1',
            LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
          },
          this.echo,
        ),
      );
    }
    const result: ScaleOutRun = {
      instances: n,
      startSeconds: Number.NaN,
      partitions: [],
      rebalanced: false,
      capacity: null,
      steady: null,
    };
    o.log(`${n} matching instance${n > 1 ? 's' : ''}…`);
    try {
      const started = performance.now();
      instances.forEach((i) => i.start());
      const settled = await this.settle(instances, 300000);
      result.startSeconds = (performance.now() - started) / 1000;
      result.partitions = settled.map((s) => s.partitions);
      o.log(
        `  ready in ${result.startSeconds.toFixed(1)} s: ` +
          settled.map((s) => `${s.instance} [${s.partitions.join(', ')}]`).join(', '),
      );

      const pids = new Map<string, number>();
      instances.forEach((i, k) => pids.set(`matching-${k + 1}`, i.pid!));
      if (o.brokerPid) pids.set('broker', o.brokerPid);
      pids.set('bench', process.pid);
      const sampler = new CpuSampler(pids);

      await this.burst(`${scope}-warm-up`, WARM_UP_EVENTS, null);
      const capacity = await this.burst(`${scope}-backlog`, o.backlog, sampler);
      result.capacity = capacity;
      o.log(
        `  capacity: ${capacity.rate.toFixed(1)} events/s (${capacity.answered}/${capacity.events} ` +
          `in ${capacity.seconds.toFixed(1)} s); ${describeCpu(capacity.cpu)}`,
      );

      const rate =
        steadyRate ?? Math.max(0.5, Math.round(capacity.rate * o.rateFraction * 10) / 10);
      result.steady = await this.steady(`${scope}-steady`, rate, o.seconds, sampler);
      const s = result.steady;
      o.log(
        `  steady at ${rate}/s: ${s.answered}/${s.events}, p50 ${s.latencyMs?.p50.toFixed(0) ?? '-'} ms, ` +
          `p99 ${s.latencyMs?.p99.toFixed(0) ?? '-'} ms; ${describeCpu(s.cpu)}`,
      );
      const after = await Promise.all(instances.map((i) => i.ownership()));
      result.rebalanced = !groupSettled(after) || after.some((a, k) => !sameList(a, settled[k]));
      if (result.rebalanced) o.log('  the group rebalanced during the measurement');
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
      o.log(`  FAILED: ${result.error}`);
      for (const i of instances) {
        const output = i.tail(1500).trim();
        if (i.exited || output) o.log(`  ${i.id}${i.exited ? ' exited' : ''}: ${output}`);
      }
    } finally {
      await Promise.all(instances.map((i) => i.stop()));
      await rm(snapshots, { recursive: true, force: true }).catch(() => undefined);
      const purged = await purgeRedis(prefix).catch(() => -1);
      o.log(`  stopped; removed ${purged} Redis keys`);
    }
    return result;
  }

  /** Waits until every instance is ready and the partitions are divided between them. */
  private async settle(instances: MatchingInstance[], timeoutMs: number): Promise<Ownership[]> {
    let owners: (Ownership | null)[] = [];
    let stableSince = 0;
    const settled = await poll(
      async () => {
        const gone = instances.find((i) => i.exited);
        if (gone) throw new Error(`${gone.id} exited: ${gone.tail(1500)}`);
        owners = await Promise.all(instances.map((i) => i.ownership()));
        if (!groupSettled(owners)) stableSince = 0;
        // Two readings a second apart agree: no rebalance was about to begin.
        else if (stableSince && Date.now() - stableSince >= 1000) return owners as Ownership[];
        else stableSince ||= Date.now();
        return null;
      },
      { timeoutMs, intervalMs: 250 },
    );
    if (settled) return settled;
    throw new Error(
      `instances not settled after ${timeoutMs / 1000} s: ` +
        owners
          .map((w, k) => `${instances[k].id}: ${w ? JSON.stringify(w) : 'no answer'}`)
          .join('; '),
    );
  }

  /** Publishes `count` updates at once and waits for every one's own ranking. */
  private async burst(
    phase: string,
    count: number,
    sampler: CpuSampler | null,
  ): Promise<ScaleOutPhase & { rate: number }> {
    const picks = Array.from({ length: count }, () => this.nextSubject());
    const ids = picks.map(() => this.nextEventId(phase));
    const messages = picks.map((s, k) => this.message(s, ids[k]));
    const matchEventsBefore = this.matchEvents;
    sampler?.start();
    const start = performance.now();
    picks.forEach((s, k) => this.track(ids[k], s.key, phase, start));
    for (let i = 0; i < messages.length; i += 250) {
      await this.publisher.publish(TOPICS.entityVectors, messages.slice(i, i + 250));
    }
    await this.awaitAnswers(phase, count);
    const cpu = sampler?.stop() ?? { wallSeconds: 0, processes: {}, machine: null };
    const seen = ids.map((id) => this.tracked.get(id)!.seen).filter((t) => !Number.isNaN(t));
    const seconds = ((seen.length ? Math.max(...seen) : performance.now()) - start) / 1000;
    const answered = seen.length;
    this.forget(ids);
    return {
      events: count,
      answered,
      seconds,
      rate: seconds > 0 ? answered / seconds : 0,
      matchEventsPerEvent: (this.matchEvents - matchEventsBefore) / count,
      cpu,
    };
  }

  /** Updates at `rate` for `seconds` (open loop), then drained. */
  private async steady(phase: string, rate: number, seconds: number, sampler: CpuSampler) {
    const count = Math.max(1, Math.round(rate * seconds));
    const ids: string[] = [];
    const matchEventsBefore = this.matchEvents;
    sampler.start();
    const emit = await emitAtRate({
      ratePerSecond: rate,
      count,
      item: () => this.nextSubject(),
      send: async (subjects, scheduledAt) => {
        const messages = subjects.map((s, k) => {
          const id = this.nextEventId(phase);
          ids.push(id);
          this.track(id, s.key, phase, scheduledAt[k]);
          return this.message(s, id);
        });
        await this.publisher.publish(TOPICS.entityVectors, messages);
      },
    });
    await this.awaitAnswers(phase, count);
    const cpu = sampler.stop();
    const entries = ids.map((id) => this.tracked.get(id)!).filter((e) => !Number.isNaN(e.seen));
    this.forget(ids);
    return {
      events: count,
      answered: entries.length,
      seconds,
      rate,
      latencyMs: entries.length ? summarize(entries.map((e) => e.seen - e.due)) : null,
      emit,
      matchEventsPerEvent: (this.matchEvents - matchEventsBefore) / count,
      cpu,
    };
  }

  /** The next entity to update (a fixed shuffled order of the population), its version raised. */
  private nextSubject(): Subject {
    const subject = this.subjects[this.cursor++ % this.subjects.length];
    subject.version++;
    return subject;
  }

  private nextEventId(phase: string): string {
    return `${phase}-${this.eventCounter++}`;
  }

  private track(eventId: string, key: string, phase: string, due: number): void {
    this.tracked.set(eventId, { key, phase, due, seen: Number.NaN });
  }

  private forget(ids: readonly string[]): void {
    for (const id of ids) this.tracked.delete(id);
  }

  /** Waits for the own rankings of a phase's `count` events; a stalled drain gives up. */
  private awaitAnswers(phase: string, count: number): Promise<boolean> {
    const answered = () => this.answered(phase);
    return waitUntil(
      `the rankings of ${phase}`,
      () => answered() === count,
      Math.max(120000, count * 1000),
      30000,
      answered,
    );
  }

  private answered(phase: string): number {
    return this.answeredByPhase.get(phase) ?? 0;
  }

  /**
   * An entity-vector event as the embedding service would publish it: the base's document, the
   * entity's grown vector (moved a little on each update: a changed profile or posting).
   */
  private message(subject: Subject, eventId: string): OutgoingMessage {
    const o = this.o;
    const bases = subject.type === 'profile' ? o.profiles.length : o.jobs.length;
    let vector = this.vectors[subject.type](subject.index);
    if (subject.version > 1) {
      const rng = Rng.seeded(o.seed, 'scale-out-update', subject.key, subject.version);
      const scale = UPDATE_NOISE / Math.sqrt(vector.length);
      vector = Float32Array.from(vector, (x) => x + rng.gaussian() * scale);
      normaliseInPlace(vector);
    }
    const now = new Date().toISOString();
    const common = {
      schemaVersion: 1 as const,
      type: 'entity.embedded' as const,
      sourceEventId: eventId,
      entityId: subject.id,
      entityVersion: subject.version,
      occurredAt: now,
      producedAt: now,
      modelId: o.modelId,
      textBuilderVersion: TEXT_BUILDER_VERSION,
      contentHash: createHash('sha256').update(`${subject.key}:${subject.version}`).digest('hex'),
      vector: encodeVector(vector),
      dimension: vector.length,
    };
    const event: ProfileEmbeddedEvent | JobEmbeddedEvent =
      subject.type === 'profile'
        ? {
            ...common,
            entityType: 'profile',
            document: this.profileDocs[subject.index % bases],
          }
        : { ...common, entityType: 'job', document: this.jobDocs[subject.index % bases] };
    if (!this.validated) {
      entityVectorEvent.parse(event); // the contract, once: a mistake here fails fast
      this.validated = true;
    }
    return {
      key: subject.key,
      value: JSON.stringify(event),
      headers: { 'x-event-id': eventId },
    };
  }

  private async recordsOnVectorTopic(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(TOPICS.entityVectors);
      return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    } finally {
      await admin.disconnect();
    }
  }
}

function sameList(a: Ownership | null, b: Ownership): boolean {
  return !!a && a.partitions.join(',') === b.partitions.join(',');
}

/** One line of CPU: each matching process, the broker, this process, the machine. */
export function describeCpu(cpu: CpuWindow): string {
  const parts = Object.entries(cpu.processes).map(
    ([name, use]) => `${name} ${use ? `${Math.round(use.cores * 100)}%` : '-'}`,
  );
  if (cpu.machine) parts.push(`machine ${Math.round(cpu.machine.cores * 100)}%`);
  return `CPU (of one core): ${parts.join(', ')}`;
}
