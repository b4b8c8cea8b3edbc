import { ReplayRingBuffer } from './replay-ring.buffer';
import { SseClientChannel } from './sse-client.channel';
import type { ChannelBounds, DropReason, SseSink } from './sse-client.channel';
import type { StreamEntry } from './match-stream.entry';
import { matchesFilter, needsJobFacts } from './match-stream.filter';
import type { JobLookup, StreamFilter } from './match-stream.filter';

export interface HubOptions extends ChannelBounds {
  replayCapacity: number;
  maxClients: number;
  /** Reconnect delay the clients are told (SSE `retry:`). */
  retryMs: number;
}

export interface HubHooks {
  onRelayed?: (entry: StreamEntry) => void;
  onClients?: (count: number) => void;
  onDropped?: (reason: DropReason) => void;
}

export interface SubscribeOptions {
  /** Last-Event-ID: replay the held events after it (all held events when it is not held). */
  lastEventId?: string;
  /** Without a Last-Event-ID, start with every held event. */
  backlog?: boolean;
}

export class TooManyClientsError extends Error {}

const HEARTBEAT = ': ping\n\n';

interface Client {
  channel: SseClientChannel;
  filter: StreamFilter;
}

/**
 * Fans match events out to SSE clients: one entry in, a filter check and a shared frame written
 * per client, synchronously, so a relayed event never waits on a client. Recent entries are kept
 * for clients that reconnect with Last-Event-ID.
 *
 * Resume semantics: entries are held in arrival order; after a known id the client gets exactly
 * the entries that arrived after it. After an id this process does not hold (too old, or another
 * gateway instance), it gets every held entry: a ranking event carries its subject's complete
 * top-K, so a repeat is harmless while a gap is not.
 */
export class MatchStreamHub {
  private readonly ring: ReplayRingBuffer<StreamEntry>;
  private readonly clients = new Set<Client>();

  constructor(
    private readonly options: HubOptions,
    private readonly jobs: JobLookup,
    private readonly hooks: HubHooks = {},
  ) {
    this.ring = new ReplayRingBuffer(options.replayCapacity);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get isFull(): boolean {
    return this.clients.size >= this.options.maxClients;
  }

  /** Whether any client filters by company or category (which need the job directory). */
  get filtersByJobFacts(): boolean {
    for (const client of this.clients) if (needsJobFacts(client.filter)) return true;
    return false;
  }

  relay(entry: StreamEntry): void {
    this.ring.push(entry);
    this.hooks.onRelayed?.(entry);
    for (const client of this.clients) {
      if (matchesFilter(entry, client.filter, this.jobs)) client.channel.send(entry.frame);
    }
  }

  /** Registers a client; the returned function unregisters it (call it when the socket closes). */
  subscribe(sink: SseSink, filter: StreamFilter, options: SubscribeOptions = {}): () => void {
    if (this.isFull) throw new TooManyClientsError();
    const client: Client = {
      filter,
      channel: new SseClientChannel(sink, this.options, (reason) => {
        this.remove(client);
        this.hooks.onDropped?.(reason);
      }),
    };
    client.channel.send(`retry: ${this.options.retryMs}\n\n`);
    let replay: StreamEntry[] = [];
    if (options.lastEventId !== undefined) {
      replay = this.ring.after(options.lastEventId) ?? this.ring.toArray();
    } else if (options.backlog) {
      replay = this.ring.toArray();
    }
    client.channel.replay(
      replay.filter((e) => matchesFilter(e, filter, this.jobs)).map((e) => e.frame),
    );
    this.clients.add(client);
    this.hooks.onClients?.(this.clients.size);
    return () => {
      client.channel.close();
      this.remove(client);
    };
  }

  /** Keeps idle connections (and proxies in between) from timing out; bounded like any frame. */
  heartbeat(): void {
    for (const client of this.clients) client.channel.send(HEARTBEAT);
  }

  closeAll(): void {
    for (const client of [...this.clients]) {
      client.channel.close();
      this.remove(client);
    }
  }

  private remove(client: Client): void {
    if (this.clients.delete(client)) this.hooks.onClients?.(this.clients.size);
  }
}
