import { JobDirectoryStore } from './job-directory.store';
import { parseMatchRecord, toStreamEntry } from './match-stream.entry';
import type { StreamEntry } from './match-stream.entry';
import { MatchStreamHub, TooManyClientsError } from './match-stream.hub';
import type { HubOptions } from './match-stream.hub';
import type { SseSink } from './sse-client.channel';
import { ranking, record } from './test/match-event.fixtures';

class Sink implements SseSink {
  frames: string[] = [];
  destroyed = false;
  constructor(private readonly accepts = true) {}
  write(chunk: string): boolean {
    this.frames.push(chunk);
    return this.accepts;
  }
  once(): this {
    return this;
  }
  end(): void {}
  destroy(): void {
    this.destroyed = true;
  }
  /** SSE ids of the event frames received. */
  get ids(): string[] {
    return this.frames.flatMap((f) => /^id: (\S+)/.exec(f)?.[1] ?? []);
  }
}

const options: HubOptions = {
  replayCapacity: 5,
  maxClients: 3,
  maxPendingBytes: 1 << 20,
  maxPendingFrames: 2,
  retryMs: 3000,
};
let offset = 0;
const jobEntry = (jobId: string): StreamEntry =>
  toStreamEntry(
    parseMatchRecord(record(0, offset++, ranking({ type: 'job', id: jobId }, ['p-1'])))!,
  );

describe('MatchStreamHub', () => {
  let jobs: JobDirectoryStore;
  beforeEach(() => {
    jobs = new JobDirectoryStore(100);
    offset = 0;
  });

  it('fans each event out to the clients whose filter it passes', () => {
    const hub = new MatchStreamHub(options, jobs);
    const all = new Sink();
    const one = new Sink();
    hub.subscribe(all, {});
    hub.subscribe(one, { jobId: 'job-b' });
    for (const id of ['job-a', 'job-b', 'job-c']) hub.relay(jobEntry(id));
    expect(all.ids).toEqual(['0:0', '0:1', '0:2']);
    expect(one.ids).toEqual(['0:1']);
    expect(all.frames[0]).toBe('retry: 3000\n\n');
  });

  it('replays what came after Last-Event-ID, filtered; everything held for an unknown id', () => {
    const hub = new MatchStreamHub(options, jobs);
    for (const id of ['job-a', 'job-b', 'job-a', 'job-b']) hub.relay(jobEntry(id));
    const resumed = new Sink();
    hub.subscribe(resumed, {}, { lastEventId: '0:1' });
    expect(resumed.ids).toEqual(['0:2', '0:3']);
    const filtered = new Sink();
    hub.subscribe(filtered, { jobId: 'job-a' }, { lastEventId: '0:0' });
    expect(filtered.ids).toEqual(['0:2']);
    const unknown = new Sink();
    hub.subscribe(unknown, {}, { lastEventId: '9:999' });
    expect(unknown.ids).toEqual(['0:0', '0:1', '0:2', '0:3']);
  });

  it('starts live-only, or with the held events when asked for the backlog', () => {
    const hub = new MatchStreamHub({ ...options, maxClients: 10 }, jobs);
    hub.relay(jobEntry('job-a'));
    const live = new Sink();
    const backlog = new Sink();
    hub.subscribe(live, {});
    hub.subscribe(backlog, {}, { backlog: true });
    hub.relay(jobEntry('job-b'));
    expect(live.ids).toEqual(['0:1']);
    expect(backlog.ids).toEqual(['0:0', '0:1']);
  });

  it('drops a client that stops draining without holding up the others', () => {
    const dropped: string[] = [];
    const counts: number[] = [];
    const hub = new MatchStreamHub(options, jobs, {
      onDropped: (reason) => dropped.push(reason),
      onClients: (n) => counts.push(n),
    });
    const stuck = new Sink(false);
    const healthy = new Sink();
    hub.subscribe(stuck, {});
    hub.subscribe(healthy, {});
    for (let i = 0; i < 5; i++) hub.relay(jobEntry(`job-${i}`));
    expect(stuck.destroyed).toBe(true);
    expect(dropped).toEqual(['pending-frames']);
    expect(hub.clientCount).toBe(1);
    expect(healthy.ids).toHaveLength(5);
    expect(counts.at(-1)).toBe(1);
  });

  it('refuses clients past the limit, and frees a slot on unsubscribe', () => {
    const hub = new MatchStreamHub(options, jobs);
    const unsubscribe = [1, 2, 3].map(() => hub.subscribe(new Sink(), {}));
    expect(hub.isFull).toBe(true);
    expect(() => hub.subscribe(new Sink(), {})).toThrow(TooManyClientsError);
    unsubscribe[0]();
    expect(hub.clientCount).toBe(2);
    hub.subscribe(new Sink(), {});
    hub.closeAll();
    expect(hub.clientCount).toBe(0);
  });

  it('sends heartbeats and knows whether a filter needs the job directory', () => {
    const hub = new MatchStreamHub(options, jobs);
    const sink = new Sink();
    hub.subscribe(sink, { jobId: 'x' });
    expect(hub.filtersByJobFacts).toBe(false);
    hub.subscribe(new Sink(), { category: 'veterinary' });
    expect(hub.filtersByJobFacts).toBe(true);
    hub.heartbeat();
    expect(sink.frames.at(-1)).toBe(': ping\n\n');
  });
});
