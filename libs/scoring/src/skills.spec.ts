import { SkillMatcher, normaliseSkill } from './skills';

describe('normaliseSkill', () => {
  it.each([
    ['K8s', 'kubernetes'],
    ['postgres', 'postgresql'],
    ['PostgreSQL', 'postgresql'],
    ['Node.js', 'node'],
    ['NodeJS', 'node'],
    ['Golang', 'go'],
    ['PySpark', 'spark'],
    ['  Apache   Spark ', 'spark'],
    ['Apache Kafka', 'kafka'],
    ['apache airflow', 'airflow'],
    ['sklearn', 'scikit-learn'],
    ['ML', 'machine learning'],
    ['GCP', 'google cloud'],
    ['Amazon Web Services', 'aws'],
    ['JS', 'javascript'],
    ['TS', 'typescript'],
  ])('%s → %s', (raw, canonical) => {
    expect(normaliseSkill(raw)).toBe(canonical);
  });

  it('lower-cases and trims skills without a synonym', () => {
    expect(normaliseSkill(' Model  Serving ')).toBe('model serving');
    expect(normaliseSkill('Rust')).toBe('rust');
  });
});

describe('SkillMatcher', () => {
  it('finds listed skills, whatever their spelling', () => {
    const skills = new SkillMatcher(['k8s', 'PySpark', 'Postgres', 'Model serving'], '');
    expect(skills.has('Kubernetes')).toBe(true);
    expect(skills.has('spark')).toBe(true);
    expect(skills.has('Apache Spark')).toBe(true);
    expect(skills.has('PostgreSQL')).toBe(true);
    expect(skills.has('model serving')).toBe(true);
    expect(skills.has('Kafka')).toBe(false);
  });

  it('finds skills mentioned as whole words in the text', () => {
    const skills = new SkillMatcher(
      [],
      'Ran Kafka, Airflow and (Spark) jobs; wrote C++ and C# tools',
    );
    expect(skills.has('Kafka')).toBe(true);
    expect(skills.has('airflow')).toBe(true);
    expect(skills.has('Spark')).toBe(true);
    expect(skills.has('C++')).toBe(true);
    expect(skills.has('C#')).toBe(true);
    expect(skills.has('C')).toBe(false);
  });

  it('finds multi-word skills and synonyms in the text', () => {
    const skills = new SkillMatcher([], 'Owned model-serving infra on k8s with golang services');
    expect(skills.has('Model serving')).toBe(true);
    expect(skills.has('Kubernetes')).toBe(true);
    expect(skills.has('Go')).toBe(true);
  });

  it('does not match substrings of other words', () => {
    const skills = new SkillMatcher(
      ['JavaScript'],
      'TypeScript and JavaScript on Google Cloud; Reactive streams',
    );
    expect(skills.has('Java')).toBe(false);
    expect(skills.has('Go')).toBe(false);
    expect(skills.has('React')).toBe(false);
    expect(skills.has('Script')).toBe(false);
    expect(skills.has('JavaScript')).toBe(true);
    expect(skills.has('TypeScript')).toBe(true);
  });

  it('does not match a listed skill by prefix', () => {
    expect(new SkillMatcher(['Java'], '').has('JavaScript')).toBe(false);
    expect(new SkillMatcher(['JavaScript'], '').has('Java')).toBe(false);
  });

  // BUG (skills.ts, SkillMatcher constructor): "." is kept as a word character so that "node.js"
  // survives, which also glues a sentence's full stop to its last word: "…with Python." becomes
  // " python. " and " python " is not found. Remove `.failing` once fixed.
  it('finds a skill mentioned at the end of a sentence', () => {
    expect(new SkillMatcher([], 'Most of my tooling is written in Python.').has('Python')).toBe(
      true,
    );
  });
});

describe('SkillMatcher with the skills vocabulary', () => {
  it('matches any spelling the vocabulary knows, listed or in the text', () => {
    const skills = new SkillMatcher(['RGN'], 'Ward sister; HACCP level 2; ten years of JS');
    expect(skills.has('Registered nurse')).toBe(true);
    expect(skills.has('Food safety')).toBe(true);
    expect(skills.has('JavaScript')).toBe(true);
    expect(skills.has('Payroll')).toBe(false);
  });
});
