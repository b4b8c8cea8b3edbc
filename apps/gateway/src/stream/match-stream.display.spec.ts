import { JobDirectoryStore } from './job-directory.store';
import { displayFor } from './match-stream.display';
import { ProfileDirectoryStore } from './profile-directory.store';

describe('displayFor', () => {
  const jobs = new JobDirectoryStore(10);
  jobs.set('job-vet', { title: 'Clinical Director', company: 'Dale Vets', categories: ['vet'] });
  const profiles = new ProfileDirectoryStore(10, false);
  profiles.set('p-1', { headline: 'Senior small animal vet', name: 'Ada Lovelace' });
  profiles.set('p-2', { headline: 'Locum vet', name: 'Grace Hopper' });

  it("names a job ranking's job and its known candidates, never their names by default", () => {
    const display = displayFor(
      { subjectType: 'job', subjectId: 'job-vet', counterpartIds: ['p-1', 'p-unknown', 'p-2'] },
      jobs,
      profiles,
    );
    expect(display).toEqual({
      jobs: { 'job-vet': { title: 'Clinical Director', company: 'Dale Vets' } },
      profiles: {
        'p-1': { headline: 'Senior small animal vet' },
        'p-2': { headline: 'Locum vet' },
      },
    });
    expect(JSON.stringify(display)).not.toMatch(/Ada|Grace/);
  });

  it("names a candidate ranking's candidate and its jobs, and names when configured", () => {
    const named = new ProfileDirectoryStore(10, true);
    named.set('p-1', { headline: 'Senior small animal vet', name: 'Ada Lovelace' });
    expect(
      displayFor(
        { subjectType: 'profile', subjectId: 'p-1', counterpartIds: ['job-vet'] },
        jobs,
        named,
      ),
    ).toEqual({
      jobs: { 'job-vet': { title: 'Clinical Director', company: 'Dale Vets' } },
      profiles: { 'p-1': { headline: 'Senior small animal vet', name: 'Ada Lovelace' } },
    });
  });

  it('is undefined when the gateway knows none of them', () => {
    expect(
      displayFor({ subjectType: 'job', subjectId: 'gone', counterpartIds: ['x'] }, jobs, profiles),
    ).toBeUndefined();
  });
});
