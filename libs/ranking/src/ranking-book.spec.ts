import { RankingBook } from './ranking-book';

const ranking = (...ids: string[]) => ({
  entries: ids.map((id, i) => ({ id, score: 1 - i / 100 })),
  exhaustive: true,
});

describe('RankingBook', () => {
  it('knows which subjects list an entity, in the order they came, however many', () => {
    const book = new RankingBook(3, 5);
    const subjects = Array.from({ length: 120 }, (_, i) => `p${i}`);
    // Past 48 subjects a list becomes a set; it must not change the answers or their order.
    for (const id of subjects) book.set(`profile:${id}`, ranking('hub', `own-${id}`));
    expect([...book.subjectsListing('job', 'hub')]).toEqual(subjects);
    expect([...book.subjectsListing('job', 'own-p7')]).toEqual(['p7']);

    for (const id of subjects.slice(0, 100)) book.delete(`profile:${id}`);
    expect([...book.subjectsListing('job', 'hub')]).toEqual(subjects.slice(100));
    expect(book.subjectsListing('job', 'own-p7').size).toBe(0);
    // Back to a list (at most 24 left), then a subject that comes again goes last.
    book.set('profile:p3', ranking('hub'));
    expect([...book.subjectsListing('job', 'hub')]).toEqual([...subjects.slice(100), 'p3']);
  });

  it('follows folds: an entity that leaves a ranking is no longer listed by it', () => {
    const book = new RankingBook(1, 3);
    book.set('job:j', ranking('a', 'b', 'c'));
    expect(book.fold('job:j', 'b', null)).toBe('changed');
    expect(book.subjectsListing('profile', 'b').size).toBe(0);
    expect([...book.subjectsListing('profile', 'a')]).toEqual(['j']);
    expect(book.fold('job:j', 'd', 0.995)).toBe('changed');
    expect([...book.subjectsListing('profile', 'd')]).toEqual(['j']);
    book.delete('job:j');
    for (const id of ['a', 'c', 'd']) expect(book.subjectsListing('profile', id).size).toBe(0);
  });
});
