import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@matchstream/contracts';
import { RethrowRpcFilter } from '@matchstream/kafka';
import type { ConsumedRecord } from '@matchstream/kafka';
import { ApplyEntityVectorsService } from './apply-entity-vectors.service';

@Controller()
@UseFilters(RethrowRpcFilter)
export class EntityVectorsController {
  constructor(private readonly applyVectors: ApplyEntityVectorsService) {}

  @EventPattern(TOPICS.entityVectors)
  entityVectors(@Payload() records: ConsumedRecord[]): Promise<void> {
    return this.applyVectors.process(records);
  }
}
