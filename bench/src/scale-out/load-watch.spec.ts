import { HandoverRankings, StartWatch, matchSchemaOf, parseLoadMetrics } from './load-watch';

const METRICS = `# HELP matchstream_matching_load_records Records of the start-up load
# TYPE matchstream_matching_load_records gauge
matchstream_matching_load_records{state="done",mode="bulk",service="matching-service"} 40012
matchstream_matching_load_records{state="expected",mode="bulk",service="matching-service"} 40012
# TYPE matchstream_matching_load_rankings gauge
matchstream_matching_load_rankings{state="done",service="matching-service"} 1500
matchstream_matching_load_rankings{state="expected",service="matching-service"} 40000
matchstream_index_entries{index="profiles"} 20000
`;

describe('parseLoadMetrics', () => {
  it('reads the mode, the records and the rankings, whatever other labels they carry', () => {
    expect(parseLoadMetrics(METRICS)).toEqual({
      mode: 'bulk',
      records: { done: 40012, expected: 40012 },
      rankings: { done: 1500, expected: 40000 },
    });
  });

  it('has nothing before the load reports, and only what is complete', () => {
    expect(parseLoadMetrics('matchstream_index_entries{index="jobs"} 3\n')).toEqual({
      mode: null,
      records: null,
      rankings: null,
    });
    const partial = parseLoadMetrics(
      'matchstream_matching_load_records{state="done",mode="replay"} 0\n',
    );
    expect(partial).toEqual({ mode: 'replay', records: null, rankings: null });
  });
});

describe('StartWatch', () => {
  const bulk = (records: number, rankings: number | null, of = 100) => ({
    mode: 'bulk',
    records: { done: records, expected: of },
    rankings: rankings === null ? null : { done: rankings, expected: of },
  });

  it('dates each point of a bulk load by the first reading that shows it', () => {
    const watch = new StartWatch(1000);
    watch.observe(1500, null, false);
    watch.observe(2000, bulk(40, null), false);
    watch.observe(3000, bulk(100, null), false);
    watch.observe(4000, bulk(100, 50), false);
    watch.observe(5000, bulk(100, 100), false);
    watch.observe(6000, bulk(100, 100), true);
    watch.observe(7000, bulk(100, 100), true);
    expect(watch.current).toEqual({
      loadedMs: 2000,
      rankedMs: 4000,
      readyMs: 5000,
      mode: 'bulk',
      records: 100,
      rankings: 100,
    });
  });

  it('dates a bulk load read between two readings by the one that saw it ranking', () => {
    const watch = new StartWatch(0);
    watch.observe(100, bulk(10, null), false);
    watch.observe(900, { ...bulk(10, 5), records: null }, false);
    expect(watch.current.loadedMs).toBe(900);
  });

  it('leaves a replay from a fresh group without a loaded point: nothing is read at start-up', () => {
    const watch = new StartWatch(0);
    watch.observe(500, { mode: 'replay', records: { done: 0, expected: 0 }, rankings: null }, true);
    expect(watch.current).toMatchObject({ loadedMs: null, readyMs: 500, mode: 'replay' });
  });
});

describe('HandoverRankings', () => {
  const record = (
    key: string,
    timestamp: number,
    causation = 'handover:1',
    schema = 'match.ranking',
  ) => ({
    key,
    causation,
    schema,
    timestamp,
  });

  it("counts each subject once, from the run's handovers after its launch", () => {
    const seen = new HandoverRankings(10_000);
    expect(seen.observe(record('job:a', 10_500))).toBe(true);
    expect(seen.observe(record('job:a', 11_000, 'handover:2'))).toBe(false);
    expect(seen.observe(record('profile:b', 12_000))).toBe(true);
    // Another run's handover (before the launch), a live change, a retraction: not the load's.
    expect(seen.observe(record('job:c', 9_999))).toBe(false);
    expect(seen.observe(record('job:d', 12_500, 'evt-1'))).toBe(false);
    expect(seen.observe(record('job:e', 12_500, 'handover:1', 'match.retracted'))).toBe(false);
    expect(seen.observe({ ...record('x', 12_000), key: null })).toBe(false);
    expect(seen.count).toBe(2);
    expect(seen.lastMs).toBe(2000);
  });

  it('dates the load by the latest first sighting, whatever order the tail reads them in', () => {
    const seen = new HandoverRankings(0);
    seen.observe(record('job:a', 3000));
    seen.observe(record('job:b', 1000));
    expect(seen.lastMs).toBe(3000);
    expect(new HandoverRankings(0).lastMs).toBeNaN();
  });
});

describe('matchSchemaOf', () => {
  it('reads the schema from the head of the value, or from the whole of it', () => {
    const ranking = Buffer.from(JSON.stringify({ schema: 'match.ranking', matches: [] }));
    expect(matchSchemaOf(ranking)).toBe('match.ranking');
    const late = Buffer.from(
      JSON.stringify({ padding: 'x'.repeat(80), schema: 'match.retracted' }),
    );
    expect(matchSchemaOf(late)).toBe('match.retracted');
    expect(matchSchemaOf(Buffer.from('not json'))).toBeNull();
    expect(matchSchemaOf(null)).toBeNull();
  });
});
