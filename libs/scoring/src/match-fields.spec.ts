import { jobPayload, profilePayload } from '@matchstream/contracts';
import type { JobPayload, ProfilePayload } from '@matchstream/contracts';
import { SAMPLE_JOBS, SAMPLE_PROFILES } from '@matchstream/testing';
import {
  jobFields,
  normaliseSkillText,
  profileFields,
  profileText,
  toJobFields,
  toProfileFields,
} from './match-fields';
import { decodeSkillText } from './skill-text';
import {
  DEFAULT_WEIGHTS,
  checkConstraints,
  isEligible,
  pairScore,
  pairScoreBound,
  profileSeniority,
  scorePair,
  skillMatcherFor,
} from './match-scoring';
import { SkillMatcher } from './skills';

const NOW = new Date('2026-06-15T00:00:00Z');

/** The samples, plus variants that take the other branches: prose-only postings, onsite and
 * hybrid postings abroad, profiles whose seniority comes from years or from their history. */
function jobs(): JobPayload[] {
  return SAMPLE_JOBS.flatMap(({ payload }) => [
    jobPayload.parse(payload),
    jobPayload.parse({ ...payload, requiredSkills: [], niceToHaveSkills: [] }),
    jobPayload.parse({
      ...payload,
      remotePolicy: 'onsite',
      location: { city: 'Berlin', country: 'DE' },
      hiringCountries: ['DE'],
      visaSponsorship: true,
    }),
    jobPayload.parse({
      ...payload,
      remotePolicy: 'hybrid',
      location: { city: 'Berlin', country: 'DE' },
      categories: [],
    }),
  ]);
}

function profiles(): ProfilePayload[] {
  return SAMPLE_PROFILES.flatMap(({ payload }) => [
    profilePayload.parse(payload),
    profilePayload.parse({ ...payload, seniority: undefined, yearsOfExperience: 3 }),
    profilePayload.parse({
      ...payload,
      seniority: undefined,
      yearsOfExperience: undefined,
      skills: [],
      location: { city: 'berlin', country: 'DE' },
      workModes: ['onsite', 'hybrid'],
      willingToRelocate: true,
    }),
  ]);
}

describe('match fields', () => {
  it('score every pair exactly as the documents do, explanation included', () => {
    let compared = 0;
    for (const job of jobs()) {
      const jf = toJobFields(job);
      for (const profile of profiles()) {
        const pf = toProfileFields(profile);
        expect(isEligible(jf, pf)).toBe(isEligible(job, profile));
        expect(checkConstraints(jf, pf)).toEqual(checkConstraints(job, profile));
        expect(profileSeniority(pf, NOW)).toBe(profileSeniority(profile, NOW));
        for (const similarity of [0.31, 0.7731, 0.95]) {
          expect(scorePair(jf, pf, similarity)).toEqual(scorePair(job, profile, similarity));
          const seniority = profileSeniority(profile);
          expect(
            pairScore(jf, pf, similarity, DEFAULT_WEIGHTS, skillMatcherFor(pf), seniority),
          ).toBe(
            pairScore(
              job,
              profile,
              similarity,
              DEFAULT_WEIGHTS,
              skillMatcherFor(profile),
              seniority,
            ),
          );
          // The scans' form of the score is the explained one's, under either skill option.
          for (const skillsFromText of ['explain', 'score'] as const) {
            const options = { skillsFromText };
            expect(
              pairScore(
                jf,
                pf,
                similarity,
                DEFAULT_WEIGHTS,
                skillMatcherFor(pf),
                seniority,
                options,
              ),
            ).toBe(
              scorePair(jf, pf, similarity, DEFAULT_WEIGHTS, skillMatcherFor(pf), options).score,
            );
          }
          expect(pairScoreBound(jf, pf, similarity, DEFAULT_WEIGHTS, seniority)).toBe(
            pairScoreBound(job, profile, similarity, DEFAULT_WEIGHTS, seniority),
          );
          compared++;
        }
      }
    }
    expect(compared).toBe(SAMPLE_JOBS.length * 4 * (SAMPLE_PROFILES.length * 3) * 3);
  });

  it('answer skill look-ups as a matcher over the whole text does', () => {
    const text =
      'Ran Kafka, Airflow and (Spark) jobs; wrote C++ and C# tools. Owned model-serving infra ' +
      'on k8s with golang services. Ward sister; HACCP level 2; ten years of JS, and Python.';
    const skills = ['RGN', 'Postgres', 'Model serving'];
    const fields = toProfileFields(
      profilePayload.parse({
        ...SAMPLE_PROFILES[0].payload,
        headline: text,
        summary: '',
        lookingFor: '',
        experience: [],
        skills,
      }),
    );
    const whole = new SkillMatcher(skills, text);
    const compact = SkillMatcher.of(fields);
    for (const skill of [
      'Kafka',
      'airflow',
      'Spark',
      'Apache Spark',
      'C++',
      'C#',
      'C',
      'Model serving',
      'Kubernetes',
      'Go',
      'Registered nurse',
      'Food safety',
      'JavaScript',
      'Java',
      'Payroll',
      'PostgreSQL',
      'Python',
      'python.',
      'Some unknown skill',
      'Script',
    ]) {
      expect([skill, compact.has(skill)]).toEqual([skill, whole.has(skill)]);
    }
  });

  it('keep no free text: only the title or headline and the prose as skill look-ups read it', () => {
    const job = jobPayload.parse(SAMPLE_JOBS[0].payload);
    const profile = profilePayload.parse(SAMPLE_PROFILES[0].payload);
    const jf = toJobFields(job);
    const pf = toProfileFields(profile);
    expect(Object.keys(jf)).not.toEqual(expect.arrayContaining(['description']));
    for (const key of ['summary', 'lookingFor', 'experience', 'education', 'name', 'handle'])
      expect(Object.keys(pf)).not.toContain(key);
    // The prose's words, coded: the same words back, in a fraction of the bytes.
    const text = normaliseSkillText(profileText(profile));
    expect(decodeSkillText(pf.skillText).trim()).toBe(text.trim());
    expect(pf.skillText.length).toBeLessThan(text.length / 3);
    expect(pf.firstMonth).toBeDefined();
  });

  it('share repeated values between entities', () => {
    const a = toProfileFields(profilePayload.parse(SAMPLE_PROFILES[0].payload));
    const b = toProfileFields(profilePayload.parse(SAMPLE_PROFILES[0].payload));
    expect(b.workModes).toBe(a.workModes);
    expect(b.categories).toBe(a.categories);
    expect(b.workAuthorization).toBe(a.workAuthorization);
    expect(b.location).toBe(a.location);
    // Skill lists are each entity's own; the skills in them are shared.
    expect(b.skills).not.toBe(a.skills);
    expect(b.skills[0]).toBe(a.skills[0]);
    const x = toJobFields(jobPayload.parse(SAMPLE_JOBS[0].payload));
    const y = toJobFields(jobPayload.parse(SAMPLE_JOBS[0].payload));
    expect(y.hiringCountries).toBe(x.hiringCountries);
    expect(y.requiredSkills).toEqual(x.requiredSkills);
  });

  it('come back from JSON (a snapshot) equal, shared again, and scoring the same', () => {
    for (const job of jobs()) {
      const jf = toJobFields(job);
      const back = jobFields(JSON.parse(JSON.stringify(jf)) as Parameters<typeof jobFields>[0]);
      expect(back).toEqual(jf);
      expect(back.categories).toBe(jf.categories);
      for (const profile of profiles()) {
        const pf = toProfileFields(profile);
        const pback = profileFields(
          JSON.parse(JSON.stringify(pf)) as Parameters<typeof profileFields>[0],
        );
        expect(pback).toEqual(pf);
        expect(scorePair(back, pback, 0.8)).toEqual(scorePair(jf, pf, 0.8));
      }
    }
  });
});
