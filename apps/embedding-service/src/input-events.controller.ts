import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@matchstream/contracts';
import { RethrowRpcFilter } from '@matchstream/kafka';
import type { ConsumedRecord } from '@matchstream/kafka';
import { EmbedEventsService } from './embed-events.service';

/** Thin Kafka handlers: one chunk of one partition in, one use-case call. */
@Controller()
@UseFilters(RethrowRpcFilter)
export class InputEventsController {
  constructor(private readonly embedEvents: EmbedEventsService) {}

  @EventPattern(TOPICS.profileEvents)
  profileEvents(@Payload() records: ConsumedRecord[]): Promise<void> {
    return this.embedEvents.process(records);
  }

  @EventPattern(TOPICS.jobEvents)
  jobEvents(@Payload() records: ConsumedRecord[]): Promise<void> {
    return this.embedEvents.process(records);
  }
}
