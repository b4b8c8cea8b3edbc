import { jobPayload, profilePayload } from '@matchstream/contracts';
import type { ConstraintCheck, JobPayloadInput, ProfilePayloadInput } from '@matchstream/contracts';
import { MINIMAL_JOB, MINIMAL_PROFILE, jobDocument, profileDocument } from '@matchstream/testing';
import {
  DEFAULT_WEIGHTS,
  checkConstraints,
  isEligible,
  locationFitAtMost,
  profileSeniority,
  scorePair,
} from './match-scoring';

/** A minimal job or profile (remote, GB) with the fields a test cares about. */
const job = (overrides: Partial<JobPayloadInput> = {}) =>
  jobPayload.parse({ ...MINIMAL_JOB, ...overrides });
const profile = (overrides: Partial<ProfilePayloadInput> = {}) =>
  profilePayload.parse({ ...MINIMAL_PROFILE, workAuthorization: ['GB'], ...overrides });

const check = (checks: ConstraintCheck[], name: ConstraintCheck['name']) =>
  checks.find((c) => c.name === name);

const BERLIN = { city: 'Berlin', country: 'DE' };

describe('checkConstraints', () => {
  describe('work mode', () => {
    it.each([
      ['remote', ['remote'], true],
      ['remote', ['onsite', 'hybrid'], false],
      ['hybrid', ['hybrid'], true],
      ['hybrid', ['onsite'], true], // someone who accepts the office every day accepts it some days
      ['hybrid', ['remote'], false],
      ['onsite', ['onsite'], true],
      ['onsite', ['hybrid', 'remote'], false],
    ] as const)('a %s job and a candidate accepting %j: %s', (remotePolicy, workModes, passed) => {
      const j = job({ remotePolicy, location: { country: 'GB' } });
      const result = check(
        checkConstraints(j, profile({ workModes: [...workModes] })),
        'work-mode',
      );
      expect(result?.passed).toBe(passed);
      expect(result?.detail).toBe(
        `job is ${remotePolicy}; candidate accepts ${workModes.join('/')}`,
      );
    });
  });

  describe('work authorization', () => {
    it('passes when the candidate may work in a hiring country', () => {
      const result = check(
        checkConstraints(
          job({ hiringCountries: ['US', 'DE'] }),
          profile({ workAuthorization: ['FR', 'DE'] }),
        ),
        'work-authorization',
      );
      expect(result).toEqual({
        name: 'work-authorization',
        passed: true,
        detail: 'authorised in DE',
      });
    });

    it('fails when the candidate may not, and the job does not sponsor visas', () => {
      const result = check(
        checkConstraints(
          job({ hiringCountries: ['US', 'CA'] }),
          profile({ workAuthorization: ['KE'] }),
        ),
        'work-authorization',
      );
      expect(result).toEqual({
        name: 'work-authorization',
        passed: false,
        detail: 'not authorised in US, CA',
      });
      // No declared authorization at all is the same.
      const none = checkConstraints(
        job({ hiringCountries: ['US'] }),
        profile({ workAuthorization: [] }),
      );
      expect(check(none, 'work-authorization')?.passed).toBe(false);
    });

    it('passes when the job sponsors visas', () => {
      const result = check(
        checkConstraints(
          job({ hiringCountries: ['US'], visaSponsorship: true }),
          profile({ workAuthorization: ['IN'] }),
        ),
        'work-authorization',
      );
      expect(result?.passed).toBe(true);
      expect(result?.detail).toContain('sponsors visas');
    });
  });

  describe('location', () => {
    const onsiteInBerlin = job({
      remotePolicy: 'onsite',
      location: BERLIN,
      hiringCountries: ['DE'],
    });
    const candidate = (country: string, willingToRelocate: boolean) =>
      profile({
        location: { country },
        workModes: ['onsite'],
        workAuthorization: ['DE'],
        willingToRelocate,
      });

    it.each([
      ['in the same country', 'DE', false, true, 'candidate is in DE'],
      ['elsewhere, willing to relocate', 'GB', true, true, 'candidate would relocate to DE'],
      ['elsewhere, not willing to relocate', 'GB', false, false, 'candidate is in GB, job in DE'],
    ])('a candidate %s', (_name, country, relocate, passed, detail) => {
      const result = check(
        checkConstraints(onsiteInBerlin, candidate(country, relocate)),
        'location',
      );
      expect(result).toEqual({ name: 'location', passed, detail });
    });

    it('applies to hybrid jobs too', () => {
      const hybrid = job({ remotePolicy: 'hybrid', location: BERLIN, hiringCountries: ['DE'] });
      expect(check(checkConstraints(hybrid, candidate('GB', false)), 'location')?.passed).toBe(
        false,
      );
    });

    it('is not checked for remote jobs, even with an office location', () => {
      const remote = job({ remotePolicy: 'remote', location: BERLIN });
      expect(check(checkConstraints(remote, candidate('GB', false)), 'location')).toBeUndefined();
    });
  });

  describe('categories', () => {
    it('passes when both sides share a category', () => {
      const result = check(
        checkConstraints(
          job({ categories: ['devops', 'backend'] }),
          profile({ categories: ['backend'] }),
        ),
        'category',
      );
      expect(result).toEqual({ name: 'category', passed: true, detail: 'shared: backend' });
    });

    it('fails when both name categories and none is shared', () => {
      const result = check(
        checkConstraints(
          job({ categories: ['frontend'] }),
          profile({ categories: ['data-analytics'] }),
        ),
        'category',
      );
      expect(result).toEqual({ name: 'category', passed: false, detail: 'no shared category' });
    });

    it('is not checked when either side names none', () => {
      expect(
        check(
          checkConstraints(job({ categories: [] }), profile({ categories: ['x'] })),
          'category',
        ),
      ).toBeUndefined();
      expect(
        check(
          checkConstraints(job({ categories: ['x'] }), profile({ categories: [] })),
          'category',
        ),
      ).toBeUndefined();
    });
  });
});

describe('isEligible', () => {
  it('requires every constraint to pass', () => {
    expect(isEligible(job(), profile())).toBe(true);
    expect(isEligible(job({ hiringCountries: ['US'] }), profile())).toBe(false);
    expect(isEligible(job(), profile({ workModes: ['onsite'] }))).toBe(false);
  });

  it.each([
    ['profile-ml-platform', 'job-ml-platform', true],
    ['profile-realtime-messaging', 'job-realtime-messaging', true],
    ['profile-sre', 'job-sre', true],
    ['profile-data-analyst', 'job-data-analyst', true],
    ['profile-frontend', 'job-frontend', true],
    ['profile-frontend', 'job-ml-platform', false], // in KE; the job hires in US/CA, no sponsorship
    ['profile-ml-platform', 'job-realtime-messaging', false], // in the US, will not relocate to Berlin
    ['profile-data-analyst', 'job-sre', false], // no shared category, not in GB
  ])('%s for %s: %s', (profileId, jobId, eligible) => {
    expect(isEligible(jobDocument(jobId), profileDocument(profileId))).toBe(eligible);
  });
});

describe('scorePair', () => {
  const mlJob = jobDocument('job-ml-platform');

  it('ranks the ML platform engineer above the frontend developer for the ML platform job', () => {
    const ml = scorePair(mlJob, profileDocument('profile-ml-platform'), 0.6);
    const frontend = scorePair(mlJob, profileDocument('profile-frontend'), 0.6);
    expect(ml.score).toBeGreaterThan(frontend.score);
    expect(ml.score).toBeCloseTo(0.7633, 4);
    expect(frontend.score).toBeCloseTo(0.445, 4);
  });

  it('ranks the messaging engineer above the ML engineer for the real-time messaging job', () => {
    const messagingJob = jobDocument('job-realtime-messaging');
    const messaging = scorePair(messagingJob, profileDocument('profile-realtime-messaging'), 0.5);
    const ml = scorePair(messagingJob, profileDocument('profile-ml-platform'), 0.5);
    expect(messaging.score).toBeGreaterThan(ml.score);
    expect(messaging.explanation.matchedRequiredSkills).toEqual([
      'Go',
      'WebSockets',
      'Cassandra',
      'Distributed systems',
    ]);
  });

  it('explains the score: contributions that add up to it', () => {
    for (const id of ['profile-ml-platform', 'profile-frontend', 'profile-sre', 'profile-ios']) {
      const { score, explanation } = scorePair(mlJob, profileDocument(id), 0.42);
      const sum = Object.values(explanation.contributions).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(score, 4);
      expect(Object.keys(explanation.contributions).sort()).toEqual(
        Object.keys(DEFAULT_WEIGHTS).sort(),
      );
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
  });

  it('lists matched and missing required skills, finding them in the text as well', () => {
    // The SRE lists Python and mentions running Kafka clusters in the summary.
    const { explanation } = scorePair(mlJob, profileDocument('profile-sre'), 0.6);
    expect(explanation.matchedRequiredSkills).toEqual(['Python', 'Kafka']);
    expect(explanation.missingRequiredSkills).toEqual(['Spark', 'Airflow', 'Model serving']);
    expect(explanation.matchedNiceToHaveSkills).toEqual(['Kubernetes', 'Prometheus']);
    expect(explanation.requiredSkillCoverage).toBe(0.4);
    expect(explanation.summary).toBe(
      'similarity 0.60; 2/5 required skills; missing Spark, Airflow, Model serving; seniority fits',
    );
  });

  it('gives full required coverage, and no missing skills, to a complete match', () => {
    const { explanation } = scorePair(mlJob, profileDocument('profile-ml-platform'), 0.6);
    expect(explanation.matchedRequiredSkills).toEqual(mlJob.requiredSkills);
    expect(explanation.missingRequiredSkills).toEqual([]);
    expect(explanation.requiredSkillCoverage).toBe(1);
    expect(explanation.constraints.every((c) => c.passed)).toBe(true);
    expect(explanation.summary).toBe('similarity 0.60; 5/5 required skills; seniority fits');
  });

  it('clamps the similarity term to 0..1 but reports the raw similarity', () => {
    const p = profileDocument('profile-ml-platform');
    const negative = scorePair(mlJob, p, -0.3);
    expect(negative.explanation.contributions.similarity).toBe(0);
    expect(negative.explanation.similarity).toBe(-0.3);
    expect(scorePair(mlJob, p, 1.7).explanation.contributions.similarity).toBe(
      DEFAULT_WEIGHTS.similarity,
    );
  });

  it('counts a job without required skills as fully covered', () => {
    const { explanation } = scorePair(job(), profile({ seniority: 'mid' }), 0.5);
    expect(explanation.requiredSkillCoverage).toBe(1);
    expect(explanation.contributions.requiredSkills).toBe(DEFAULT_WEIGHTS.requiredSkills);
    expect(explanation.summary).toBe('similarity 0.50; seniority fits');
  });

  it('uses the weights it is given', () => {
    const weights = {
      similarity: 1,
      requiredSkills: 0,
      niceToHaveSkills: 0,
      seniority: 0,
      location: 0,
    };
    expect(scorePair(mlJob, profileDocument('profile-frontend'), 0.37, weights).score).toBe(0.37);
  });

  describe('seniority fit', () => {
    it.each([
      ['senior', 1],
      ['staff', 0.65],
      ['mid', 0.65],
      ['junior', 0.3],
      ['intern', 0],
      ['executive', 0],
    ] as const)('a %s candidate for a senior job: %s', (seniority, fit) => {
      const { explanation } = scorePair(job({ seniority: 'senior' }), profile({ seniority }), 0.5);
      expect(explanation.seniorityFit).toBe(fit);
      expect(explanation.contributions.seniority).toBeCloseTo(DEFAULT_WEIGHTS.seniority * fit, 4);
    });
  });

  describe('location fit', () => {
    const inOffice = (remotePolicy: 'onsite' | 'hybrid') =>
      job({ remotePolicy, location: BERLIN, hiringCountries: ['DE'] });

    it.each([
      ['a remote job', job(), { country: 'GB' }, 1],
      ['the same city (any case)', inOffice('onsite'), { city: 'berlin', country: 'DE' }, 1],
      ['the same country', inOffice('hybrid'), { city: 'Munich', country: 'DE' }, 0.8],
      ['another country', inOffice('onsite'), { city: 'London', country: 'GB' }, 0.5],
    ])('%s: %s', (_name, j, location, fit) => {
      expect(scorePair(j, profile({ location }), 0.5).explanation.locationFit).toBe(fit);
      // What a blocked pass bounds the term with, knowing only whether the countries are equal.
      const sameCountry = j.location?.country === location.country;
      expect(locationFitAtMost(j, sameCountry)).toBeGreaterThanOrEqual(fit);
    });
  });
});

describe('profileSeniority', () => {
  const now = new Date('2025-03-15T00:00:00Z');

  it('prefers the declared seniority', () => {
    expect(profileSeniority(profile({ seniority: 'staff', yearsOfExperience: 1 }), now)).toBe(
      'staff',
    );
  });

  it.each([
    [0, 'intern'],
    [0.9, 'intern'],
    [1, 'junior'],
    [2, 'mid'],
    [4.9, 'mid'],
    [5, 'senior'],
    [9, 'staff'],
    [13, 'principal'],
    [40, 'principal'],
  ] as const)('derives it from %s years of experience: %s', (yearsOfExperience, expected) => {
    expect(profileSeniority(profile({ yearsOfExperience }), now)).toBe(expected);
  });

  it('derives it from the earliest start in the work history', () => {
    const history = profile({
      experience: [
        { company: 'Later Co', title: 'Engineer', startDate: '2022-01' },
        { company: 'First Co', title: 'Junior Engineer', startDate: '2019-03', endDate: '2021-12' },
      ],
    });
    expect(profileSeniority(history, now)).toBe('senior'); // 6 years
    expect(profileSeniority(history, new Date('2023-03-15T00:00:00Z'))).toBe('mid'); // 4 years
    // The sample iOS engineer declares neither seniority nor years: Apr 2019 to Mar 2025.
    expect(profileSeniority(profileDocument('profile-ios'), now)).toBe('senior');
  });

  it('prefers declared years over the work history', () => {
    const p = profile({
      yearsOfExperience: 1,
      experience: [{ company: 'Old Co', title: 'Engineer', startDate: '2000-01' }],
    });
    expect(profileSeniority(p, now)).toBe('junior');
  });

  it('treats a profile with no history as an intern', () => {
    expect(profileSeniority(profile(), now)).toBe('intern');
  });
});

describe('isEligible agrees with checkConstraints', () => {
  it('on every combination of the sample jobs and profiles, and their variants', () => {
    const { SAMPLE_JOBS, SAMPLE_PROFILES, jobDocument, profileDocument } =
      jest.requireActual<typeof import('@matchstream/testing')>('@matchstream/testing');
    const variants = (id: string) => [
      profileDocument(id),
      profileDocument(id, { willingToRelocate: true }),
      profileDocument(id, { workModes: ['onsite'], categories: [] }),
      profileDocument(id, { workAuthorization: [] }),
    ];
    for (const job of SAMPLE_JOBS.flatMap(({ id }) => [
      jobDocument(id),
      jobDocument(id, { visaSponsorship: true }),
    ])) {
      for (const profile of SAMPLE_PROFILES.flatMap(({ id }) => variants(id))) {
        expect(isEligible(job, profile)).toBe(
          checkConstraints(job, profile).every((c) => c.passed),
        );
      }
    }
  });
});

describe('scorePair on a prose-only posting (no skills lists)', () => {
  const posting = job({
    title: 'Platform Engineer',
    description:
      'You will run our Kafka clusters on k8s and automate them with Terraform. Strong Python wanted.',
    requirements: ['Experience with PostgreSQL in production'],
  });
  const candidate = profile({
    headline: 'Backend engineer',
    summary: 'Five years of Python services on Kubernetes, streaming with Apache Kafka.',
  });

  it('explains the skills the posting names: matched in any spelling, and missing', () => {
    const { explanation } = scorePair(posting, candidate, 0.6);
    expect(explanation.matchedRequiredSkills).toEqual(['Kafka', 'Kubernetes', 'Python']);
    expect(explanation.missingRequiredSkills).toEqual(['PostgreSQL', 'Terraform']);
    expect(explanation.requiredSkillCoverage).toBeCloseTo(0.6, 4);
    expect(explanation.summary).toContain('3/5 skills the posting names');
    expect(explanation.summary).toContain('missing PostgreSQL, Terraform');
  });

  it('keeps them out of the score by default, and counts them when asked to', () => {
    const listedNone = { ...posting, description: '', requirements: [] };
    const byDefault = scorePair(posting, candidate, 0.6);
    expect(byDefault.score).toBe(scorePair(listedNone, candidate, 0.6).score);
    expect(byDefault.explanation.contributions.requiredSkills).toBe(DEFAULT_WEIGHTS.requiredSkills);
    const scored = scorePair(posting, candidate, 0.6, DEFAULT_WEIGHTS, undefined, {
      skillsFromText: 'score',
    });
    expect(scored.explanation.contributions.requiredSkills).toBeCloseTo(
      DEFAULT_WEIGHTS.requiredSkills * 0.6,
      4,
    );
  });

  it('still prefers a listed requiredSkills list to the prose', () => {
    const listed = job({ ...posting, requiredSkills: ['Go'] });
    expect(scorePair(listed, candidate, 0.6).explanation.missingRequiredSkills).toEqual(['Go']);
  });
});
