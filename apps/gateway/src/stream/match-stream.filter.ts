import { category, identifier } from '@matchstream/contracts';
import { z } from 'zod';

/** What a job's stream filters and display fields need from its document. */
export interface JobFacts {
  /** Lower-cased and trimmed, so a filter matches regardless of case. */
  company: string;
  categories: readonly string[];
  /** As the employer wrote them, for display. */
  title: string;
  companyName: string;
}

export interface JobLookup {
  get(jobId: string): JobFacts | undefined;
}

const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');

/** Query parameters of GET /v1/stream/matches. */
export const streamQuery = z
  .object({
    jobId: identifier.optional(),
    profileId: identifier.optional(),
    company: z.string().trim().min(1).max(200).optional(),
    category: category.optional(),
    /** Start with the recent events the gateway holds (the live view does, on first connect). */
    backlog: flag,
    /** For clients that cannot set the Last-Event-ID header. */
    lastEventId: z.string().max(64).optional(),
  })
  .strict();
export type StreamQuery = z.infer<typeof streamQuery>;

export interface StreamFilter {
  jobId?: string;
  profileId?: string;
  company?: string;
  category?: string;
}

export interface FilterableEntry {
  subjectType: 'job' | 'profile';
  subjectId: string;
  counterpartIds: readonly string[];
}

export function toStreamFilter(query: StreamQuery): StreamFilter {
  return {
    jobId: query.jobId,
    profileId: query.profileId,
    company: query.company?.toLowerCase(),
    category: query.category,
  };
}

export function needsJobFacts(filter: StreamFilter): boolean {
  return filter.company !== undefined || filter.category !== undefined;
}

/**
 * Whether an event concerns what the client asked for; every given filter must hold. An entity
 * filter selects the events it is the subject of and the counterpart rankings that rank or
 * retract it (a job's own ranking, and each candidate ranking that lists the job). Company and
 * category select the events whose job (the subject, or any ranked or retracted job of a profile
 * ranking) has them; a job the gateway has not seen a document for matches neither.
 */
export function matchesFilter(
  entry: FilterableEntry,
  filter: StreamFilter,
  jobs: JobLookup,
): boolean {
  if (filter.jobId !== undefined && !involves(entry, 'job', filter.jobId)) return false;
  if (filter.profileId !== undefined && !involves(entry, 'profile', filter.profileId)) return false;
  if (!needsJobFacts(filter)) return true;
  const jobIds = entry.subjectType === 'job' ? [entry.subjectId] : entry.counterpartIds;
  return jobIds.some((id) => {
    const facts = jobs.get(id);
    if (!facts) return false;
    if (filter.company !== undefined && facts.company !== filter.company) return false;
    if (filter.category !== undefined && !facts.categories.includes(filter.category)) return false;
    return true;
  });
}

function involves(entry: FilterableEntry, type: 'job' | 'profile', id: string): boolean {
  if (entry.subjectType === type) return entry.subjectId === id;
  return entry.counterpartIds.includes(id);
}
