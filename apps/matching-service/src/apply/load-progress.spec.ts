import { describeProgress } from './load-progress';

describe('describeProgress', () => {
  it('tells the share, the rate and the time left', () => {
    expect(describeProgress(1200, 5000, 4000, 'records')).toBe(
      '1200 of 5000 records (24%), 300/s, about 13 s left',
    );
  });

  it('says when no rate is known yet', () => {
    expect(describeProgress(0, 10, 0, 'rankings')).toBe(
      '0 of 10 rankings (0%), 0/s, rate unknown yet',
    );
  });
});
