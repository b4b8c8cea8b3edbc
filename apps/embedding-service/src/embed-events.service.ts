import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  TOPICS,
  decodeInputEvent,
  encodeVector,
  entityKey,
  entityTypeOf,
  isRemoval,
} from '@matchstream/contracts';
import type {
  EntityType,
  EntityVectorEvent,
  InputEvent,
  UpsertEvent,
} from '@matchstream/contracts';
import {
  CachedBatchEmbedder,
  EmbeddingCache,
  TEXT_BUILDER_VERSION,
  TransformersEmbedder,
  embeddingInputs,
  jobSections,
  profileSections,
  roleOf,
} from '@matchstream/embedding';
import { DeadLetterPublisher, EventPublisher } from '@matchstream/kafka';
import type { ConsumedRecord, DeadLetter, OutgoingMessage } from '@matchstream/kafka';
import { MetricsService } from '@matchstream/observability';
import { EMBEDDING_SERVICE_CONFIG } from './embedding-service.config';
import type { EmbeddingServiceConfig } from './embedding-service.config';
import type { EntityVersion } from './entity-version.store';
import { EntityVersionStore } from './entity-version.store';

type Planned =
  | { kind: 'embed'; record: ConsumedRecord; event: UpsertEvent; inputs: string[] }
  | { kind: 'remove'; record: ConsumedRecord; event: InputEvent; previousHash: string };

const TOPIC_ENTITY: Record<string, EntityType> = {
  [TOPICS.profileEvents]: 'profile',
  [TOPICS.jobEvents]: 'job',
};

/**
 * The embedding use case for one chunk of records from one partition: decode and validate, skip
 * duplicates and stale versions, embed new text (cache first, batched), publish vectors, write
 * dead letters, and only then remember the versions. Everything before the commit is durable.
 */
@Injectable()
export class EmbedEventsService {
  private readonly logger = new Logger(EmbedEventsService.name);

  constructor(
    private readonly embedder: TransformersEmbedder,
    private readonly batchEmbedder: CachedBatchEmbedder,
    private readonly cache: EmbeddingCache,
    private readonly versions: EntityVersionStore,
    private readonly publisher: EventPublisher,
    private readonly deadLetters: DeadLetterPublisher,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(EMBEDDING_SERVICE_CONFIG) private readonly config: EmbeddingServiceConfig,
  ) {}

  async process(records: ConsumedRecord[]): Promise<void> {
    if (records.length === 0) return;
    const topic = records[0].topic;
    const letters: DeadLetter[] = [];
    const events: { record: ConsumedRecord; event: InputEvent }[] = [];

    const stopDecode = this.metrics.timeStage('decode');
    for (const record of records) {
      const decoded = decodeInputEvent(record.value, record.key);
      if (!decoded.ok) {
        letters.push({ record, reason: decoded.reason, detail: decoded.detail });
      } else if (TOPIC_ENTITY[topic] && entityTypeOf(decoded.event.type) !== TOPIC_ENTITY[topic]) {
        letters.push({
          record,
          reason: 'schema-violation',
          detail: `${decoded.event.type} does not belong on ${topic}`,
        });
      } else {
        events.push({ record, event: decoded.event });
      }
    }
    stopDecode();

    const { planned, skipped } = await this.plan(events, letters);
    const outgoing = await this.embedAndBuild(planned);

    const stopPublish = this.metrics.timeStage('publish');
    await this.publisher.publish(
      TOPICS.entityVectors,
      outgoing.map((o) => o.message),
    );
    await this.deadLetters.publish(letters);
    stopPublish();

    await this.versions.setMany(
      outgoing.map((o) => ({ type: o.type, id: o.id, value: o.version })),
    );
    const removedHashes = planned
      .filter((p) => p.kind === 'remove')
      .map((p) => p.previousHash)
      .filter(Boolean);
    await this.cache.delete(removedHashes);

    this.metrics.countConsumed(topic, 'processed', outgoing.length);
    this.metrics.countConsumed(topic, 'duplicate', skipped.duplicate);
    this.metrics.countConsumed(topic, 'stale', skipped.stale);
    this.metrics.countConsumed(topic, 'dead-lettered', letters.length);
    if (letters.length) {
      this.logger.warn(
        `dead-lettered ${letters.length} of ${records.length} records on ${topic}: ${[...new Set(letters.map((l) => l.reason))].join(', ')}`,
      );
    }
  }

  /** Decides per event: embed, remove, or skip as duplicate/stale (versions are per entity). */
  private async plan(
    events: { record: ConsumedRecord; event: InputEvent }[],
    letters: DeadLetter[],
  ): Promise<{ planned: Planned[]; skipped: { duplicate: number; stale: number } }> {
    const known = await this.versions.getMany(
      events.map(({ event }) => ({ type: entityTypeOf(event.type), id: event.entityId })),
    );
    const latest = new Map<string, EntityVersion | null>();
    events.forEach(({ event }, i) => {
      const key = entityKey(entityTypeOf(event.type), event.entityId);
      if (!latest.has(key)) latest.set(key, known[i]);
    });

    const planned: Planned[] = [];
    const skipped = { duplicate: 0, stale: 0 };
    for (const { record, event } of events) {
      const key = entityKey(entityTypeOf(event.type), event.entityId);
      const current = latest.get(key) ?? null;
      if (current && event.entityVersion <= current.version) {
        if (event.entityVersion === current.version) skipped.duplicate++;
        else skipped.stale++;
        continue;
      }
      if (isRemoval(event)) {
        planned.push({ kind: 'remove', record, event, previousHash: current?.contentHash ?? '' });
        latest.set(key, { version: event.entityVersion, contentHash: '' });
        continue;
      }
      planned.push({ kind: 'embed', record, event, inputs: [] });
      latest.set(key, { version: event.entityVersion, contentHash: '' });
    }
    const embeds = planned.filter(
      (p): p is Extract<Planned, { kind: 'embed' }> => p.kind === 'embed',
    );
    // Jobs are embedded as queries and profiles as passages, with the model's prefixes: the same
    // inputs npm run bench:quality measures.
    const inputs = await embeddingInputs(
      embeds.map(({ event }) =>
        event.type === 'profile.upserted'
          ? { role: roleOf('profile'), sections: profileSections(event.payload) }
          : { role: roleOf('job'), sections: jobSections(event.payload) },
      ),
      {
        spec: this.embedder.spec,
        maxChunks: this.config.EMBEDDING_MAX_CHUNKS,
        countWordTokens: (words) => this.embedder.countTokens(words),
      },
    );
    embeds.forEach((p, i) => (p.inputs = inputs[i]));
    const empty = new Set(embeds.filter((p) => p.inputs.length === 0));
    for (const p of empty) {
      letters.push({
        record: p.record,
        reason: 'unembeddable-text',
        detail: 'canonical text is empty',
      });
    }
    return {
      planned: planned.filter((p) => !empty.has(p as Extract<Planned, { kind: 'embed' }>)),
      skipped,
    };
  }

  private async embedAndBuild(
    planned: Planned[],
  ): Promise<{ type: EntityType; id: string; version: EntityVersion; message: OutgoingMessage }[]> {
    const toEmbed = planned.filter(
      (p): p is Extract<Planned, { kind: 'embed' }> => p.kind === 'embed',
    );
    const stopEmbed = this.metrics.timeStage('embed');
    const vectors = await this.batchEmbedder.embedDocuments(toEmbed.map((p) => p.inputs));
    stopEmbed();
    const byRecord = new Map(toEmbed.map((p, i) => [p.record, vectors[i]]));
    const producedAt = new Date().toISOString();

    return planned.map((p) => {
      const type = entityTypeOf(p.event.type);
      const common = {
        schemaVersion: 1 as const,
        sourceEventId: p.event.eventId,
        entityId: p.event.entityId,
        entityVersion: p.event.entityVersion,
        occurredAt: p.event.occurredAt,
        producedAt,
      };
      let value: EntityVectorEvent;
      let contentHash = '';
      if (p.kind === 'embed') {
        const embedded = byRecord.get(p.record);
        if (!embedded) throw new Error('embedding missing for planned record');
        contentHash = embedded.contentHash;
        const embedding = {
          modelId: this.embedder.modelId,
          textBuilderVersion: TEXT_BUILDER_VERSION,
          contentHash,
          vector: encodeVector(embedded.vector),
          dimension: embedded.vector.length,
          type: 'entity.embedded' as const,
        };
        value =
          p.event.type === 'profile.upserted'
            ? { ...common, ...embedding, entityType: 'profile', document: p.event.payload }
            : { ...common, ...embedding, entityType: 'job', document: p.event.payload };
      } else {
        value = { ...common, type: 'entity.removed', entityType: type };
      }
      return {
        type,
        id: p.event.entityId,
        version: { version: p.event.entityVersion, contentHash },
        message: {
          key: entityKey(type, p.event.entityId),
          value: JSON.stringify(value),
          headers: { 'x-event-id': p.event.eventId, 'x-occurred-at': p.event.occurredAt },
        },
      };
    });
  }
}
