import { join } from 'node:path';
import { devJobToPayload, devSetDirs, devSetName, loadDevSet, resumeToProfile } from './dev-set';
import { baselines } from './quality-run';

// A tiny, invented set in the data set's format (bench/src/quality/fixtures/tiny-dev-set).
const FIXTURE = join(__dirname, 'fixtures', 'tiny-dev-set');

describe('dev set', () => {
  it('loads records and the mapping, leaving out jobs of unmapped labels', () => {
    const set = loadDevSet(FIXTURE)!;
    expect(set.resumes).toHaveLength(4);
    expect(set.jobs.map((j) => j.id)).toEqual(['j1', 'j2']);
    expect(set.mapping.get('Healthcare & Nursing')).toEqual(new Set(['HEALTHCARE']));
  });

  it('is absent, not an error, when its files are missing', () => {
    expect(loadDevSet(join(FIXTURE, 'nowhere'))).toBeNull();
  });

  it('takes the folders QUALITY_DATA_DIRS or QUALITY_DATA_DIR name, in order', () => {
    expect(devSetDirs({ QUALITY_DATA_DIRS: `${FIXTURE}, ${FIXTURE}/b` })).toEqual([
      FIXTURE,
      join(FIXTURE, 'b'),
    ]);
    expect(devSetDirs({ QUALITY_DATA_DIR: FIXTURE })).toEqual([FIXTURE]);
    expect(devSetName(FIXTURE)).toBe('tiny-dev-set');
  });

  it('otherwise finds every quality-* folder of the shared data above the repository', () => {
    for (const dir of devSetDirs({})) expect(dir).toMatch(/shared[\\/]data[\\/]quality-[^\\/]+$/);
  });

  it('maps a resume to a profile: opening title as headline, the rest as summary', () => {
    const profile = resumeToProfile(loadDevSet(FIXTURE)!.resumes[1]);
    expect(profile.headline).toBe('STAFF NURSE');
    expect(profile.summary.startsWith('Professional Summary RGN')).toBe(true);
    expect(profile.skills).toEqual([]);
  });

  it('maps a job to a job payload: requirements as sentences, seniority from the title', () => {
    const job = devJobToPayload(loadDevSet(FIXTURE)!.jobs[1]);
    expect(job.requirements).toEqual([
      'RGN qualified. Dementia care experience. Medication rounds.',
    ]);
    expect(job.seniority).toBe('senior');
    expect(job.remotePolicy).toBe('remote');
    expect(devJobToPayload(loadDevSet(FIXTURE)!.jobs[0]).company).toBe('(not given)');
  });

  it('ranks the fixture with BM25 and gives the exact random expectation', () => {
    const { bm25, random } = baselines(loadDevSet(FIXTURE)!);
    // One relevant resume per job, found first by its words: P@10 = 1/10, MRR = 1.
    expect(bm25.p10).toBeCloseTo(0.1, 10);
    expect(bm25.mrr).toBeCloseTo(1, 10);
    expect(random.p10).toBeCloseTo(0.25, 10);
  });
});
