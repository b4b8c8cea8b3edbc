import type { KafkaMessage } from 'kafkajs';

/** A Kafka message as handlers see it: decoded key and headers, the value's bytes untouched. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

export function toConsumedRecord(
  topic: string,
  partition: number,
  m: KafkaMessage,
): ConsumedRecord {
  const headers: Record<string, string> = {};
  for (const [name, raw] of Object.entries(m.headers ?? {})) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined) headers[name] = value.toString();
  }
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString() : null,
    value: m.value,
    headers,
    timestamp: m.timestamp,
  };
}
