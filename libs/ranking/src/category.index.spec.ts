import { CategoryIndex } from './category.index';

describe('CategoryIndex', () => {
  it('narrows to ids sharing a category, plus ids naming none', () => {
    const index = new CategoryIndex();
    index.set('a', ['engineering']);
    index.set('b', ['design', 'engineering']);
    index.set('c', ['sales']);
    index.set('d', []);
    for (let i = 0; i < 10; i++) index.set(`other-${i}`, ['legal-other']);
    expect([...index.candidatesFor(['engineering'])!].sort()).toEqual(['a', 'b', 'd']);
    expect([...index.candidatesFor(['sales', 'design'])!].sort()).toEqual(['b', 'c', 'd']);
    expect([...index.candidatesFor(['legal'])!]).toEqual(['d']);
  });

  it('does not narrow for a counterpart naming no category', () => {
    const index = new CategoryIndex();
    index.set('a', ['engineering']);
    expect(index.candidatesFor([])).toBeNull();
  });

  it('does not narrow when most ids could pass anyway', () => {
    const index = new CategoryIndex();
    index.set('a', ['engineering']);
    index.set('b', ['engineering']);
    index.set('c', ['sales']);
    expect(index.candidatesFor(['engineering'])).toBeNull();
    expect([...index.candidatesFor(['sales'])!]).toEqual(['c']);
  });

  it('follows changes and removals', () => {
    const index = new CategoryIndex();
    for (let i = 0; i < 10; i++) index.set(`other-${i}`, ['legal']);
    index.set('a', ['engineering']);
    index.set('a', ['sales']);
    expect([...index.candidatesFor(['engineering'])!]).toEqual([]);
    expect([...index.candidatesFor(['sales'])!]).toEqual(['a']);
    index.set('b', []);
    index.delete('a');
    index.delete('b');
    index.delete('never-there');
    expect(index.size).toBe(10);
    expect([...index.candidatesFor(['sales'])!]).toEqual([]);
  });
});
