import { classifyError, isRetriable } from './classify-error';
import { FinalEventError, RetriableError } from './errors';
import { retryRetriable } from './retry';

const named = (name: string, message = 'x', extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...extra });

describe('classifyError', () => {
  it('reads our own errors by type', () => {
    expect(classifyError(new RetriableError('model', 'worker exited'))).toEqual({
      retriable: true,
      dependency: 'model',
      reason: 'processing-failed',
    });
    expect(classifyError(new FinalEventError('schema-violation', 'bad'))).toEqual({
      retriable: false,
      dependency: 'unknown',
      reason: 'schema-violation',
    });
  });

  it('knows the kafkajs errors that wait for the broker, and none that are about the request', () => {
    expect(classifyError(named('KafkaJSConnectionError'))).toMatchObject({
      retriable: true,
      dependency: 'kafka',
    });
    expect(classifyError(named('KafkaJSNumberOfRetriesExceeded'))).toMatchObject({
      retriable: true,
    });
    expect(isRetriable(named('KafkaJSProtocolError', 'x', { retriable: true }))).toBe(true);
    expect(isRetriable(named('KafkaJSNonRetriableError'))).toBe(false);
  });

  it("knows ioredis's offline rejections", () => {
    expect(classifyError(new Error('Connection is closed.'))).toMatchObject({
      retriable: true,
      dependency: 'redis',
    });
    expect(
      classifyError(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    ).toMatchObject({ retriable: true, dependency: 'redis' });
    expect(classifyError(named('MaxRetriesPerRequestError'))).toMatchObject({
      dependency: 'redis',
    });
  });

  it('treats socket failures as retriable and follows the cause chain', () => {
    expect(isRetriable(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(true);
    const wrapped = new Error('publish failed', {
      cause: new RetriableError('kafka', 'broker away'),
    });
    expect(classifyError(wrapped)).toMatchObject({ retriable: true, dependency: 'kafka' });
  });

  it('calls everything else final, and survives a cause cycle', () => {
    expect(classifyError(new TypeError('bug'))).toEqual({
      retriable: false,
      dependency: 'unknown',
      reason: 'processing-failed',
    });
    expect(isRetriable('a string')).toBe(false);
    const cyclic = new Error('a');
    (cyclic as { cause?: unknown }).cause = new Error('b', { cause: cyclic });
    expect(isRetriable(cyclic)).toBe(false);
  });
});

describe('retryRetriable', () => {
  it('retries retriable failures and gives up on final ones at once', async () => {
    let calls = 0;
    await expect(
      retryRetriable(() => {
        calls++;
        if (calls < 3) return Promise.reject(new RetriableError('kafka', 'leader election'));
        return Promise.resolve('ok');
      }),
    ).resolves.toBe('ok');
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      retryRetriable(() => {
        calls++;
        return Promise.reject(new Error('bug'));
      }),
    ).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });
});
