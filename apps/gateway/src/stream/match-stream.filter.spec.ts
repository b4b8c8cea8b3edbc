import { JobDirectoryStore } from './job-directory.store';
import { matchesFilter, streamQuery, toStreamFilter } from './match-stream.filter';

const jobs = new JobDirectoryStore(100);
jobs.set('job-vet', { title: 'Vet', company: '  Paws & Co ', categories: ['veterinary'] });
jobs.set('job-dev', { title: 'Dev', company: 'Acme', categories: ['software'] });

const jobRanking = {
  subjectType: 'job' as const,
  subjectId: 'job-vet',
  counterpartIds: ['p-1', 'p-2'],
};
const profileRanking = {
  subjectType: 'profile' as const,
  subjectId: 'p-1',
  counterpartIds: ['job-dev', 'job-vet'],
};

describe('stream filters', () => {
  it('passes everything without filters', () => {
    expect(matchesFilter(jobRanking, {}, jobs)).toBe(true);
  });

  it('selects by entity: the subject, or a counterpart the ranking lists', () => {
    expect(matchesFilter(jobRanking, { jobId: 'job-vet' }, jobs)).toBe(true);
    expect(matchesFilter(jobRanking, { jobId: 'job-dev' }, jobs)).toBe(false);
    expect(matchesFilter(profileRanking, { jobId: 'job-vet' }, jobs)).toBe(true);
    expect(matchesFilter(jobRanking, { profileId: 'p-2' }, jobs)).toBe(true);
    expect(matchesFilter(jobRanking, { profileId: 'p-3' }, jobs)).toBe(false);
    expect(matchesFilter(jobRanking, { jobId: 'job-vet', profileId: 'p-3' }, jobs)).toBe(false);
  });

  it('selects by company (any case) and category through the job directory', () => {
    const filter = (q: Record<string, string>) => toStreamFilter(streamQuery.parse(q));
    expect(matchesFilter(jobRanking, filter({ company: 'paws & co' }), jobs)).toBe(true);
    expect(matchesFilter(jobRanking, filter({ company: 'Acme' }), jobs)).toBe(false);
    expect(matchesFilter(jobRanking, filter({ category: 'veterinary' }), jobs)).toBe(true);
    expect(matchesFilter(profileRanking, filter({ category: 'software' }), jobs)).toBe(true);
    expect(matchesFilter(profileRanking, filter({ category: 'nursing' }), jobs)).toBe(false);
    // Both must hold for the same job.
    expect(
      matchesFilter(profileRanking, filter({ company: 'acme', category: 'veterinary' }), jobs),
    ).toBe(false);
    const unknownJob = { ...jobRanking, subjectId: 'job-unknown' };
    expect(matchesFilter(unknownJob, filter({ category: 'veterinary' }), jobs)).toBe(false);
  });

  it('validates the query', () => {
    expect(streamQuery.safeParse({ jobId: 'bad id!' }).success).toBe(false);
    expect(streamQuery.safeParse({ category: 'Not A Slug' }).success).toBe(false);
    expect(streamQuery.safeParse({ other: 'x' }).success).toBe(false);
    expect(streamQuery.parse({ backlog: 'true' }).backlog).toBe(true);
    expect(streamQuery.parse({}).backlog).toBe(false);
  });
});
