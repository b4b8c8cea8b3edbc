import { z } from 'zod';
import { envBool, envInt, envList, infrastructureEnv } from './common-env';
import { ConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  const schema = z.object({
    PORT: envInt(3000, 1, 65535),
    DEBUG: envBool(false),
    TOPICS: envList('a,b'),
    KAFKA_BROKERS: infrastructureEnv.KAFKA_BROKERS,
  });

  it('applies defaults and coerces strings', () => {
    expect(loadConfig(schema, { PORT: '8080', DEBUG: 'yes' })).toEqual({
      PORT: 8080,
      DEBUG: true,
      TOPICS: ['a', 'b'],
      KAFKA_BROKERS: ['127.0.0.1:9092'],
    });
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig(schema, { PORT: '' }).PORT).toBe(3000);
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: '99999', DEBUG: 'maybe', KAFKA_BROKERS: 'nohost' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT');
    expect(message).toContain('DEBUG');
    expect(message).toContain('KAFKA_BROKERS');
    expect((error as ConfigError).problems).toHaveLength(3);
  });

  it('accepts every Kafka codec for KAFKA_COMPRESSION and nothing else', () => {
    const compression = z.object({ KAFKA_COMPRESSION: infrastructureEnv.KAFKA_COMPRESSION });
    expect(loadConfig(compression, {}).KAFKA_COMPRESSION).toBe('none');
    for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
      expect(loadConfig(compression, { KAFKA_COMPRESSION: codec }).KAFKA_COMPRESSION).toBe(codec);
    }
    expect(() => loadConfig(compression, { KAFKA_COMPRESSION: 'brotli' })).toThrow(ConfigError);
  });
});
