import { seededRandom } from '@matchstream/testing';
import {
  jobPayload,
  jobUpsertedEvent as jobEventSchema,
  profilePayload,
} from '@matchstream/contracts';
import { profileUpsertedEvent as profileEventSchema } from '@matchstream/contracts';
import {
  LoadGenerator,
  ROLE_FAMILIES,
  Rng,
  emitAtRate,
  jobUpsertedEvent,
  profileUpsertedEvent,
} from './load-generator';

describe('seededRandom and Rng', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
    for (const v of seqA) expect(v >= 0 && v < 1).toBe(true);
  });

  it('draws standard normal values', () => {
    const rng = Rng.seeded(1, 'gaussian');
    const values = Array.from({ length: 20000 }, () => rng.gaussian());
    const m = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - m) ** 2, 0) / values.length;
    expect(Math.abs(m)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('samples distinct items', () => {
    const rng = Rng.seeded(7);
    const picked = rng.sample([1, 2, 3, 4, 5], 3);
    expect(new Set(picked).size).toBe(3);
    expect(rng.sample([1, 2], 5).sort()).toEqual([1, 2]);
  });
});

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

describe('emitAtRate', () => {
  it('emits every item at its due time on a fake clock', async () => {
    let clock = 0;
    const sent: Array<{ item: number; at: number; scheduled: number }> = [];
    const report = await emitAtRate({
      ratePerSecond: 100,
      count: 50,
      item: (i) => i,
      now: () => clock,
      sleep: (ms) => {
        clock += Math.max(ms, 1);
        return Promise.resolve();
      },
      send: (items, scheduledAt) => {
        items.forEach((item, i) => sent.push({ item, at: clock, scheduled: scheduledAt[i] }));
        return Promise.resolve();
      },
    });
    expect(sent.map((s) => s.item)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const s of sent) {
      expect(s.scheduled).toBeCloseTo(s.item * 10, 6);
      expect(s.at).toBeGreaterThanOrEqual(s.scheduled);
      expect(s.at - s.scheduled).toBeLessThan(10);
    }
    expect(report.sent).toBe(50);
    expect(report.achievedRate).toBeCloseTo(100, 0);
  });

  it('batches items that fell due together and waits for every send', async () => {
    let clock = 0;
    const batches: number[][] = [];
    let pending = 0;
    const report = await emitAtRate({
      ratePerSecond: 1000,
      count: 20,
      item: (i) => i,
      now: () => clock,
      sleep: () => {
        clock += 5; // a coarse timer: five items fall due per tick
        return Promise.resolve();
      },
      send: async (items) => {
        pending++;
        batches.push(items);
        await new Promise((resolve) => setTimeout(resolve, 5));
        pending--;
      },
    });
    expect(batches.flat()).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(batches.length).toBeLessThan(20);
    expect(pending).toBe(0);
    expect(report.sent).toBe(20);
  });
});
