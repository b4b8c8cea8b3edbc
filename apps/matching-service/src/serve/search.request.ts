import {
  LIMITS,
  WORK_MODES,
  category,
  countryCode,
  identifier,
  nonEmptyText,
} from '@matchstream/contracts';
import { z } from 'zod';

/** POST /v1/search: by an indexed entity (its counterparts) or by free text, with filters. */
export const searchRequest = z
  .object({
    target: z.enum(['profiles', 'jobs']),
    text: nonEmptyText(LIMITS.mediumText).optional(),
    entityId: identifier.optional(),
    k: z.number().int().min(1).max(100).default(10),
    filters: z
      .object({
        countries: z.array(countryCode).max(LIMITS.maxCountries).optional(),
        workModes: z.array(z.enum(WORK_MODES)).max(3).optional(),
        categories: z.array(category).max(LIMITS.maxCategories).optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .refine((r) => (r.text === undefined) !== (r.entityId === undefined), {
    message: 'give exactly one of text or entityId',
    path: ['text'],
  });
export type SearchRequest = z.infer<typeof searchRequest>;

export const entityIdParam = identifier;
