import type { Kafka, Producer } from 'kafkajs';
import { CompressionTypes, Partitioners } from 'kafkajs';

/**
 * Compression pays off on a real network with large match events; on one machine it costs CPU on
 * both ends of every hop, so it is off unless configured (KAFKA_COMPRESSION). Every Kafka codec is
 * registered with kafkajs by createKafkaClient (see codecs/register-compression-codecs.ts).
 */
export const KAFKA_COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type KafkaCompression = (typeof KAFKA_COMPRESSIONS)[number];

const COMPRESSION_TYPES: Record<KafkaCompression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

export interface OutgoingMessage {
  key: string | null;
  value: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * An idempotent producer that resolves only when every message is acknowledged by all in-sync
 * replicas: callers commit their input offsets after `publish` returns, never before.
 */
export class EventPublisher {
  private readonly producer: Producer;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly onProduced: (topic: string, count: number) => void = () => undefined,
    private readonly compression: KafkaCompression = 'none',
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      // Murmur2, as the Java client: keys land on the same partitions whoever produces them.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Idempotence needs unbounded retries; a publish during a broker outage waits for it.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
    this.connected = false;
  }

  /**
   * Sends in requests of at most MAX_REQUEST_BYTES, one after the other (so a key's order holds):
   * a batch over the broker's `message.max.bytes` (1 MiB by default) would be refused whole, and
   * a handover or a wide fan-out can publish thousands of rankings at once.
   */
  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    for (const part of splitByBytes(messages, MAX_REQUEST_BYTES)) {
      await this.producer.send({
        topic,
        acks: -1,
        compression: COMPRESSION_TYPES[this.compression],
        messages: part.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      });
      this.onProduced(topic, part.length);
    }
  }
}

/** Half the broker's default `message.max.bytes`, leaving room for record overhead. */
export const MAX_REQUEST_BYTES = 512 * 1024;

/** Consecutive runs of messages of at most `maxBytes` each (a larger message goes alone). */
export function splitByBytes(messages: OutgoingMessage[], maxBytes: number): OutgoingMessage[][] {
  const parts: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = sizeOf(message);
    if (current.length && bytes + size > maxBytes) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length) parts.push(current);
  return parts;
}

function sizeOf(message: OutgoingMessage): number {
  let size = 64 + Buffer.byteLength(message.key ?? '') + Buffer.byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {}))
    size += Buffer.byteLength(name) + Buffer.byteLength(value);
  return size;
}
