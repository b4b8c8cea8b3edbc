import { envBool, envInt, infrastructureEnv, loadConfig } from '@matchstream/config';
import { z } from 'zod';

const schema = z.object({
  ...infrastructureEnv,
  GATEWAY_HTTP_PORT: envInt(3003, 0, 65535),
  /** Batch routes read bodies up to this many bytes (single events stop at LIMITS.maxEventBytes). */
  GATEWAY_BATCH_BODY_BYTES: envInt(8 * 1024 * 1024, 1024, 128 * 1024 * 1024),
  /** How long an accepted eventId is remembered: a repeat within it is answered as a duplicate. */
  GATEWAY_IDEMPOTENCY_TTL_S: envInt(24 * 3600, 60, 30 * 24 * 3600),
  /** A request whose produce is not acknowledged by then answers 503 (the client retries). */
  GATEWAY_PRODUCE_TIMEOUT_MS: envInt(15000, 1000, 300000),
  /** Recent match events kept for replay after a reconnect (Last-Event-ID). */
  GATEWAY_STREAM_REPLAY_EVENTS: envInt(1000, 0, 100000),
  GATEWAY_STREAM_HEARTBEAT_MS: envInt(15000, 100, 300000),
  /** A client whose socket does not drain is closed once this much is pending for it. */
  GATEWAY_STREAM_CLIENT_MAX_BYTES: envInt(1024 * 1024, 16 * 1024, 64 * 1024 * 1024),
  GATEWAY_STREAM_CLIENT_MAX_EVENTS: envInt(500, 1, 100000),
  GATEWAY_STREAM_MAX_CLIENTS: envInt(1000, 1, 100000),
  /** Jobs whose company and categories are remembered for the stream's filters. */
  GATEWAY_JOB_DIRECTORY_MAX: envInt(200000, 1, 10000000),
  /** Candidates whose headline is remembered for the stream's display fields. */
  GATEWAY_PROFILE_DIRECTORY_MAX: envInt(200000, 1, 10000000),
  /**
   * Whether the stream's display fields carry candidates' names. Off by default: a dashboard
   * reads headlines, and personal details stay out of the stream unless an operator opts in.
   */
  GATEWAY_STREAM_CANDIDATE_NAMES: envBool(false),
  /** How long a job's ranking may wait for its document to reach the job directory. */
  GATEWAY_JOB_DIRECTORY_WAIT_MS: envInt(1000, 0, 30000),
});

export type GatewayConfig = z.infer<typeof schema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export function loadGatewayConfig(
  env: Record<string, string | undefined> = process.env,
): GatewayConfig {
  return loadConfig(schema, env);
}
