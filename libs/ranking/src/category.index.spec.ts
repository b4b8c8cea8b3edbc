import { CategoryIndex } from './category.index';

describe('CategoryIndex', () => {
  it('narrows to ids sharing a category, plus ids naming none', () => {
    const index = new CategoryIndex();
    index.set('a', ['engineering']);
    index.set('b', ['design', 'engineering']);
    index.set('c', ['sales']);
    index.set('d', []);
    expect([...index.candidatesFor(['engineering'])!].sort()).toEqual(['a', 'b', 'd']);
    expect([...index.candidatesFor(['sales', 'design'])!].sort()).toEqual(['b', 'c', 'd']);
    expect([...index.candidatesFor(['legal'])!]).toEqual(['d']);
  });

  it('does not narrow for a counterpart naming no category', () => {
    const index = new CategoryIndex();
    index.set('a', ['engineering']);
    expect(index.candidatesFor([])).toBeNull();
  });

  it('follows changes and removals', () => {
    const index = new CategoryIndex();
    index.set('a', ['engineering']);
    index.set('a', ['sales']);
    expect([...index.candidatesFor(['engineering'])!]).toEqual([]);
    expect([...index.candidatesFor(['sales'])!]).toEqual(['a']);
    index.set('b', []);
    index.delete('a');
    index.delete('b');
    index.delete('never-there');
    expect(index.size).toBe(0);
    expect([...index.candidatesFor(['sales'])!]).toEqual([]);
  });
});
