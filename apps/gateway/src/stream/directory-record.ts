import { LIMITS, identifier } from '@matchstream/contracts';
import { z } from 'zod';
import type { JobDirectoryStore } from './job-directory.store';
import type { ProfileDirectoryStore } from './profile-directory.store';

/**
 * What the directories read of an entity-vector record: the document fields they keep, nothing
 * else. The embedding service validated each document against the full contract before
 * publishing it, so this checks only what is kept (a full parse of every candidate's document,
 * vector and all, would slow the gateway's start-up for fields it throws away).
 */
const jobRecord = z.object({
  type: z.literal('entity.embedded'),
  entityType: z.literal('job'),
  entityId: identifier,
  document: z.object({
    title: z.string().max(LIMITS.shortText),
    company: z.string().max(LIMITS.shortText),
    categories: z.array(z.string()).max(LIMITS.maxCategories).default([]),
  }),
});
const profileRecord = z.object({
  type: z.literal('entity.embedded'),
  entityType: z.literal('profile'),
  entityId: identifier,
  document: z.object({
    headline: z.string().max(LIMITS.headline),
    name: z.string().max(LIMITS.shortText),
  }),
});
const profileRemoved = z.object({
  type: z.literal('entity.removed'),
  entityType: z.literal('profile'),
  entityId: identifier,
});

/**
 * Applies one entity-vector record, told apart by its key (`job:<id>`, `profile:<id>`) before
 * parsing. A removed job keeps its entry: its retraction still matches its filters and shows its
 * title. A removed candidate is forgotten. Anything unreadable is skipped.
 */
export function applyDirectoryRecord(
  key: string | undefined,
  value: Buffer,
  jobs: JobDirectoryStore,
  profiles: ProfileDirectoryStore,
): void {
  const side = key?.startsWith('job:') ? 'job' : key?.startsWith('profile:') ? 'profile' : null;
  if (!side) return;
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return;
  }
  if (side === 'job') {
    const job = jobRecord.safeParse(json);
    if (job.success) jobs.set(job.data.entityId, job.data.document);
    return;
  }
  const profile = profileRecord.safeParse(json);
  if (profile.success) {
    profiles.set(profile.data.entityId, profile.data.document);
    return;
  }
  const removed = profileRemoved.safeParse(json);
  if (removed.success) profiles.delete(removed.data.entityId);
}
