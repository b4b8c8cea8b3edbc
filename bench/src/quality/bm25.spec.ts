import { Bm25Index, bm25Tokens } from './bm25';

describe('BM25 baseline', () => {
  it('tokenises as the data set baseline: lower case, two characters or more, no stopwords', () => {
    expect(bm25Tokens('The Nurse, RGN/RMN & a 24h rota')).toEqual([
      'nurse',
      'rgn',
      'rmn',
      '24h',
      'rota',
    ]);
  });

  it('ranks documents sharing rarer query terms first, ties in document order', () => {
    const index = new Bm25Index([
      'chef kitchen menu',
      'nurse ward patients care',
      'nurse care home',
      'accountant ledger',
    ]);
    expect(index.rank('ward nurse').slice(0, 2)).toEqual([1, 2]);
    expect(index.rank('nothing matches')).toEqual([0, 1, 2, 3]);
  });
});
