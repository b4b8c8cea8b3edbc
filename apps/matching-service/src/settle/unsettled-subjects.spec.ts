import type { Cause } from '../apply/cause';
import { UnsettledSubjects } from './unsettled-subjects';

const changed = (id: string): Cause => ({ trigger: 'subject-changed', causationEventId: id });
const removed = (id: string): Cause => ({ trigger: 'subject-removed', causationEventId: id });

function causes(unsettled: UnsettledSubjects): Record<string, Cause> {
  return Object.fromEntries(unsettled.entries());
}

describe('UnsettledSubjects', () => {
  it("gives a subject its own cause, and a counterpart's change or removal to those it touched", () => {
    const unsettled = new UnsettledSubjects();
    const own = new Map([
      ['job:j1', changed('e1')],
      ['profile:p9', removed('e2')],
    ]);
    unsettled.noteChunk(
      new Map([
        ['job:j1', 'job:j1'],
        ['profile:p1', 'job:j1'],
        ['job:j2', 'profile:p9'],
      ]),
      own,
    );
    expect(causes(unsettled)).toEqual({
      'job:j1': changed('e1'),
      'profile:p1': { trigger: 'counterpart-changed', causationEventId: 'e1' },
      'job:j2': { trigger: 'counterpart-removed', causationEventId: 'e2' },
    });
  });

  it("keeps a pending own change over a later counterpart's, not over a later own change", () => {
    const unsettled = new UnsettledSubjects();
    unsettled.set('job:j1', changed('e1'));
    unsettled.set('job:j2', { trigger: 'counterpart-changed', causationEventId: 'e0' });
    unsettled.noteChunk(
      new Map([
        ['job:j1', 'profile:p1'],
        ['job:j2', 'profile:p1'],
      ]),
      new Map([['profile:p1', changed('e3')]]),
    );
    expect(causes(unsettled)['job:j1']).toEqual(changed('e1'));
    expect(causes(unsettled)['job:j2']).toEqual({
      trigger: 'counterpart-changed',
      causationEventId: 'e3',
    });
    unsettled.noteChunk(new Map([['job:j1', 'job:j1']]), new Map([['job:j1', removed('e4')]]));
    expect(causes(unsettled)['job:j1']).toEqual(removed('e4'));
    expect(unsettled.isEmpty).toBe(false);
    unsettled.clear();
    expect(unsettled.isEmpty).toBe(true);
  });
});
