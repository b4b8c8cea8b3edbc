import { z } from 'zod';
import { identifier } from './common.schema';
import { matchRankingEvent, matchRetractedEvent } from './match-event.schema';

/**
 * What the gateway's SSE stream (GET /v1/stream/matches) sends: a match event exactly as the
 * matching service published it, plus optional display fields the gateway fills from the
 * documents it has seen, so a dashboard needs no second lookup. The matches topic itself carries
 * ids only. A candidate's name is present only where the gateway is configured to show it.
 */
export const jobDisplay = z.object({ title: z.string(), company: z.string() });
export const profileDisplay = z.object({ headline: z.string(), name: z.string().optional() });

export const streamDisplay = z.object({
  /** By job id: the subject or counterpart jobs the gateway knows. */
  jobs: z.record(identifier, jobDisplay).optional(),
  /** By profile id: the subject or counterpart candidates the gateway knows. */
  profiles: z.record(identifier, profileDisplay).optional(),
});
export type StreamDisplay = z.infer<typeof streamDisplay>;

export const streamMatchEvent = z.discriminatedUnion('schema', [
  matchRankingEvent.extend({ display: streamDisplay.optional() }),
  matchRetractedEvent.extend({ display: streamDisplay.optional() }),
]);
export type StreamMatchEvent = z.infer<typeof streamMatchEvent>;
