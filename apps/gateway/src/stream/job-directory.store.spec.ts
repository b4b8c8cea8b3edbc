import { JobDirectoryStore } from './job-directory.store';

describe('JobDirectoryStore', () => {
  it('forgets the least recently written job past its bound', () => {
    const store = new JobDirectoryStore(2);
    store.set('a', { title: 'T', company: 'A', categories: [] });
    store.set('b', { title: 'T', company: 'B', categories: [] });
    store.set('a', { title: 'T', company: 'A2', categories: ['x'] });
    store.set('c', { title: 'T', company: 'C', categories: [] });
    expect(store.size).toBe(2);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toEqual({
      title: 'T',
      company: 'a2',
      companyName: 'A2',
      categories: ['x'],
    });
  });

  it('wakes a waiter when the job arrives, and times out otherwise', async () => {
    const store = new JobDirectoryStore(10);
    const waiting = store.waitFor('late', 5000);
    store.set('late', { title: 'T', company: 'L', categories: [] });
    await expect(waiting).resolves.toBe(true);
    await expect(store.waitFor('never', 20)).resolves.toBe(false);
    await expect(store.waitFor('late', 0)).resolves.toBe(true);
  });
});
