import { jobPayload, profilePayload } from '@matchstream/contracts';
import { MINIMAL_JOB, MINIMAL_PROFILE } from '@matchstream/testing';
import { canonicalSkill, extractSkills, skillsInJob, skillsInProfile } from './skill-extraction';

describe('extractSkills', () => {
  it('finds vocabulary skills in prose, once each, in order of first mention', () => {
    expect(
      extractSkills(
        'We run Kafka and PostgreSQL on k8s; you know Python. Kafka experience a plus.',
      ),
    ).toEqual(['Kafka', 'PostgreSQL', 'Kubernetes', 'Python']);
  });

  it('normalises synonyms to one name', () => {
    expect(extractSkills('Strong JS and TS, Node.js, golang')).toEqual([
      'JavaScript',
      'TypeScript',
      'Node.js',
      'Go',
    ]);
    expect(extractSkills('RGN or RMN qualified, HACCP aware')).toEqual([
      'Registered nurse',
      'Mental health nursing',
      'Food safety',
    ]);
  });

  it('prefers the longest phrase and keeps C++, C# and .NET whole', () => {
    expect(extractSkills('machine learning with C++, C# and .NET')).toEqual([
      'Machine learning',
      'C++',
      'C#',
      '.NET',
    ]);
  });

  it('does not read everyday words as skills', () => {
    expect(
      extractSkills('Ready to go? React quickly, with a swift reply and some sage advice'),
    ).toEqual([]);
  });

  it('maps every spelling to one key', () => {
    expect(canonicalSkill('k8s')).toBe(canonicalSkill('Kubernetes'));
    expect(canonicalSkill('RGN')).toBe(canonicalSkill('registered nurse'));
    expect(canonicalSkill('Some Unknown Skill')).toBe('some unknown skill');
  });

  it('extracts once per document', () => {
    const job = jobPayload.parse({ ...MINIMAL_JOB, description: 'Terraform and AWS' });
    expect(skillsInJob(job)).toBe(skillsInJob(job));
    expect(skillsInJob(job)).toEqual(['Terraform', 'AWS']);
    const profile = profilePayload.parse({
      ...MINIMAL_PROFILE,
      summary: 'Payroll and bookkeeping',
    });
    expect(skillsInProfile(profile)).toBe(skillsInProfile(profile));
    expect(skillsInProfile(profile)).toEqual(expect.arrayContaining(['Payroll', 'Bookkeeping']));
  });
});
