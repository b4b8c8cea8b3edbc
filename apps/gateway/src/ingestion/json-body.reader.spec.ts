import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { HttpException } from '@nestjs/common';
import { readJsonBody } from './json-body.reader';

function request(body: string | Buffer, headers: Record<string, string> = {}): IncomingMessage {
  const stream = Readable.from([Buffer.from(body)]) as unknown as IncomingMessage;
  stream.headers = { 'content-type': 'application/json', ...headers };
  return stream;
}

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    return error instanceof HttpException ? error.getStatus() : 500;
  }
}

describe('readJsonBody', () => {
  it('parses JSON', async () => {
    await expect(readJsonBody(request('{"a":[1,2]}'), 100)).resolves.toEqual({ a: [1, 2] });
    await expect(
      readJsonBody(
        request('[]', { 'content-type': 'application/cloudevents+json; charset=utf-8' }),
        100,
      ),
    ).resolves.toEqual([]);
  });

  it('answers 413 past the limit, declared or streamed', async () => {
    expect(await status(readJsonBody(request('{}', { 'content-length': '101' }), 100))).toBe(413);
    expect(await status(readJsonBody(request(`"${'x'.repeat(200)}"`), 100))).toBe(413);
  });

  it('answers 400 for empty, non-UTF-8 and malformed bodies, 415 for other types', async () => {
    expect(await status(readJsonBody(request(''), 100))).toBe(400);
    expect(await status(readJsonBody(request(Buffer.from([0x7b, 0xff, 0x7d])), 100))).toBe(400);
    expect(await status(readJsonBody(request('{"a":'), 100))).toBe(400);
    expect(await status(readJsonBody(request('{}', { 'content-type': 'text/plain' }), 100))).toBe(
      415,
    );
  });
});
