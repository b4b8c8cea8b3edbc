import { Controller, Get, Query } from '@nestjs/common';
import { z } from 'zod';
import { ZodValidationPipe } from '../serve/zod-validation.pipe';
import { ConsistencyAuditor } from './consistency-auditor';
import type { ConsistencyReport } from './consistency-auditor';

const sampleQuery = z.coerce.number().int().min(1).max(100000).default(100);

/** For SREs: is what the service publishes and serves what a fresh ranking would say? */
@Controller('v1/admin')
export class ConsistencyController {
  constructor(private readonly auditor: ConsistencyAuditor) {}

  /** Re-ranks `sample` subjects (all of them when fewer) and reports agreement and differences. */
  @Get('consistency')
  consistency(
    @Query('sample', new ZodValidationPipe(sampleQuery)) sample: number,
  ): Promise<ConsistencyReport> {
    return this.auditor.audit(sample);
  }
}
