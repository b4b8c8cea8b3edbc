import { z } from 'zod';
import { entityVectorEvent } from './entity-vector-event.schema';
import { inputEvent } from './input-event.schema';
import { jobPayload } from './job.schema';
import { matchEvent } from './match-event.schema';
import { profilePayload } from './profile.schema';
import { streamMatchEvent } from './stream-event.schema';

/** JSON Schema documents for producers and consumers outside this codebase, by file name. */
export function buildJsonSchemas(): Record<string, unknown> {
  const io = { io: 'input' as const, unrepresentable: 'any' as const };
  return {
    'input-event.v1.schema.json': z.toJSONSchema(inputEvent, io),
    'profile-payload.v1.schema.json': z.toJSONSchema(profilePayload, io),
    'job-payload.v1.schema.json': z.toJSONSchema(jobPayload, io),
    'entity-vector-event.v1.schema.json': z.toJSONSchema(entityVectorEvent, {
      unrepresentable: 'any',
    }),
    'match-event.v1.schema.json': z.toJSONSchema(matchEvent, { unrepresentable: 'any' }),
    'stream-match-event.v1.schema.json': z.toJSONSchema(streamMatchEvent, {
      unrepresentable: 'any',
    }),
  };
}
