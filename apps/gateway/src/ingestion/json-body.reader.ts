import {
  BadRequestException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

const JSON_CONTENT_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;|$)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads and parses a JSON request body inside the route handler, so the API-key guard has run
 * before a single body byte is buffered, and every failure is a 4xx (never express's HTML 500):
 * 415 for another content type, 413 past `limit` (declared or streamed), 400 for empty, non-UTF-8
 * or malformed JSON.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!JSON_CONTENT_TYPE.test(type)) {
    throw new UnsupportedMediaTypeException('send the body as Content-Type: application/json');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(declared, limit);

  const bytes = await collect(req, limit);
  if (bytes.length === 0) throw new BadRequestException('the request body is empty');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new BadRequestException('the request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BadRequestException(`the request body is not JSON: ${(error as Error).message}`);
  }
}

function collect(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      reject(error);
    };
    // Past the limit the rest is read and discarded (not destroyed): destroying the request
    // would close the socket before the 413 could be written.
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) fail(tooLarge(size, limit));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, size));
    });
    req.on('error', () => fail(new BadRequestException('the request body could not be read')));
  });
}

function tooLarge(size: number, limit: number): PayloadTooLargeException {
  return new PayloadTooLargeException(
    `the request body is at least ${size} bytes; this route accepts at most ${limit}`,
  );
}
