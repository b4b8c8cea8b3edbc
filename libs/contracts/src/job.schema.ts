import { z } from 'zod';
import {
  category,
  countryCode,
  location,
  nonEmptyText,
  seniority,
  skillList,
  text,
  workMode,
} from './common.schema';
import { LIMITS } from './limits';

export const EMPLOYMENT_TYPES = [
  'full-time',
  'part-time',
  'contract',
  'internship',
  'temporary',
] as const;

export const salaryRange = z
  .object({
    min: z.number().nonnegative(),
    max: z.number().nonnegative(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
    period: z.enum(['year', 'month', 'hour']),
  })
  .strict()
  .refine((s) => s.min <= s.max, { message: 'min must not exceed max', path: ['min'] });

export const jobPayload = z
  .object({
    title: nonEmptyText(LIMITS.shortText),
    company: nonEmptyText(LIMITS.shortText),
    description: text(LIMITS.longText).default(''),
    requirements: z.array(text(LIMITS.mediumText)).max(LIMITS.maxRequirements).default([]),
    requiredSkills: skillList.default([]),
    niceToHaveSkills: skillList.default([]),
    /** Office location; optional for fully remote roles. */
    location: location.optional(),
    remotePolicy: workMode,
    /** Countries the employer hires in (where the candidate must be authorised to work). */
    hiringCountries: z.array(countryCode).min(1).max(LIMITS.maxCountries),
    visaSponsorship: z.boolean().default(false),
    seniority,
    employmentType: z.enum(EMPLOYMENT_TYPES).default('full-time'),
    salary: salaryRange.optional(),
    categories: z.array(category).max(LIMITS.maxCategories).default([]),
  })
  .strict()
  .refine((job) => job.remotePolicy === 'remote' || job.location !== undefined, {
    message: 'onsite and hybrid jobs need a location',
    path: ['location'],
  });

export type JobPayload = z.infer<typeof jobPayload>;
export type JobPayloadInput = z.input<typeof jobPayload>;
