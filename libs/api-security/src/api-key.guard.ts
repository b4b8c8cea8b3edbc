import { timingSafeEqual, createHash } from 'node:crypto';
import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Paths anyone may read: probes and scrapes carry no data. */
const OPEN_PATHS = [/^\/health(\/|$)/, /^\/metrics$/, /^\/openapi\.json$/, /^\/$/, /^\/live(\/|$)/];

/**
 * API keys from `Authorization: Bearer <key>` or `x-api-key: <key>`. Keys are compared as SHA-256
 * digests in constant time (no early exit on the first differing byte, no length leak) and never
 * logged. With no keys configured the API is open: for local runs only, and the service says so
 * at start-up.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.enabled || context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (OPEN_PATHS.some((p) => p.test(request.path))) return true;
    const presented = presentedKey(request);
    if (presented === null) {
      throw new UnauthorizedException(
        'an API key is required (Authorization: Bearer <key> or x-api-key)',
      );
    }
    const candidate = digest(presented);
    let match = false;
    for (const known of this.digests) match = timingSafeEqual(known, candidate) || match;
    if (!match) throw new ForbiddenException('the API key is not valid');
    return true;
  }
}

function presentedKey(request: Request): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^Bearer\s+\S+$/i.test(header))
    return header.replace(/^Bearer\s+/i, '');
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey : null;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
