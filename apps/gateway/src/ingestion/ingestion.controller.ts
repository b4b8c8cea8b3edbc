import { BadRequestException, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { LIMITS } from '@matchstream/contracts';
import type { EntityType } from '@matchstream/contracts';
import type { Request } from 'express';
import { GATEWAY_CONFIG } from '../gateway.config';
import type { GatewayConfig } from '../gateway.config';
import { IngestionService } from './ingestion.service';
import type { IngestResult } from './ingestion.service';
import { MAX_BATCH_EVENTS } from './ingest-events.validator';
import { readJsonBody } from './json-body.reader';

/**
 * HTTP ingestion for upstream systems without a Kafka client: the body is the same envelope as a
 * Kafka input event. `:batch` routes are escaped: an unescaped colon starts a route parameter.
 */
@Controller('v1/events')
export class IngestionController {
  constructor(
    private readonly ingestion: IngestionService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post('profiles')
  @HttpCode(202)
  profile(@Req() req: Request): Promise<IngestResult> {
    return this.one(req, 'profile');
  }

  @Post('jobs')
  @HttpCode(202)
  job(@Req() req: Request): Promise<IngestResult> {
    return this.one(req, 'job');
  }

  @Post('profiles\\:batch')
  @HttpCode(202)
  profiles(@Req() req: Request): Promise<IngestResult> {
    return this.batch(req, 'profile');
  }

  @Post('jobs\\:batch')
  @HttpCode(202)
  jobs(@Req() req: Request): Promise<IngestResult> {
    return this.batch(req, 'job');
  }

  private async one(req: Request, type: EntityType): Promise<IngestResult> {
    const body = await readJsonBody(req, LIMITS.maxEventBytes);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new BadRequestException(
        `the body must be one event object; post arrays to /v1/events/${type}s:batch`,
      );
    }
    return this.ingestion.ingest(type, [body]);
  }

  private async batch(req: Request, type: EntityType): Promise<IngestResult> {
    const body = await readJsonBody(req, this.config.GATEWAY_BATCH_BODY_BYTES);
    if (!Array.isArray(body))
      throw new BadRequestException('the body must be a JSON array of events');
    if (body.length === 0) throw new BadRequestException('the batch is empty');
    if (body.length > MAX_BATCH_EVENTS) {
      throw new BadRequestException(
        `the batch has ${body.length} events; at most ${MAX_BATCH_EVENTS} are accepted per request`,
      );
    }
    return this.ingestion.ingest(type, body);
  }
}
