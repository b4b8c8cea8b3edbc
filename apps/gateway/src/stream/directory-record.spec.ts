import { applyDirectoryRecord } from './directory-record';
import { JobDirectoryStore } from './job-directory.store';
import { ProfileDirectoryStore } from './profile-directory.store';

const embedded = (entityType: 'job' | 'profile', entityId: string, document: object) =>
  Buffer.from(
    JSON.stringify({
      type: 'entity.embedded',
      entityType,
      entityId,
      schemaVersion: 1,
      vector: 'AAAA',
      dimension: 1,
      document,
    }),
  );
const removed = (entityType: 'job' | 'profile', entityId: string) =>
  Buffer.from(JSON.stringify({ type: 'entity.removed', entityType, entityId, schemaVersion: 1 }));

describe('applyDirectoryRecord', () => {
  let jobs: JobDirectoryStore;
  let profiles: ProfileDirectoryStore;
  beforeEach(() => {
    jobs = new JobDirectoryStore(10);
    profiles = new ProfileDirectoryStore(10, false);
  });

  it("keeps a job's title, company and categories, also after the job is removed", () => {
    const job = { title: 'Vet', company: 'Paws', categories: ['vet'], description: 'ignored' };
    applyDirectoryRecord('job:j-1', embedded('job', 'j-1', job), jobs, profiles);
    applyDirectoryRecord('job:j-1', removed('job', 'j-1'), jobs, profiles);
    expect(jobs.get('j-1')).toEqual({
      title: 'Vet',
      company: 'paws',
      companyName: 'Paws',
      categories: ['vet'],
    });
  });

  it("keeps a candidate's headline, not the rest, and forgets a removed candidate", () => {
    const profile = { name: 'Ada', headline: 'Small animal vet', summary: 'private detail' };
    applyDirectoryRecord('profile:p-1', embedded('profile', 'p-1', profile), jobs, profiles);
    expect(profiles.get('p-1')).toEqual({ headline: 'Small animal vet' });
    applyDirectoryRecord('profile:p-1', removed('profile', 'p-1'), jobs, profiles);
    expect(profiles.get('p-1')).toBeUndefined();
  });

  it('skips records it cannot read, and records keyed as neither side', () => {
    applyDirectoryRecord('job:j-2', Buffer.from('{oops'), jobs, profiles);
    applyDirectoryRecord(
      'job:j-3',
      embedded('job', 'j-3', { title: 'No company' }),
      jobs,
      profiles,
    );
    applyDirectoryRecord(
      'other:x',
      embedded('job', 'x', { title: 'T', company: 'C' }),
      jobs,
      profiles,
    );
    applyDirectoryRecord(
      undefined,
      embedded('job', 'y', { title: 'T', company: 'C' }),
      jobs,
      profiles,
    );
    expect(jobs.size).toBe(0);
    expect(profiles.size).toBe(0);
  });
});
