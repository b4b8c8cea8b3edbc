import { DEAD_LETTER_HEADERS, TOPICS } from '@matchstream/contracts';
import type { DeadLetterReason } from '@matchstream/contracts';
import type { ConsumedRecord } from './consumed-record';
import type { EventPublisher } from './event-publisher';

export interface DeadLetter {
  record: ConsumedRecord;
  reason: DeadLetterReason;
  detail: string;
}

/**
 * Writes dead letters: the original key and bytes untouched, the original headers kept, and the
 * reason and source position added as headers. Resolves once the broker has acknowledged them.
 */
export class DeadLetterPublisher {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly serviceName: string,
    private readonly onDeadLetter: (topic: string, reason: DeadLetterReason) => void = () =>
      undefined,
  ) {}

  async publish(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const failedAt = new Date().toISOString();
    await this.publisher.publish(
      TOPICS.deadLetters,
      letters.map(({ record, reason, detail }) => ({
        key: record.key,
        value: record.value ?? Buffer.alloc(0),
        headers: {
          ...record.headers,
          [DEAD_LETTER_HEADERS.reason]: reason,
          [DEAD_LETTER_HEADERS.detail]: detail.slice(0, 1000),
          [DEAD_LETTER_HEADERS.sourceTopic]: record.topic,
          [DEAD_LETTER_HEADERS.sourcePartition]: String(record.partition),
          [DEAD_LETTER_HEADERS.sourceOffset]: record.offset,
          [DEAD_LETTER_HEADERS.failedAt]: failedAt,
          [DEAD_LETTER_HEADERS.service]: this.serviceName,
        },
      })),
    );
    for (const { record, reason } of letters) this.onDeadLetter(record.topic, reason);
  }
}
