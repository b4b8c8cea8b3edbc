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

  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.producer.send({
      topic,
      acks: -1,
      compression: COMPRESSION_TYPES[this.compression],
      messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
    });
    this.onProduced(topic, messages.length);
  }
}
