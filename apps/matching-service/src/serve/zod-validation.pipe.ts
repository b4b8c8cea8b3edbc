import { BadRequestException } from '@nestjs/common';
import type { PipeTransform } from '@nestjs/common';
import { formatIssues } from '@matchstream/contracts';
import type { z } from 'zod';

/** Validates a request part against a contract schema: a clear 400 listing every problem. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (!result.success) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: formatIssues(result.error.issues),
        issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    return result.data;
  }
}
