import {
  MINIMAL_JOB,
  MINIMAL_PROFILE,
  SAMPLE_PROFILES,
  jobDocument,
  profileDocument,
} from '@matchstream/testing';
import { jobPayload, profilePayload } from '@matchstream/contracts';
import type { TokenCounter } from './canonical-text.builder';
import {
  fitToTokenBudget,
  jobSections,
  normaliseWhitespace,
  profileSections,
} from './canonical-text.builder';

/** Stand-in for the model tokenizer: one token per whitespace-separated word. */
const countWords: TokenCounter = (text) => text.split(/\s+/).filter(Boolean).length;

const profileText = (id: string, budget = 256) =>
  fitToTokenBudget(profileSections(profileDocument(id)), budget, countWords);

describe('profileSections', () => {
  const ml = profileDocument('profile-ml-platform');

  it('puts the headline first and the skills second', () => {
    const sections = profileSections(ml);
    expect(sections[0]).toBe(ml.headline);
    expect(sections[1]).toBe(
      'Skills: Python, Kafka, PySpark, Airflow, Model serving, Prometheus, Grafana, FastAPI, Kubernetes, PostgreSQL.',
    );
    expect(sections[2]).toBe('Roles: Senior Software Engineer; Data Engineer; Software Engineer.');
    expect(sections[3]).toMatch(/^Looking for: /);
  });

  it('includes work history, categories and education', () => {
    const text = profileSections(ml).join('\n');
    expect(text).toContain('Senior Software Engineer at Quillmark Media: Built a real-time');
    expect(text).toContain('Categories: software-engineering, data-engineering, machine-learning.');
    expect(text).toContain('BSc, Computer Science, Westbrook State University');
  });

  it('lists each role title once', () => {
    const p = profileDocument('profile-ml-platform', {
      experience: [
        { company: 'A', title: 'Engineer', startDate: '2020-01' },
        { company: 'B', title: 'Engineer', startDate: '2018-01' },
      ],
    });
    expect(profileSections(p)).toContain('Roles: Engineer.');
  });

  it('drops empty sections', () => {
    expect(profileSections(profilePayload.parse(MINIMAL_PROFILE))).toEqual([
      MINIMAL_PROFILE.headline,
    ]);
  });

  it.each(SAMPLE_PROFILES.map((s) => [s.id, s.payload] as const))(
    '%s: never includes the name or handle',
    (id, payload) => {
      const text = profileText(id, 10_000).toLowerCase();
      expect(text).not.toContain(payload.name.toLowerCase());
      for (const part of payload.name.toLowerCase().split(' ')) expect(text).not.toContain(part);
      if (payload.handle) expect(text).not.toContain(payload.handle.toLowerCase());
    },
  );
});

describe('jobSections', () => {
  it('puts seniority and title first, then required and nice-to-have skills', () => {
    const sections = jobSections(jobDocument('job-ml-platform'));
    expect(sections.slice(0, 3)).toEqual([
      'Senior ML Platform Engineer',
      'Required skills: Python, Kafka, Spark, Airflow, Model serving.',
      'Nice to have: Kubernetes, Prometheus, Feast.',
    ]);
    expect(sections).toContain('5+ years building production data or ML systems');
    expect(sections[sections.length - 1]).toBe(
      'Categories: software-engineering, machine-learning.',
    );
  });

  it('leaves out the company and empty sections', () => {
    expect(jobSections(jobPayload.parse(MINIMAL_JOB))).toEqual(['Mid Software Engineer']);
    expect(jobSections(jobDocument('job-ml-platform')).join(' ')).not.toContain('Corvid Health');
  });
});

describe('fitToTokenBudget', () => {
  it('joins sections with newlines when they fit', () => {
    expect(fitToTokenBudget(['one two', 'three'], 10, countWords)).toBe('one two\nthree');
  });

  it('cuts the section that crosses the budget at a word boundary and stops there', () => {
    const sections = ['one two three', 'four five six seven', 'eight'];
    expect(fitToTokenBudget(sections, 5, countWords)).toBe('one two three\nfour five');
    // The short section after the cut is not squeezed in.
    expect(fitToTokenBudget(sections, 7, countWords)).toBe('one two three\nfour five six seven');
  });

  it('cuts the first section when it alone is over budget', () => {
    expect(fitToTokenBudget(['a b c d e f'], 4, countWords)).toBe('a b c d');
  });

  it('returns an empty text for a zero budget', () => {
    expect(fitToTokenBudget(['a b'], 0, countWords)).toBe('');
  });

  it('normalises whitespace inside sections', () => {
    expect(fitToTokenBudget(['  a\n\n b\t c  ', 'd'], 10, countWords)).toBe('a b c\nd');
    expect(normaliseWhitespace(' x \r\n y ')).toBe('x y');
  });

  it.each([8, 20, 37, 64, 256])('never exceeds a budget of %i tokens', (budget) => {
    for (const { id } of SAMPLE_PROFILES) {
      const text = profileText(id, budget);
      expect(countWords(text)).toBeLessThanOrEqual(budget);
      // Every kept line is a whole-word prefix of a section: no word is split.
      const sections = profileSections(profileDocument(id)).map(normaliseWhitespace);
      text.split('\n').forEach((line, i) => {
        expect(sections[i] === line || sections[i].startsWith(`${line} `)).toBe(true);
      });
    }
  });

  it('fills the budget exactly when the text is longer', () => {
    expect(countWords(profileText('profile-ml-platform', 37))).toBe(37);
  });

  it('is deterministic', () => {
    const a = profileText('profile-realtime-messaging', 64);
    const b = fitToTokenBudget(
      profileSections(structuredClone(profileDocument('profile-realtime-messaging'))),
      64,
      countWords,
    );
    expect(b).toBe(a);
    expect(
      a.startsWith('Distributed systems engineer for real-time messaging at scale\nSkills: Go,'),
    ).toBe(true);
  });
});
