import type {
  JobPayload,
  Location,
  ProfilePayload,
  Seniority,
  WorkMode,
} from '@matchstream/contracts';
import { canonicalSkill, extractSkills, skillsInJob } from './skill-extraction';
import { normaliseSkill } from './skill-names';
import { encodeSkillText } from './skill-text';

/**
 * What matching reads of a posting, and nothing else: the hard-constraint fields, the scored
 * fields and the skills its prose names, built once per version (`toJobFields`). No free text
 * beyond the title. Repeated values (countries, categories, skills, cities, lists of them) are
 * shared between entities (see `intern`).
 */
export interface JobFields {
  readonly title: string;
  readonly remotePolicy: WorkMode;
  readonly location?: FieldsLocation;
  readonly hiringCountries: readonly string[];
  readonly visaSponsorship: boolean;
  readonly seniority: Seniority;
  readonly categories: readonly string[];
  readonly requiredSkills: readonly string[];
  readonly niceToHaveSkills: readonly string[];
  /** The vocabulary's skills its title, requirements and description name (skillsInJob). */
  readonly skillsInText: readonly string[];
}

/**
 * What matching reads of a profile (`toProfileFields`): constraint fields, what its seniority is
 * derived from, its skills normalised, and its prose reduced to what skill look-ups read.
 */
export interface ProfileFields {
  readonly headline: string;
  readonly location: FieldsLocation;
  readonly workModes: readonly WorkMode[];
  readonly willingToRelocate: boolean;
  readonly workAuthorization: readonly string[];
  readonly categories: readonly string[];
  /** Declared seniority; else `yearsOfExperience`; else the work history's first month decide. */
  readonly seniority: Seniority | undefined;
  readonly yearsOfExperience: number | undefined;
  /** Month index (year · 12 + month − 1) of the earliest work-history start; none without history. */
  readonly firstMonth: number | undefined;
  /** Listed skills, normalised (normaliseSkill). */
  readonly skills: readonly string[];
  /** Listed skills under the vocabulary's names (canonicalSkill). */
  readonly canonicalSkills: readonly string[];
  /** The vocabulary's skills the prose names (canonicalSkill keys). */
  readonly skillsInText: readonly string[];
  /**
   * Headline, summary, wishes and work history as whole-word skill look-ups read them: a posting
   * may ask for any skill, in the vocabulary or not, and a candidate who names it in their history
   * has it. Kept as word codes (see skill-text.ts: one to three bytes a word), not as text.
   */
  readonly skillText: string;
}

export interface FieldsLocation {
  readonly city?: string;
  readonly country: string;
}

export function isJobFields(job: JobPayload | JobFields): job is JobFields {
  return 'skillsInText' in job;
}

export function isProfileFields(profile: ProfilePayload | ProfileFields): profile is ProfileFields {
  return 'skillText' in profile;
}

/** A posting's match fields. */
export function toJobFields(job: JobPayload): JobFields {
  return jobFields({
    title: job.title,
    remotePolicy: job.remotePolicy,
    location: job.location,
    hiringCountries: job.hiringCountries,
    visaSponsorship: job.visaSponsorship,
    seniority: job.seniority,
    categories: job.categories,
    requiredSkills: job.requiredSkills,
    niceToHaveSkills: job.niceToHaveSkills,
    skillsInText: skillsInJob(job),
  });
}

/** A profile's match fields. */
export function toProfileFields(profile: ProfilePayload): ProfileFields {
  const starts = profile.experience.map((e) => monthIndex(e.startDate));
  const skillText = normaliseSkillText(profileText(profile));
  return profileFields({
    headline: profile.headline,
    location: profile.location,
    workModes: profile.workModes,
    willingToRelocate: profile.willingToRelocate,
    workAuthorization: profile.workAuthorization,
    categories: profile.categories,
    seniority: profile.seniority,
    yearsOfExperience: profile.yearsOfExperience,
    firstMonth: starts.length ? Math.min(...starts) : undefined,
    skills: profile.skills.map(normaliseSkill),
    canonicalSkills: profile.skills.map(canonicalSkill),
    skillsInText: extractSkills(skillText).map(canonicalSkill),
    skillText: encodeSkillText(skillText),
  });
}

/**
 * Match fields as a snapshot stored them (JSON), rebuilt with their strings shared again. No
 * validation beyond the shape: snapshots are the service's own files.
 */
export function jobFields(
  raw: JobFields | (Omit<JobFields, 'location'> & { location?: Location }),
): JobFields {
  // Every property set, always in this order: one hidden class for every posting.
  return {
    title: raw.title,
    remotePolicy: intern(raw.remotePolicy),
    location: raw.location ? internLocation(raw.location) : undefined,
    hiringCountries: internList(raw.hiringCountries),
    visaSponsorship: raw.visaSponsorship,
    seniority: intern(raw.seniority),
    categories: internList(raw.categories),
    requiredSkills: internEach(raw.requiredSkills),
    niceToHaveSkills: internEach(raw.niceToHaveSkills),
    skillsInText: internEach(raw.skillsInText),
  };
}

export function profileFields(
  raw: ProfileFields | (Omit<ProfileFields, 'location'> & { location: Location }),
): ProfileFields {
  return {
    headline: raw.headline,
    location: internLocation(raw.location),
    workModes: internList(raw.workModes),
    willingToRelocate: raw.willingToRelocate,
    workAuthorization: internList(raw.workAuthorization),
    categories: internList(raw.categories),
    seniority: raw.seniority === undefined ? undefined : intern(raw.seniority),
    yearsOfExperience: raw.yearsOfExperience,
    firstMonth: raw.firstMonth,
    skills: internEach(raw.skills),
    canonicalSkills: internEach(raw.canonicalSkills),
    skillsInText: internEach(raw.skillsInText),
    // Flattened: a string built by replace() may be a tree of slices of the original prose.
    skillText: flatOneByte(raw.skillText),
  };
}

/** The match fields as an API shows them: without the coded prose, which only look-ups read. */
export function publicProfileFields(fields: ProfileFields): Omit<ProfileFields, 'skillText'> {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => key !== 'skillText')) as Omit<
    ProfileFields,
    'skillText'
  >;
}

/** The prose skill look-ups search (headline, summary, wishes, work history). */
export function profileText(p: ProfilePayload): string {
  return [
    p.headline,
    p.summary,
    p.lookingFor,
    ...p.experience.map((e) => `${e.title} ${e.description ?? ''}`),
  ].join(' ');
}

/**
 * Lower case; a full stop ends a word ("…in Python.") but stays inside names like node.js and
 * .net; `+` and `#` stay (C++, C#); every other character separates words; padded with spaces,
 * so a whole word or phrase is found as ` phrase `.
 */
export function normaliseSkillText(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/\.(?![a-z0-9])/g, ' ')
    .replace(/[^a-z0-9+#.]+/g, ' ')} `;
}

export function monthIndex(yearMonth: string): number {
  const [year, month] = yearMonth.split('-').map(Number);
  return year * 12 + (month - 1);
}

// ---------------------------------------------------------------------------------------------
// Shared strings and lists.

/**
 * Values many entities repeat (countries, cities, categories, work modes, skills, and lists of
 * them) are kept once per process. The pool is bounded: past MAX_POOLED distinct values it stops
 * adding (values are then simply not shared), so hostile or ever-new values cannot grow it
 * without limit.
 */
const MAX_POOLED = 100000;
const strings = new Map<string, string>();
const lists = new Map<string, readonly string[]>();
const locations = new Map<string, FieldsLocation>();
const EMPTY: readonly string[] = Object.freeze([]);

export function intern<T extends string>(value: T): T {
  const pooled = strings.get(value);
  if (pooled !== undefined) return pooled as T;
  if (strings.size >= MAX_POOLED) return value;
  const flat = flatOneByte(value);
  strings.set(flat, flat);
  return flat as T;
}

/**
 * The list itself shared: for lists many entities repeat as a whole (work modes, countries,
 * categories). A list most entities have their own of (skills) goes through `internEach`:
 * pooling it would keep every list ever seen.
 */
export function internList<T extends string>(values: readonly T[]): readonly T[] {
  if (values.length === 0) return EMPTY as readonly T[];
  const key = values.join('\u0000');
  const pooled = lists.get(key);
  if (pooled !== undefined) return pooled as readonly T[];
  const list = Object.freeze(values.map((v) => intern(v)));
  if (lists.size < MAX_POOLED) lists.set(intern(key), list);
  return list;
}

/** A list of its own whose values are shared. */
export function internEach<T extends string>(values: readonly T[]): readonly T[] {
  return values.length === 0 ? (EMPTY as readonly T[]) : values.map((v) => intern(v));
}

function internLocation(location: { city?: string; country: string }): FieldsLocation {
  const key = `${location.country}\u0000${location.city ?? ''}\u0000${location.city === undefined ? 0 : 1}`;
  const pooled = locations.get(key);
  if (pooled !== undefined) return pooled;
  const value: FieldsLocation = Object.freeze({
    city: location.city === undefined ? undefined : intern(location.city),
    country: intern(location.country),
  });
  if (locations.size < MAX_POOLED) locations.set(key, value);
  return value;
}

/**
 * A flat copy of the string. V8 may keep a derived string (slice, concatenation, replace result)
 * as a view that holds its whole source alive; a copy through a Buffer is a plain sequential
 * string of its own, one byte per character when it is Latin-1.
 */
function flatOneByte(value: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\u0000-\u00ff]*$/.test(value)
    ? Buffer.from(value, 'latin1').toString('latin1')
    : Buffer.from(value, 'utf16le').toString('utf16le');
}
