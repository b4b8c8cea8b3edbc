import {
  jobPayload,
  jobUpsertedEvent as jobEventSchema,
  profilePayload,
} from '@matchstream/contracts';
import { profileUpsertedEvent as profileEventSchema } from '@matchstream/contracts';
import { jobUpsertedEvent, profileUpsertedEvent } from './input-events';
import { LoadGenerator } from './load-generator';
import { ROLE_FAMILIES } from './vocabulary';

describe('LoadGenerator', () => {
  it('is reproducible with a seed and independent of generation order', () => {
    const one = new LoadGenerator({ seed: 123 });
    const two = new LoadGenerator({ seed: 123 });
    expect(two.profiles(20)).toEqual(one.profiles(20));
    expect(two.jobs(20)).toEqual(one.jobs(20));
    // Random access: entity 15 does not depend on what was generated before it.
    expect(new LoadGenerator({ seed: 123 }).profile(15)).toEqual(one.profile(15));
    expect(new LoadGenerator({ seed: 124 }).profiles(5)).not.toEqual(one.profiles(5));
  });

  it('generates payloads that pass the contracts', () => {
    const generator = new LoadGenerator({ seed: 9, idPrefix: 'spec-run' });
    for (const entity of generator.profiles(300)) {
      const parsed = profilePayload.safeParse(entity.payload);
      if (!parsed.success) throw new Error(`${entity.id}: ${parsed.error.message}`);
    }
    for (const entity of generator.jobs(300)) {
      const parsed = jobPayload.safeParse(entity.payload);
      if (!parsed.success) throw new Error(`${entity.id}: ${parsed.error.message}`);
    }
  });

  it('builds valid input events', () => {
    const generator = new LoadGenerator({ seed: 9, idPrefix: 'spec-run' });
    const profile = profileUpsertedEvent(generator.profile(0), { eventId: 'e-1' });
    const job = jobUpsertedEvent(generator.job(0), { eventId: 'e-2', entityVersion: 3 });
    expect(profileEventSchema.parse(profile).entityId).toBe('spec-run-profile-000000');
    expect(jobEventSchema.parse(job).entityVersion).toBe(3);
  });

  it('varies families, seniorities, countries, work modes and texts', () => {
    const generator = new LoadGenerator({ seed: 5 });
    const profiles = generator.profiles(500);
    const jobs = generator.jobs(500);
    expect(new Set(profiles.map((p) => p.family)).size).toBe(ROLE_FAMILIES.length);
    expect(new Set(jobs.map((j) => j.family)).size).toBe(ROLE_FAMILIES.length);
    expect(new Set(profiles.map((p) => p.payload.seniority)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(profiles.map((p) => p.payload.location.country)).size).toBeGreaterThan(10);
    expect(new Set(jobs.map((j) => j.payload.remotePolicy))).toEqual(
      new Set(['remote', 'hybrid', 'onsite']),
    );
    expect(new Set(profiles.map((p) => p.payload.summary)).size).toBeGreaterThan(450);
    expect(new Set(jobs.map((j) => j.payload.description)).size).toBeGreaterThan(450);
    const categories = new Set(profiles.flatMap((p) => p.payload.categories ?? []));
    for (const c of categories) {
      expect([
        'software-engineering',
        'data-engineering',
        'machine-learning',
        'backend',
        'frontend',
        'data-analytics',
        'devops',
        'mobile',
      ]).toContain(c);
    }
  });
});
