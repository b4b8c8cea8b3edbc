import { ProfileDirectoryStore } from './profile-directory.store';

const doc = (headline: string) => ({ headline, name: `Name of ${headline}` });

describe('ProfileDirectoryStore', () => {
  it('keeps headlines only, forgets the least recently written past its bound', () => {
    const store = new ProfileDirectoryStore(2, false);
    store.set('a', doc('A'));
    store.set('b', doc('B'));
    store.set('a', doc('A2'));
    store.set('c', doc('C'));
    expect(store.size).toBe(2);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toEqual({ headline: 'A2' });
  });

  it('keeps names only when configured to, and forgets a removed profile', () => {
    const store = new ProfileDirectoryStore(10, true);
    store.set('a', doc('A'));
    expect(store.get('a')).toEqual({ headline: 'A', name: 'Name of A' });
    store.delete('a');
    expect(store.get('a')).toBeUndefined();
    expect(store.size).toBe(0);
  });
});
