/** The part of an HTTP response a channel writes to (a ServerResponse, or a fake in tests). */
export interface SseSink {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
  end(): void;
  destroy(): void;
}

export interface ChannelBounds {
  /** Bytes of frames waiting for the socket to drain before the client is dropped. */
  maxPendingBytes: number;
  /** Frames waiting for the socket to drain before the client is dropped. */
  maxPendingFrames: number;
}

export type DropReason = 'pending-bytes' | 'pending-frames';

/**
 * One SSE client. Frames go straight to the socket while it keeps up; once the socket asks to
 * wait (write returned false) they queue here until 'drain'. A client whose queue passes either
 * bound is dropped (socket destroyed, memory freed): one slow reader never blocks the fan-out or
 * grows the gateway's memory. A replay backlog is written at the socket's pace and does not count
 * against the bounds (it is a slice of the shared replay buffer, not a copy).
 */
export class SseClientChannel {
  private readonly queue: string[] = [];
  private queueHead = 0;
  private queuedBytes = 0;
  private backlog: readonly string[] = [];
  private backlogHead = 0;
  private waitingForDrain = false;
  private closed = false;

  constructor(
    private readonly sink: SseSink,
    private readonly bounds: ChannelBounds,
    private readonly onDrop: (reason: DropReason) => void = () => undefined,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Frames queued behind a socket that is not draining. */
  get pendingFrames(): number {
    return this.queue.length - this.queueHead;
  }

  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** Writes these frames first (before anything sent later), as the socket drains. */
  replay(frames: readonly string[]): void {
    if (this.closed || frames.length === 0) return;
    this.backlog = frames;
    this.backlogHead = 0;
    if (!this.waitingForDrain) this.flush();
  }

  /** Returns false when the client is (now) closed. */
  send(frame: string): boolean {
    if (this.closed) return false;
    if (
      !this.waitingForDrain &&
      this.backlogHead >= this.backlog.length &&
      this.pendingFrames === 0
    ) {
      this.write(frame);
      return !this.closed;
    }
    this.queue.push(frame);
    this.queuedBytes += Buffer.byteLength(frame, 'utf8');
    if (this.pendingFrames > this.bounds.maxPendingFrames) this.drop('pending-frames');
    else if (this.queuedBytes > this.bounds.maxPendingBytes) this.drop('pending-bytes');
    return !this.closed;
  }

  /** Ends the response normally (shutdown, client gone). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
    this.sink.end();
  }

  private drop(reason: DropReason): void {
    this.closed = true;
    this.release();
    // destroy, not end: end() would queue behind the very bytes that are not draining.
    this.sink.destroy();
    this.onDrop(reason);
  }

  private write(frame: string): void {
    if (!this.sink.write(frame)) {
      this.waitingForDrain = true;
      this.sink.once('drain', () => this.flush());
    }
  }

  private flush(): void {
    this.waitingForDrain = false;
    while (!this.closed && !this.waitingForDrain) {
      let frame: string;
      if (this.backlogHead < this.backlog.length) {
        frame = this.backlog[this.backlogHead++];
      } else if (this.queueHead < this.queue.length) {
        frame = this.queue[this.queueHead++];
        this.queuedBytes -= Buffer.byteLength(frame, 'utf8');
      } else {
        break;
      }
      this.write(frame);
    }
    if (this.backlogHead >= this.backlog.length) {
      this.backlog = [];
      this.backlogHead = 0;
    }
    if (this.queueHead >= this.queue.length) {
      this.queue.length = 0;
      this.queueHead = 0;
    } else if (this.queueHead > 1024) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }

  private release(): void {
    this.queue.length = 0;
    this.queueHead = 0;
    this.queuedBytes = 0;
    this.backlog = [];
    this.backlogHead = 0;
  }
}
