/**
 * Scale-out: the matching tier with 1, 2, 3… instances on this machine, side by side on the same
 * broker and population, then one instance loading a larger population. For each run, N matching
 * instances run as processes of their own (from the build, as `MATCHING_INSTANCES=N
 * scripts/services.sh start` runs them: ids, ports and snapshot folders of their own; a consumer
 * group and Redis prefix fresh for that run). They divide the subjects through the group; each
 * reads every partition through its own replica group.
 *
 * The matching tier alone is measured: entity-vector events are published straight to the vector
 * topic (the embedding service would be the bottleneck otherwise; it is not started). Their
 * vectors are the model's own (EMBEDDING_MODEL_ID, the id the instances accept), grown into a
 * population as the search section does (load/synthetic-vectors.ts, local noise), each with the
 * document of the real base it was grown from. The population is on the topic before a run's
 * instances start, so every start is a load of the whole topic into empty instances (a bulk load
 * from MATCHING_BULK_LOAD_MIN_RECORDS records on).
 *
 * - load: from launching the instances to their state loaded, to `/health/ready`, and to every
 *   subject's ranking on the matches topic (the run's handovers' rankings, counted per subject
 *   against the rankings Redis holds under the run's prefix);
 * - capacity: a backlog of churn (updates, new entities, removals; churn.ts) published at once,
 *   timed until every event's own answer is on the matches topic: the ranking of the entity it
 *   changed or created (key `type:id`, header `x-causation-id` = the event), or the retraction of
 *   the one it removed;
 * - consistency: then every instance re-ranks the subjects it owns from scratch and compares the
 *   maintained, remembered and stored copies (`GET /v1/admin/consistency`);
 * - steady: updates at a fixed rate (by default a fraction of the first run's capacity, the same
 *   rate for every N), latency from each event's due time to its own ranking (not in the load
 *   run, whose larger population has a capacity of its own);
 * - CPU: utime + stime of every matching process, the broker and this process over each window,
 *   and the machine's busy time (everything, other work included).
 */
import { createHash, randomUUID } from 'node:crypto';
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
  EntityRemovedEvent,
  EntityType,
  JobEmbeddedEvent,
  JobPayloadInput,
  ProfileEmbeddedEvent,
  ProfilePayloadInput,
} from '@matchstream/contracts';
import { TEXT_BUILDER_VERSION } from '@matchstream/embedding';
import { retryRetriable } from '@matchstream/errors';
import { EventPublisher, TopicTail, createKafkaClient, ensureTopics } from '@matchstream/kafka';
import type { OutgoingMessage } from '@matchstream/kafka';
import { poll } from '@matchstream/testing';
import type { Kafka } from 'kafkajs';
import { Rng } from '../harness/rng';
import { emitAtRate } from '../load/emit-at-rate';
import type { EmitReport } from '../load/emit-at-rate';
import { MatchingInstance, groupSettled } from './matching-instance';
import type { ConsistencyAnswer, Ownership } from './matching-instance';
import type { Log } from '../harness/cli';
import { countRedisKeys, freePort, purgeRedis } from '../harness/services';
import { CpuSampler } from '../harness/proc-cpu';
import type { CpuWindow } from '../harness/proc-cpu';
import { summarize } from '../harness/stats';
import { waitUntil } from '../harness/wait';
import type { Summary } from '../harness/stats';
import type { EmbeddedBase } from '../load/embedded-bases';
import { normaliseInPlace, perturbedSet, row } from '../load/synthetic-vectors';
import type { ScaleOutSettings } from './scale-out-options';
import { ChurnCycle, churnCounts, churnKinds, describeKinds, kindCounts, planBurst } from './churn';
import type { ChurnKind, ChurnMix, KindCounts } from './churn';
import { HANDOVER_CAUSATION, HandoverRankings, StartWatch, matchSchemaOf } from './load-watch';
import type { StartTimeline } from './load-watch';

export interface ScaleOutOptions extends ScaleOutSettings {
  brokers: string;
  /** Run id: prefixes entity ids, consumer groups, Redis keys and snapshot folders. */
  run: string;
  rateFraction: number;
  seed: number;
  /** The model id the instances expect (EMBEDDING_MODEL_ID); the vectors must be its own. */
  modelId: string;
  /** MATCHING_BULK_LOAD_MIN_RECORDS as the instances run with it (reported; not changed). */
  bulkLoadMinRecords: number;
  profiles: readonly EmbeddedBase<ProfilePayloadInput>[];
  jobs: readonly EmbeddedBase<JobPayloadInput>[];
  /** The broker's pid, when known, to sample its CPU too. */
  brokerPid: number | null;
  log: Log;
}

export interface ScaleOutPhase {
  events: number;
  /** Events whose own answer (ranking, or retraction of a removal) was seen. */
  answered: number;
  seconds: number;
  /** Match events of any subject per event (its own ranking and the counterparts' it moved). */
  matchEventsPerEvent: number;
  cpu: CpuWindow;
  kinds?: KindCounts;
}

/** A run's start as a load of the whole vector topic into empty instances. */
export interface LoadResult {
  /** Records on the vector topic when the instances started: what each of them reads. */
  recordsOnTopic: number;
  /** `bulk` when any instance bulk-loaded (from its load gauge), else `replay`. */
  mode: string | null;
  /** Records the load read (the largest count among the instances). */
  records: number | null;
  instances: (StartTimeline & { id: string })[];
  /** From the launch to the state loaded in every instance. */
  loadedSeconds: number | null;
  /** … to every ranking computed (bulk load). */
  rankedSeconds: number | null;
  /** … to every instance's `/health/ready` 200. */
  readySeconds: number | null;
  /** Subjects whose ranking this run's handovers published (each counted once). */
  rankings: number;
  /** Rankings Redis held under the run's prefix once every instance was ready. */
  stored: number;
  /** … to the last of those rankings on the matches topic (its record's timestamp). */
  publishedSeconds: number | null;
  recordsPerSecond: number | null;
  /** Rankings over the ranking phase: from the state loaded to the last one published. */
  rankingsPerSecond: number | null;
  /** From the launch to every ranking published. */
  cpu?: CpuWindow;
}

/** Every instance's audit after the drain, summed. */
export interface ConsistencyResult {
  sampled: number;
  agreeing: number;
  /** agreeing / sampled (below 1 with any orphan, as the service reports it). */
  ratio: number;
  orphans: number;
  repaired: number;
  /** An instance had rankings awaiting publication after a failure. */
  unsettled: boolean;
  /** Every copy of every sampled ranking equals a fresh ranking, and no orphan. */
  consistent: boolean;
  seconds: number;
  /** The first differences the instances listed. */
  differences: { instance: string; subject: string; where: string }[];
  perInstance: {
    id: string;
    sampled: number;
    agreeing: number;
    orphans: number;
    seconds: number;
  }[];
}

export interface ScaleOutRun {
  /** `scale-out`: one of the instance counts; `load`: the larger population's load. */
  kind?: 'scale-out' | 'load';
  instances: number;
  /** Entities per side published before the run (the churn then adds and removes some). */
  population?: number;
  /** From spawning the instances to all of them ready with the partitions divided. */
  startSeconds: number;
  /** Partitions per instance once settled. */
  partitions: number[][];
  /** The division changed during the measurement (a rebalance: the figures are suspect). */
  rebalanced: boolean;
  load?: LoadResult | null;
  capacity: (ScaleOutPhase & { rate: number }) | null;
  consistency?: ConsistencyResult | null;
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
  /** The backlog's shares of updates, new entities and removals (updates only before it existed). */
  churn?: ChurnMix;
  /** Entities per side of the load run (null: none). */
  loadPopulation?: number | null;
  bulkLoadMinRecords?: number;
  auditSample?: number;
  loadAuditSample?: number;
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
  // land in one N's window and not another's (the section calls it once, after the drain).
  MATCHING_AUDIT_SAMPLE: '0',
  // Snapshots only at shutdown, for the same reason.
  MATCHING_SNAPSHOT_INTERVAL_MS: '0',
};

const WARM_UP_EVENTS = 20;
/** Norm of the isotropic step an update moves an entity's vector by (then renormalised). */
const UPDATE_NOISE = 0.1;
/** Records per produce request when publishing the population. */
const PUBLISH_SLICE = 250;
/**
 * A start whose load gauges, readiness and rankings all stand still this long has stalled. Long:
 * an instance computing rankings answers only between slices of them, each many seconds at large
 * populations, and a reading needs several such turns.
 */
const LOAD_STALLED_MS = 900000;
/** How long one reading of an instance may take while it starts (see LOAD_STALLED_MS). */
const READING_TIMEOUT_MS = 600000;

interface Subject {
  type: EntityType;
  /** Its row in the grown vectors (and, modulo the bases, its document). */
  index: number;
  id: string;
  key: string;
  version: number;
}

interface Tracked {
  key: string;
  phase: string;
  kind: ChurnKind;
  due: number;
  seen: number;
}

interface RunPlan {
  kind: 'scale-out' | 'load';
  instances: number;
  population: number;
  steady: boolean;
  auditSample: number;
}

export async function runScaleOut(options: ScaleOutOptions): Promise<ScaleOutSection> {
  const bench = new ScaleOutBench(options);
  try {
    return await bench.run();
  } finally {
    await bench.close();
  }
}

/** The instance counts at the section's population, then the load run at its own. */
function runPlans(o: ScaleOutSettings): RunPlan[] {
  const plans: RunPlan[] = o.instances.map((instances) => ({
    kind: 'scale-out',
    instances,
    population: o.population,
    steady: true,
    auditSample: o.auditSample,
  }));
  if (o.loadPopulation !== null && o.instances.length) {
    plans.push({
      kind: 'load',
      instances: 1,
      population: o.loadPopulation,
      steady: false,
      auditSample: o.loadAuditSample,
    });
  }
  return plans;
}

/** A removal's answer is its retraction; any other change's, the entity's new ranking. */
function answerSchema(kind: ChurnKind): string {
  return kind === 'remove' ? 'match.retracted' : 'match.ranking';
}

class ScaleOutBench {
  private readonly kafka: Kafka;
  private readonly publisher: EventPublisher;
  private readonly tail: TopicTail;
  private readonly tracked = new Map<string, Tracked>();
  private readonly answeredByPhase = new Map<string, number>();
  private matchEvents = 0;
  private readonly plans: RunPlan[];
  /** Rows of the grown vectors before the new entities' (the largest population of any run). */
  private readonly rows: number;
  private readonly cycle = new ChurnCycle<Subject>();
  /** Entities per side published so far. */
  private grown = 0;
  private created = 0;
  private eventCounter = 0;
  private readonly profileDocs: ProfileEmbeddedEvent['document'][];
  private readonly jobDocs: JobEmbeddedEvent['document'][];
  private readonly vectors: Record<EntityType, (i: number) => Float32Array>;
  private readonly echo = process.env.BENCH_LOG_LEVEL !== undefined;
  private readonly validated = new Set<string>();
  /** The current run's start, while its rankings are being counted. */
  private handoverRankings: HandoverRankings | null = null;

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
        const causation = record.headers['x-causation-id'];
        if (causation?.startsWith(HANDOVER_CAUSATION)) {
          this.handoverRankings?.observe({
            key: record.key,
            causation,
            schema: matchSchemaOf(record.value),
            timestamp: Number(record.timestamp),
          });
          return;
        }
        const entry = this.tracked.get(causation ?? '');
        if (!entry || entry.key !== record.key || !Number.isNaN(entry.seen)) return;
        if (matchSchemaOf(record.value) !== answerSchema(entry.kind)) return;
        entry.seen = performance.now();
        this.answeredByPhase.set(entry.phase, (this.answeredByPhase.get(entry.phase) ?? 0) + 1);
      },
      'matchstream-bench',
    );
    this.profileDocs = o.profiles.map((b) => profilePayload.parse(b.payload));
    this.jobDocs = o.jobs.map((b) => jobPayload.parse(b.payload));
    this.plans = runPlans(o);
    this.rows = Math.max(o.population, ...this.plans.map((p) => p.population));
    // Room for every new entity any run's warm-up and backlog can create, on either side.
    const adds = churnCounts(WARM_UP_EVENTS, o.churn).add + churnCounts(o.backlog, o.churn).add;
    const count = this.rows + adds * this.plans.length;
    const grow = (bases: readonly EmbeddedBase<unknown>[]) => {
      const set = perturbedSet(
        bases.map((b) => b.vector),
        { count: Math.max(count, bases.length), seed: o.seed, sigma: 1.0 },
      );
      return (i: number) => row(set, i);
    };
    this.vectors = { profile: grow(o.profiles), job: grow(o.jobs) };
  }

  async run(): Promise<ScaleOutSection> {
    const o = this.o;
    await ensureTopics(this.kafka, TOPIC_SPECS);
    const topicSettings: Record<string, string> = {};
    await this.publisher.connect();
    const otherRecords = await this.recordsOnVectorTopic();
    await this.tail.start();

    const runs: ScaleOutRun[] = [];
    let offeredRate = o.rate;
    for (const [position, plan] of this.plans.entries()) {
      const result = await this.runInstances(plan, offeredRate, position + 1);
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
      churn: o.churn,
      loadPopulation: o.loadPopulation,
      bulkLoadMinRecords: o.bulkLoadMinRecords,
      auditSample: o.auditSample,
      loadAuditSample: o.loadAuditSample,
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
   * Publishes the entities of each side from the current size up to `perSide`, interleaved in a
   * seeded order, a slice at a time (a large population would not fit in memory as messages).
   */
  private async growTo(perSide: number): Promise<void> {
    if (perSide <= this.grown) return;
    const o = this.o;
    o.log(
      `  publishing the population: ${perSide} profiles and ${perSide} jobs` +
        (this.grown ? ` (${perSide - this.grown} more per side)` : ''),
    );
    const fresh: Subject[] = [];
    for (let i = this.grown; i < perSide; i++) {
      for (const type of ['profile', 'job'] as const) {
        const id = `${o.run}-so-${type}-${String(i).padStart(6, '0')}`;
        fresh.push({ type, index: i, id, key: entityKey(type, id), version: 1 });
      }
    }
    const order = Rng.seeded(o.seed, 'scale-out-order', this.grown, perSide).sample(
      fresh,
      fresh.length,
    );
    for (let i = 0; i < order.length; i += PUBLISH_SLICE) {
      const slice = order.slice(i, i + PUBLISH_SLICE);
      await this.publisher.publish(
        TOPICS.entityVectors,
        slice.map((s) => this.message(s, `${o.run}-so-pop-${s.key}`, 'add')),
      );
    }
    for (const s of order) this.cycle.add(s);
    this.grown = perSide;
  }

  /** A new entity for the churn, on alternate sides, with a grown vector no other entity has. */
  private newSubject(): Subject {
    const k = this.created++;
    const type: EntityType = k % 2 === 0 ? 'profile' : 'job';
    const id = `${this.o.run}-so-${type}-new-${String(k).padStart(6, '0')}`;
    return { type, index: this.rows + k, id, key: entityKey(type, id), version: 1 };
  }

  /**
   * One run: grow the population, start (the load), settle, warm up, drain the churn backlog,
   * audit, steady, stop and clean up. `position` in the list keeps a repeated N (1,2,3,1,2,3
   * interleaves them against drifting load) apart: its own groups, Redis prefix, snapshots and
   * phase names.
   */
  private async runInstances(
    plan: RunPlan,
    steadyRate: number | null,
    position: number,
  ): Promise<ScaleOutRun> {
    const o = this.o;
    const n = plan.instances;
    const scope = `${o.run}-scale-${position}-n${n}`;
    const prefix = `bench:${scope}:`;
    const snapshots = join(tmpdir(), 'matchstream-bench', scope);
    const apiKey = randomUUID();
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
            // The audit endpoint is behind the API key, as deployed.
            API_KEYS: apiKey,
            HTTP_HOST: '127.0.0.1',
            LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
          },
          this.echo,
          apiKey,
        ),
      );
    }
    const result: ScaleOutRun = {
      kind: plan.kind,
      instances: n,
      population: plan.population,
      startSeconds: Number.NaN,
      partitions: [],
      rebalanced: false,
      load: null,
      capacity: null,
      consistency: null,
      steady: null,
    };
    try {
      await this.growTo(plan.population);
      const recordsOnTopic = await this.recordsOnVectorTopic();
      o.log(
        `${n} matching instance${n > 1 ? 's' : ''}, ${plan.population} per side` +
          `${plan.kind === 'load' ? ' (the load run)' : ''}: loading ${recordsOnTopic} records…`,
      );
      const launchedAt = Date.now();
      const rankings = new HandoverRankings(launchedAt);
      this.handoverRankings = rankings;
      const watches = instances.map(() => new StartWatch(launchedAt));
      instances.forEach((i) => i.start());
      const pids = new Map<string, number>();
      instances.forEach((i, k) => pids.set(`matching-${k + 1}`, i.pid!));
      if (o.brokerPid) pids.set('broker', o.brokerPid);
      pids.set('bench', process.pid);
      const sampler = new CpuSampler(pids);
      // The load's CPU too: on a shared machine its times say little without the other work beside.
      sampler.start();
      const settled = await this.settle(instances, watches, recordsOnTopic);
      result.startSeconds = (Date.now() - launchedAt) / 1000;
      result.partitions = settled.map((s) => s.partitions);
      result.load = {
        ...(await this.loadResult(instances, watches, rankings, prefix, recordsOnTopic)),
        cpu: sampler.stop(),
      };
      this.handoverRankings = null;
      o.log(
        `  ready in ${result.startSeconds.toFixed(1)} s: ` +
          settled.map((s) => `${s.instance} [${s.partitions.join(', ')}]`).join(', '),
      );
      o.log(`  load: ${describeLoad(result.load)}; ${describeCpu(result.load.cpu!)}`);

      await this.burst(`${scope}-warm-up`, WARM_UP_EVENTS, null);
      const capacity = await this.burst(`${scope}-backlog`, o.backlog, sampler);
      result.capacity = capacity;
      o.log(
        `  churn drained: ${capacity.rate.toFixed(1)} events/s (${capacity.answered}/${capacity.events} ` +
          `in ${capacity.seconds.toFixed(1)} s; ${describeKinds(capacity.kinds)}); ${describeCpu(capacity.cpu)}`,
      );

      result.consistency = await this.audit(instances, plan.auditSample);
      o.log(`  consistency: ${describeConsistency(result.consistency)}`);

      if (plan.steady) {
        const rate =
          steadyRate ?? Math.max(0.5, Math.round(capacity.rate * o.rateFraction * 10) / 10);
        result.steady = await this.steady(`${scope}-steady`, rate, o.seconds, sampler);
        const s = result.steady;
        o.log(
          `  steady at ${rate}/s: ${s.answered}/${s.events}, p50 ${s.latencyMs?.p50.toFixed(0) ?? '-'} ms, ` +
            `p99 ${s.latencyMs?.p99.toFixed(0) ?? '-'} ms; ${describeCpu(s.cpu)}`,
        );
      }
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
      this.handoverRankings = null;
      await Promise.all(instances.map((i) => i.stop()));
      await rm(snapshots, { recursive: true, force: true }).catch(() => undefined);
      const purged = await purgeRedis(prefix).catch(() => -1);
      o.log(`  stopped; removed ${purged} Redis keys`);
    }
    return result;
  }

  /**
   * Waits until every instance is ready and the partitions are divided between them, reading each
   * one's readiness and load gauges on the way. A load of the whole topic may take long: only a
   * start that stops moving (no gauge, readiness or ranking changes) for minutes is given up.
   */
  private async settle(
    instances: MatchingInstance[],
    watches: StartWatch[],
    records: number,
  ): Promise<Ownership[]> {
    let owners: (Ownership | null)[] = [];
    let stableSince = 0;
    let moved = 0;
    const timeoutMs = Math.max(300000, records * 100);
    const settled = await poll(
      async () => {
        const gone = instances.find((i) => i.exited);
        if (gone) throw new Error(`${gone.id} exited: ${gone.tail(1500)}`);
        const readings = await Promise.all(instances.map((i) => i.reading(READING_TIMEOUT_MS)));
        const at = Date.now();
        readings.forEach((r, k) => watches[k].observe(at, r.metrics, r.ready));
        moved =
          readings.reduce(
            (sum, r) =>
              sum + (r.metrics?.records?.done ?? 0) + (r.metrics?.rankings?.done ?? 0) + +r.ready,
            0,
          ) + (this.handoverRankings?.count ?? 0);
        owners = readings.map((r) => r.owner);
        if (!groupSettled(owners) || readings.some((r) => !r.ready)) stableSince = 0;
        // Two readings a second apart agree: no rebalance was about to begin.
        else if (stableSince && Date.now() - stableSince >= 1000) return owners as Ownership[];
        else stableSince ||= Date.now();
        return null;
      },
      { timeoutMs, intervalMs: 250, stalledMs: LOAD_STALLED_MS, progress: () => moved },
    );
    if (settled) return settled;
    throw new Error(
      `instances not settled after ${Math.round(timeoutMs / 1000)} s (or stalled): ` +
        owners
          .map((w, k) => `${instances[k].id}: ${w ? JSON.stringify(w) : 'no answer'}`)
          .join('; '),
    );
  }

  /**
   * The start as a load: the instances' timelines, and every stored ranking seen on the matches
   * topic. Once all are ready Redis holds each owned subject's ranking (a handover stores only
   * after publishing), so its count is what the topic must show.
   */
  private async loadResult(
    instances: MatchingInstance[],
    watches: StartWatch[],
    rankings: HandoverRankings,
    prefix: string,
    recordsOnTopic: number,
  ): Promise<LoadResult> {
    const stored = await countRedisKeys(`${prefix}ranking:*`);
    await waitUntil(
      `the ${stored} rankings of the load on the matches topic`,
      () => rankings.count >= stored,
      Math.max(120000, stored * 20),
      60000,
      () => rankings.count,
    );
    const timelines = watches.map((w, k) => ({ id: instances[k].id, ...w.current }));
    const latest = (pick: (t: StartTimeline) => number | null) => {
      const values = timelines.map(pick);
      return values.some((v) => v === null) ? null : Math.max(...(values as number[])) / 1000;
    };
    const loadedSeconds = latest((t) => t.loadedMs);
    const publishedSeconds = rankings.count ? rankings.lastMs / 1000 : null;
    const records = timelines.some((t) => t.records !== null)
      ? Math.max(...timelines.map((t) => t.records ?? 0))
      : null;
    const rankingSeconds =
      publishedSeconds !== null && loadedSeconds !== null ? publishedSeconds - loadedSeconds : null;
    return {
      recordsOnTopic,
      mode: timelines.some((t) => t.mode === 'bulk') ? 'bulk' : (timelines[0]?.mode ?? null),
      records,
      instances: timelines,
      loadedSeconds,
      rankedSeconds: latest((t) => t.rankedMs),
      readySeconds: latest((t) => t.readyMs),
      rankings: rankings.count,
      stored,
      publishedSeconds,
      recordsPerSecond:
        records !== null && loadedSeconds ? Math.round(records / loadedSeconds) : null,
      rankingsPerSecond:
        rankingSeconds && rankingSeconds > 0 ? Math.round(rankings.count / rankingSeconds) : null,
    };
  }

  /** Every instance re-ranks what it owns from scratch; the answers summed. */
  private async audit(instances: MatchingInstance[], sample: number): Promise<ConsistencyResult> {
    const started = performance.now();
    const answers: ConsistencyAnswer[] = await Promise.all(
      instances.map((i) => i.consistency(sample)),
    );
    const sum = (pick: (a: ConsistencyAnswer) => number) =>
      answers.reduce((total, a) => total + pick(a), 0);
    const sampled = sum((a) => a.sampled);
    const agreeing = sum((a) => a.agreeing);
    const orphans = sum((a) => a.orphans);
    const ratio = sampled ? agreeing / sampled : 1;
    return {
      sampled,
      agreeing,
      ratio: orphans > 0 ? Math.min(ratio, 1 - 1e-9) : ratio,
      orphans,
      repaired: sum((a) => a.repaired),
      unsettled: answers.some((a) => a.unsettled),
      consistent: agreeing === sampled && orphans === 0,
      seconds: (performance.now() - started) / 1000,
      differences: answers
        .flatMap((a, k) => a.differences.map((d) => ({ instance: instances[k].id, ...d })))
        .slice(0, 20),
      perInstance: answers.map((a, k) => ({
        id: instances[k].id,
        sampled: a.sampled,
        agreeing: a.agreeing,
        orphans: a.orphans,
        seconds: a.durationMs / 1000,
      })),
    };
  }

  /** Publishes `count` changes of the churn mix at once and waits for every one's own answer. */
  private async burst(
    phase: string,
    count: number,
    sampler: CpuSampler | null,
  ): Promise<ScaleOutPhase & { rate: number }> {
    const o = this.o;
    const kinds = churnKinds(count, o.churn, Rng.seeded(o.seed, 'scale-out-churn', phase));
    const changes = planBurst(kinds, this.cycle, () => this.newSubject());
    for (const c of changes) if (c.kind !== 'add') c.subject.version++;
    const ids = changes.map(() => this.nextEventId(phase));
    const messages = changes.map((c, k) => this.message(c.subject, ids[k], c.kind));
    const matchEventsBefore = this.matchEvents;
    sampler?.start();
    const start = performance.now();
    changes.forEach((c, k) => this.track(ids[k], c.subject.key, phase, c.kind, start));
    for (let i = 0; i < messages.length; i += PUBLISH_SLICE) {
      await this.publisher.publish(TOPICS.entityVectors, messages.slice(i, i + PUBLISH_SLICE));
    }
    await this.awaitAnswers(phase, count);
    const cpu = sampler?.stop() ?? { wallSeconds: 0, processes: {}, machine: null };
    const entries = ids.map((id) => this.tracked.get(id)!);
    const seen = entries.map((e) => e.seen).filter((t) => !Number.isNaN(t));
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
      kinds: kindCounts(entries),
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
      item: () => {
        const subject = this.cycle.next();
        subject.version++;
        return subject;
      },
      send: async (subjects, scheduledAt) => {
        const messages = subjects.map((s, k) => {
          const id = this.nextEventId(phase);
          ids.push(id);
          this.track(id, s.key, phase, 'update', scheduledAt[k]);
          return this.message(s, id, 'update');
        });
        await this.publisher.publish(TOPICS.entityVectors, messages);
      },
    });
    await this.awaitAnswers(phase, count);
    const cpu = sampler.stop();
    const tracked = ids.map((id) => this.tracked.get(id)!);
    const entries = tracked.filter((e) => !Number.isNaN(e.seen));
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
      kinds: kindCounts(tracked),
    };
  }

  private nextEventId(phase: string): string {
    return `${phase}-${this.eventCounter++}`;
  }

  private track(eventId: string, key: string, phase: string, kind: ChurnKind, due: number): void {
    this.tracked.set(eventId, { key, phase, kind, due, seen: Number.NaN });
  }

  private forget(ids: readonly string[]): void {
    for (const id of ids) this.tracked.delete(id);
  }

  /** Waits for the own answers of a phase's `count` events; a stalled drain gives up. */
  private awaitAnswers(phase: string, count: number): Promise<boolean> {
    const answered = () => this.answered(phase);
    return waitUntil(
      `the answers of ${phase}`,
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
   * entity's grown vector (moved a little on each update: a changed profile or posting), or its
   * removal.
   */
  private message(subject: Subject, eventId: string, kind: ChurnKind): OutgoingMessage {
    const o = this.o;
    const now = new Date().toISOString();
    const common = {
      schemaVersion: 1 as const,
      sourceEventId: eventId,
      entityId: subject.id,
      entityVersion: subject.version,
      occurredAt: now,
      producedAt: now,
    };
    let event: ProfileEmbeddedEvent | JobEmbeddedEvent | EntityRemovedEvent;
    if (kind === 'remove') {
      event = { ...common, type: 'entity.removed', entityType: subject.type };
    } else {
      const bases = subject.type === 'profile' ? o.profiles.length : o.jobs.length;
      let vector = this.vectors[subject.type](subject.index);
      if (subject.version > 1) {
        const rng = Rng.seeded(o.seed, 'scale-out-update', subject.key, subject.version);
        const scale = UPDATE_NOISE / Math.sqrt(vector.length);
        vector = Float32Array.from(vector, (x) => x + rng.gaussian() * scale);
        normaliseInPlace(vector);
      }
      const embedded = {
        ...common,
        type: 'entity.embedded' as const,
        modelId: o.modelId,
        textBuilderVersion: TEXT_BUILDER_VERSION,
        contentHash: createHash('sha256').update(`${subject.key}:${subject.version}`).digest('hex'),
        vector: encodeVector(vector),
        dimension: vector.length,
      };
      event =
        subject.type === 'profile'
          ? {
              ...embedded,
              entityType: 'profile',
              document: this.profileDocs[subject.index % bases],
            }
          : { ...embedded, entityType: 'job', document: this.jobDocs[subject.index % bases] };
    }
    if (!this.validated.has(event.type)) {
      entityVectorEvent.parse(event); // the contract, once per kind: a mistake here fails fast
      this.validated.add(event.type);
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
      // Right after the topic is created its partitions may not have a leader yet.
      const offsets = await retryRetriable(() => admin.fetchTopicOffsets(TOPICS.entityVectors));
      return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    } finally {
      await admin.disconnect();
    }
  }
}

function sameList(a: Ownership | null, b: Ownership): boolean {
  return !!a && a.partitions.join(',') === b.partitions.join(',');
}

function seconds(value: number | null, digits = 1): string {
  return value === null ? '?' : `${value.toFixed(digits)} s`;
}

/** One line of a start: its mode, the replay and ranking phases, their rates. */
export function describeLoad(l: LoadResult): string {
  const ranking =
    l.publishedSeconds !== null && l.loadedSeconds !== null
      ? l.publishedSeconds - l.loadedSeconds
      : null;
  if (l.loadedSeconds === null) {
    return (
      `${l.mode ?? 'unknown mode'}: the ${l.recordsOnTopic} records applied chunk by chunk, rankings ` +
      `maintained on the way; ${l.rankings} of ${l.stored} stored rankings on the matches topic ` +
      `${seconds(l.publishedSeconds)} after the start; ready ${seconds(l.readySeconds)}`
    );
  }
  return (
    `${l.mode ?? 'unknown mode'}, ${l.records ?? '?'} of ${l.recordsOnTopic} records read in ` +
    `${seconds(l.loadedSeconds)} (${l.recordsPerSecond ?? '?'}/s); ${l.rankings} of ${l.stored} ` +
    `stored rankings on the matches topic ${seconds(l.publishedSeconds)} after the start ` +
    `(${seconds(ranking)} of ranking, ${l.rankingsPerSecond ?? '?'}/s); ready ${seconds(l.readySeconds)}`
  );
}

export function describeConsistency(c: ConsistencyResult): string {
  const verdict = c.consistent ? 'every ranking equals a fresh ranking' : 'INCONSISTENT';
  return (
    `${c.agreeing}/${c.sampled} agree (ratio ${c.ratio.toFixed(4)}), ${c.orphans} orphans` +
    `${c.repaired ? `, ${c.repaired} repaired` : ''} in ${c.seconds.toFixed(1)} s: ${verdict}`
  );
}

/** One line of CPU: each matching process, the broker, this process, the machine. */
export function describeCpu(cpu: CpuWindow): string {
  const parts = Object.entries(cpu.processes).map(
    ([name, use]) => `${name} ${use ? `${Math.round(use.cores * 100)}%` : '-'}`,
  );
  if (cpu.machine) parts.push(`machine ${Math.round(cpu.machine.cores * 100)}%`);
  return `CPU (of one core): ${parts.join(', ')}`;
}
