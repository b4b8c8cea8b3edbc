import type { BulkSeeding, SeedingComparison } from './bulk-seeding';
import type { MaintenanceRun } from './maintenance-bench';
import { bulkTable, seedingTable } from './maintenance-table';

/** A run with only what the bulk tables read. */
function run(bulk: Partial<BulkSeeding>, floorNsPerPair: number, seeding?: SeedingComparison) {
  return {
    bulk: {
      perSide: 10_000,
      pairs: 1e8,
      computed: 5.5e7,
      rescored: 4e6,
      rankings: 20_000,
      seconds: 5,
      nsPerPair: 50,
      kernelNsPerPair: 25,
      extrapolatedSeconds1M: 50_000,
      ...bulk,
    },
    scan: { floorNsPerPair },
    seeding,
  } as unknown as MaintenanceRun;
}

describe('bulkTable', () => {
  it('holds the pass and its kernel against the floor of the same run, and extrapolates', () => {
    const [, , row] = bulkTable([run({}, 100)]);
    expect(row).toBe(
      '| 10,000 | 1.00e+8 | 55% | 4.00% | 5.0 s | 50.0 (200%) | 2.00e+7 | 25.0 (400%) | 100 | ≤ 13.9 h |',
    );
  });

  it('says minutes and hours where seconds would be long', () => {
    const [, , row] = bulkTable([run({ seconds: 600, extrapolatedSeconds1M: 3000 }, 100)]);
    expect(row).toContain('| 10.0 min |');
    expect(row).toContain('| ≤ 50.0 min |');
  });
});

describe('seedingTable', () => {
  it('lists the runs that seeded both ways, and says when they disagree', () => {
    const agree = {
      perSide: 2000,
      singleSeconds: 20,
      bulkSeconds: 2,
      speedUp: 10,
      identical: true,
    };
    const rows = seedingTable([
      run({}, 100, agree),
      run({}, 100),
      run({}, 100, { ...agree, identical: false }),
    ]);
    expect(rows.slice(2)).toEqual([
      '| 2,000 | 20.0 s | 2.0 s | 10.0× | yes |',
      '| 2,000 | 20.0 s | 2.0 s | 10.0× | NO |',
    ]);
  });
});
