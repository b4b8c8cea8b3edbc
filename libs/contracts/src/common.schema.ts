import { z } from 'zod';
import { LIMITS } from './limits';

// C0 control characters other than tab, newline and carriage return, plus DEL and the
// bidirectional-override characters used to disguise text. Nothing legitimate needs them.
const HOSTILE_CHARACTERS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

/** Free text: bounded, and free of control characters. */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !HOSTILE_CHARACTERS.test(value), {
      message: 'contains control characters',
    });

export const nonEmptyText = (max: number) =>
  text(max).refine((v) => v.trim().length > 0, 'is blank');

/** Entity and event ids: also used in Kafka keys, Redis keys, URLs and logs, so kept plain. */
export const identifier = z
  .string()
  .min(1)
  .max(LIMITS.idLength)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be letters, digits, ".", "_", ":" or "-"');

/** ISO 3166-1 alpha-2 country code, upper case. */
export const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code');

export const skill = nonEmptyText(LIMITS.skill);
export const skillList = z.array(skill).max(LIMITS.maxSkills);
export const category = z
  .string()
  .max(LIMITS.skill)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lower-case slug');

export const yearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM');

export const SENIORITIES = [
  'intern',
  'junior',
  'mid',
  'senior',
  'staff',
  'principal',
  'executive',
] as const;
export const seniority = z.enum(SENIORITIES);
export type Seniority = z.infer<typeof seniority>;

export const WORK_MODES = ['onsite', 'hybrid', 'remote'] as const;
export const workMode = z.enum(WORK_MODES);
export type WorkMode = z.infer<typeof workMode>;

export const location = z
  .object({
    city: text(LIMITS.shortText).optional(),
    region: text(LIMITS.shortText).optional(),
    country: countryCode,
  })
  .strict();
export type Location = z.infer<typeof location>;
