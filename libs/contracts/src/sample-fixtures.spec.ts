import {
  MINIMAL_JOB,
  MINIMAL_PROFILE,
  SAMPLE_JOBS,
  SAMPLE_PROFILES,
  jobClosed,
  jobUpserted,
  nextEventId,
  profileDeleted,
  profileUpserted,
  resetEventIds,
  sampleJobEvents,
  sampleProfileEvents,
} from '@matchstream/testing';
import { inputEvent } from './input-event.schema';
import { jobPayload } from './job.schema';
import { profilePayload } from './profile.schema';

// The shared fixtures (libs/testing) must satisfy the contracts, or every suite using them lies.
describe('shared fixtures', () => {
  it.each(SAMPLE_PROFILES.map((s) => [s.id, s] as const))(
    'profile %s is a valid payload',
    (_id, s) => {
      expect(() => profilePayload.parse(s.payload)).not.toThrow();
    },
  );

  it.each(SAMPLE_JOBS.map((s) => [s.id, s] as const))('job %s is a valid payload', (_id, s) => {
    expect(() => jobPayload.parse(s.payload)).not.toThrow();
  });

  it('wraps every sample into a valid upsert event keyed by its id', () => {
    const events = [...sampleProfileEvents(7), ...sampleJobEvents(7)];
    expect(events).toHaveLength(SAMPLE_PROFILES.length + SAMPLE_JOBS.length);
    for (const event of events) {
      const parsed = inputEvent.parse(event);
      expect(parsed.entityVersion).toBe(7);
    }
    expect(events.map((e) => e.entityId)).toEqual([
      ...SAMPLE_PROFILES.map((s) => s.id),
      ...SAMPLE_JOBS.map((s) => s.id),
    ]);
    // Each event carries its own sample, not the default one with a few fields changed.
    const frontend = events.find((e) => e.entityId === 'profile-frontend');
    expect(frontend?.payload).toEqual(
      SAMPLE_PROFILES.find((s) => s.id === 'profile-frontend')?.payload,
    );
  });

  it('builds valid events of every type, and minimal payloads', () => {
    for (const event of [
      profileUpserted(),
      jobUpserted(),
      profileDeleted(),
      jobClosed({ payload: { reason: 'filled' } }),
      { ...profileUpserted(), payload: MINIMAL_PROFILE },
      { ...jobUpserted(), payload: MINIMAL_JOB },
    ]) {
      expect(() => inputEvent.parse(event)).not.toThrow();
    }
  });

  it('covers the variety tests rely on', () => {
    const profiles = SAMPLE_PROFILES.map((s) => s.payload);
    expect(SAMPLE_PROFILES.length).toBeGreaterThanOrEqual(6);
    expect(SAMPLE_JOBS.length).toBeGreaterThanOrEqual(4);
    expect(new Set(profiles.map((p) => p.location.country))).toEqual(
      new Set(['US', 'DE', 'KE', 'IN', 'GB']),
    );
    expect(new Set(SAMPLE_JOBS.map((s) => s.payload.remotePolicy))).toEqual(
      new Set(['remote', 'hybrid', 'onsite']),
    );
    const ids = [...SAMPLE_PROFILES, ...SAMPLE_JOBS].map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('merges payload overrides and gives each event a new, deterministic id', () => {
    resetEventIds('run-1');
    const first = profileUpserted({ entityVersion: 2, payload: { headline: 'Changed' } });
    const second = profileUpserted();
    expect(first.eventId).toBe('run-1-000001');
    expect(second.eventId).toBe('run-1-000002');
    expect(first.payload.headline).toBe('Changed');
    expect(first.payload.skills).toEqual(second.payload.skills);
    expect(nextEventId()).toBe('run-1-000003');
    resetEventIds();
    expect(nextEventId()).toBe('evt-000001');
  });

  it('hands out copies, so tests cannot corrupt the samples', () => {
    const event = profileUpserted();
    event.payload.skills?.push('COBOL');
    expect(profileUpserted().payload.skills).not.toContain('COBOL');
    expect(Object.isFrozen(SAMPLE_PROFILES[0].payload)).toBe(true);
  });
});
