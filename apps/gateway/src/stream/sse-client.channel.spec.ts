import { SseClientChannel } from './sse-client.channel';
import type { SseSink } from './sse-client.channel';

/** A socket that accepts `room` writes, then asks to wait until `drain()`. */
class FakeSink implements SseSink {
  written: string[] = [];
  ended = false;
  destroyed = false;
  private drainListeners: (() => void)[] = [];

  constructor(public room = Infinity) {}

  write(chunk: string): boolean {
    this.written.push(chunk);
    this.room -= 1;
    return this.room > 0;
  }
  once(_event: 'drain', listener: () => void): this {
    this.drainListeners.push(listener);
    return this;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  drain(room: number): void {
    this.room = room;
    const listeners = this.drainListeners;
    this.drainListeners = [];
    for (const l of listeners) l();
  }
}

const bounds = { maxPendingBytes: 1024, maxPendingFrames: 3 };

describe('SseClientChannel', () => {
  it('writes straight through while the socket keeps up', () => {
    const sink = new FakeSink();
    const channel = new SseClientChannel(sink, bounds);
    for (let i = 0; i < 100; i++) expect(channel.send(`f${i}`)).toBe(true);
    expect(sink.written).toHaveLength(100);
    expect(channel.pendingFrames).toBe(0);
  });

  it('queues while the socket waits for drain, and flushes in order on drain', () => {
    const sink = new FakeSink(1);
    const channel = new SseClientChannel(sink, bounds);
    channel.send('a');
    channel.send('b');
    channel.send('c');
    expect(sink.written).toEqual(['a']);
    expect(channel.pendingFrames).toBe(2);
    sink.drain(Infinity);
    expect(sink.written).toEqual(['a', 'b', 'c']);
    expect(channel.pendingFrames).toBe(0);
    expect(channel.pendingBytes).toBe(0);
  });

  it('drops a client with more pending frames than allowed, and frees them', () => {
    const sink = new FakeSink(1);
    const dropped: string[] = [];
    const channel = new SseClientChannel(sink, bounds, (reason) => dropped.push(reason));
    channel.send('first');
    for (const f of ['1', '2', '3']) expect(channel.send(f)).toBe(true);
    expect(channel.send('4')).toBe(false);
    expect(dropped).toEqual(['pending-frames']);
    expect(sink.destroyed).toBe(true);
    expect(channel.isClosed).toBe(true);
    expect(channel.pendingFrames).toBe(0);
    expect(channel.send('5')).toBe(false);
  });

  it('drops a client with more pending bytes than allowed', () => {
    const sink = new FakeSink(1);
    const dropped: string[] = [];
    const channel = new SseClientChannel(sink, bounds, (reason) => dropped.push(reason));
    channel.send('first');
    expect(channel.send('x'.repeat(600))).toBe(true);
    expect(channel.send('x'.repeat(600))).toBe(false);
    expect(dropped).toEqual(['pending-bytes']);
  });

  it('writes a replay backlog at the socket pace without counting it against the bounds', () => {
    const sink = new FakeSink(2);
    const channel = new SseClientChannel(sink, bounds);
    const backlog = Array.from({ length: 10 }, (_, i) => `r${i}`);
    channel.replay(backlog);
    channel.send('live');
    expect(channel.isClosed).toBe(false);
    while (sink.written.length < 11) sink.drain(2);
    expect(sink.written).toEqual([...backlog, 'live']);
  });

  it('ends the response on close and ignores later frames', () => {
    const sink = new FakeSink();
    const channel = new SseClientChannel(sink, bounds);
    channel.close();
    expect(sink.ended).toBe(true);
    expect(channel.send('late')).toBe(false);
    expect(sink.written).toEqual([]);
  });
});
