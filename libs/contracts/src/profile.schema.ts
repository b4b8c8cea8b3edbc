import { z } from 'zod';
import {
  category,
  countryCode,
  identifier,
  location,
  nonEmptyText,
  seniority,
  skillList,
  text,
  workMode,
  yearMonth,
} from './common.schema';
import { LIMITS } from './limits';

/**
 * A candidate profile, modelled on real profiles of a job-seekers' site: headline, summary,
 * "what I'm looking for", work history, education, location, work authorization, categories.
 */
export const experienceEntry = z
  .object({
    company: nonEmptyText(LIMITS.shortText),
    title: nonEmptyText(LIMITS.shortText),
    startDate: yearMonth,
    /** Absent or null while current. */
    endDate: yearMonth.nullable().optional(),
    description: text(LIMITS.mediumText).optional(),
  })
  .strict();

export const educationEntry = z
  .object({
    institution: nonEmptyText(LIMITS.shortText),
    degree: text(LIMITS.shortText).optional(),
    field: text(LIMITS.shortText).optional(),
    startYear: z.number().int().min(1900).max(2100).optional(),
    endYear: z.number().int().min(1900).max(2100).optional(),
  })
  .strict();

export const AVAILABILITIES = [
  'immediately',
  'within-1-month',
  'within-3-months',
  'open-to-offers',
  'not-looking',
] as const;

export const profilePayload = z
  .object({
    name: nonEmptyText(LIMITS.shortText),
    handle: identifier.optional(),
    headline: nonEmptyText(LIMITS.headline),
    summary: text(LIMITS.longText).default(''),
    lookingFor: text(LIMITS.mediumText).default(''),
    experience: z.array(experienceEntry).max(LIMITS.maxExperience).default([]),
    education: z.array(educationEntry).max(LIMITS.maxEducation).default([]),
    skills: skillList.default([]),
    seniority: seniority.optional(),
    yearsOfExperience: z.number().min(0).max(70).optional(),
    location,
    /** Work modes the candidate accepts. */
    workModes: z.array(workMode).min(1).max(3),
    willingToRelocate: z.boolean().default(false),
    /** Countries the candidate is authorised to work in. */
    workAuthorization: z.array(countryCode).max(LIMITS.maxCountries).default([]),
    categories: z.array(category).max(LIMITS.maxCategories).default([]),
    availability: z.enum(AVAILABILITIES).default('open-to-offers'),
  })
  .strict();

export type ProfilePayload = z.infer<typeof profilePayload>;
export type ProfilePayloadInput = z.input<typeof profilePayload>;
