import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import { inputTopicFor } from '@matchstream/contracts';
import type { EntityType } from '@matchstream/contracts';
import { EventPublisher } from '@matchstream/kafka';
import type { OutgoingMessage } from '@matchstream/kafka';
import { GATEWAY_CONFIG } from '../gateway.config';
import type { GatewayConfig } from '../gateway.config';
import { GatewayStats } from '../stats/gateway-stats.service';
import { EventIdRegistry } from './event-id.registry';
import type { ClaimOutcome } from './event-id.registry';
import { validateIngestEvents } from './ingest-events.validator';
import type { ValidEvent } from './ingest-events.validator';

export interface IngestResult {
  /** Produced now, acknowledged by all in-sync replicas. */
  accepted: string[];
  /** Accepted before (or earlier in the same request): not produced again. */
  duplicate: string[];
}

/**
 * Broker produce requests are kept well under the default message.max.bytes (1 MiB per record
 * batch), whatever a 500-event batch adds up to.
 */
const MAX_PRODUCE_BYTES = 512 * 1024;

class ProduceTimeout extends Error {}

/**
 * Validates posted events with the shared contract, drops repeats by eventId, and produces the
 * rest to the entity's input topic keyed by entityId, exactly as an upstream Kafka producer would.
 * A request is answered only after the broker acknowledged (acks=all).
 */
@Injectable()
export class IngestionService {
  private readonly logger = new Logger(IngestionService.name);

  constructor(
    private readonly publisher: EventPublisher,
    private readonly registry: EventIdRegistry,
    private readonly stats: GatewayStats,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async ingest(entityType: EntityType, items: readonly unknown[]): Promise<IngestResult> {
    const { valid, errors } = validateIngestEvents(items, entityType);
    if (errors.length > 0) {
      // All or nothing: a batch with one bad event produces none, so a fixed retry is simple.
      this.stats.countIngested(entityType, 'rejected', items.length);
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `${errors.length} of ${items.length} event(s) are invalid; none was accepted`,
        errors,
      });
    }

    const first = new Map<string, ValidEvent>();
    const duplicate: string[] = [];
    for (const item of valid) {
      if (first.has(item.event.eventId)) duplicate.push(item.event.eventId);
      else first.set(item.event.eventId, item);
    }

    let claims: Map<string, ClaimOutcome>;
    try {
      claims = await this.registry.claim([...first.keys()]);
    } catch (error) {
      throw this.unavailable('redis', error);
    }
    const toProduce: ValidEvent[] = [];
    const inFlight: string[] = [];
    for (const [id, item] of first) {
      const outcome = claims.get(id);
      if (outcome === 'claimed') toProduce.push(item);
      else if (outcome === 'accepted') duplicate.push(id);
      else inFlight.push(id);
    }
    if (inFlight.length > 0) {
      await this.registry.release(toProduce.map((v) => v.event.eventId)).catch(() => undefined);
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: 'another request with these event ids is being produced; retry shortly',
        inFlight,
      });
    }

    const accepted = await this.produce(entityType, toProduce);
    this.stats.countIngested(entityType, 'accepted', accepted.length);
    this.stats.countIngested(entityType, 'duplicate', duplicate.length);
    return { accepted, duplicate };
  }

  /** Produces in order, in bounded requests; confirms each request's ids once acknowledged. */
  private async produce(entityType: EntityType, events: ValidEvent[]): Promise<string[]> {
    const topic = inputTopicFor(entityType);
    const produced: string[] = [];
    for (const chunk of chunks(events)) {
      const ids = chunk.map((v) => v.event.eventId);
      const messages: OutgoingMessage[] = chunk.map((v) => ({
        key: v.event.entityId,
        value: v.value,
      }));
      try {
        await this.withTimeout(this.publisher.publish(topic, messages));
      } catch (error) {
        // Not acknowledged: ids of this and later chunks are given back so a retry produces
        // them, unless the produce may still land (a timeout), when the pending claim expires.
        const unsent = events.slice(produced.length).map((v) => v.event.eventId);
        if (!(error instanceof ProduceTimeout)) {
          await this.registry.release(unsent).catch(() => undefined);
        } else {
          await this.registry.release(unsent.slice(ids.length)).catch(() => undefined);
        }
        throw this.unavailable('kafka', error, produced);
      }
      produced.push(...ids);
      await this.registry.confirm(ids).catch((error: unknown) => {
        // Produced but not remembered: a retry within the pending TTL is still refused, a
        // later one is produced again and skipped downstream as not newer. Worth a warning only.
        this.logger.warn(`could not mark ${ids.length} event ids accepted: ${String(error)}`);
      });
    }
    return produced;
  }

  private withTimeout(work: Promise<void>): Promise<void> {
    const ms = this.config.GATEWAY_PRODUCE_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProduceTimeout(`not acknowledged in ${ms} ms`)), ms);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  private unavailable(
    dependency: 'redis' | 'kafka',
    error: unknown,
    accepted: string[] = [],
  ): ServiceUnavailableException {
    this.logger.warn(`ingestion failed on ${dependency}: ${String(error)}`);
    return new ServiceUnavailableException({
      statusCode: 503,
      error: 'Service Unavailable',
      message: `${dependency} is unavailable; retry the request (accepted event ids are remembered)`,
      accepted,
    });
  }
}

function* chunks(events: ValidEvent[]): Generator<ValidEvent[]> {
  let chunk: ValidEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = Buffer.byteLength(event.value, 'utf8');
    if (chunk.length > 0 && bytes + size > MAX_PRODUCE_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(event);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
