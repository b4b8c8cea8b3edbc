import { ConfigError } from '@matchstream/config';
import { loadGatewayConfig } from './gateway.config';

describe('loadGatewayConfig', () => {
  it('has working defaults', () => {
    const config = loadGatewayConfig({});
    expect(config.GATEWAY_HTTP_PORT).toBe(3003);
    expect(config.GATEWAY_STREAM_REPLAY_EVENTS).toBe(1000);
    expect(config.GATEWAY_STREAM_HEARTBEAT_MS).toBe(15000);
    expect(config.GATEWAY_IDEMPOTENCY_TTL_S).toBe(86400);
    expect(config.API_KEYS).toEqual([]);
    expect(config.GATEWAY_STREAM_CANDIDATE_NAMES).toBe(false);
  });

  it('shows candidates names only when told to, and refuses a flag it cannot read', () => {
    expect(
      loadGatewayConfig({ GATEWAY_STREAM_CANDIDATE_NAMES: 'true' }).GATEWAY_STREAM_CANDIDATE_NAMES,
    ).toBe(true);
    expect(() => loadGatewayConfig({ GATEWAY_STREAM_CANDIDATE_NAMES: 'maybe' })).toThrow(
      /GATEWAY_STREAM_CANDIDATE_NAMES/,
    );
  });

  it('allows port 0 and names bad variables', () => {
    expect(loadGatewayConfig({ GATEWAY_HTTP_PORT: '0' }).GATEWAY_HTTP_PORT).toBe(0);
    expect(() => loadGatewayConfig({ GATEWAY_HTTP_PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ GATEWAY_STREAM_CLIENT_MAX_EVENTS: '0' })).toThrow(
      /GATEWAY_STREAM_CLIENT_MAX_EVENTS/,
    );
  });
});
