import { entityVectorEvent, formatIssues } from '@matchstream/contracts';
import type { EntityVectorEvent } from '@matchstream/contracts';
import type { ConsumedRecord, DeadLetter } from '@matchstream/kafka';

/**
 * One entity-vector record as the matching service accepts it: valid JSON, the contract, and a
 * vector of the model this index holds (vectors of two models must never mix in one index).
 * Otherwise the reason it goes to the dead-letter topic.
 */
export function decodeEntityVector(
  record: ConsumedRecord,
  modelId: string,
): { event: EntityVectorEvent } | { letter: DeadLetter } {
  let value: unknown;
  try {
    value = JSON.parse(record.value?.toString('utf8') ?? '');
  } catch {
    return {
      letter: { record, reason: 'malformed-json', detail: 'entity-vector event is not JSON' },
    };
  }
  const parsed = entityVectorEvent.safeParse(value);
  if (!parsed.success) {
    return {
      letter: { record, reason: 'schema-violation', detail: formatIssues(parsed.error.issues) },
    };
  }
  const event = parsed.data;
  if (event.type === 'entity.embedded' && event.modelId !== modelId) {
    return {
      letter: {
        record,
        reason: 'model-mismatch',
        detail: `vector of ${event.modelId}; this index holds ${modelId}`,
      },
    };
  }
  return { event };
}
