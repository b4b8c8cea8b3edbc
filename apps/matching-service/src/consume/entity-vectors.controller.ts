import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@matchstream/contracts';
import { KafkaBatchContext, RethrowRpcFilter } from '@matchstream/kafka';
import type { ConsumedRecord } from '@matchstream/kafka';
import { ChunkHandler } from './chunk-handler';

/** The entry of the flow: each chunk the Kafka consumer reads from the vector topic. */
@Controller()
@UseFilters(RethrowRpcFilter)
export class EntityVectorsController {
  constructor(private readonly chunks: ChunkHandler) {}

  @EventPattern(TOPICS.entityVectors)
  entityVectors(
    @Payload() records: ConsumedRecord[],
    @Ctx() context: KafkaBatchContext,
  ): Promise<void> {
    return this.chunks.process(records, () => context.heartbeat());
  }
}
