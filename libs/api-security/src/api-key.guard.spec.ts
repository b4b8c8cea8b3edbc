import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { ApiKeyGuard } from './api-key.guard';

function contextFor(path: string, headers: Record<string, string> = {}): ExecutionContext {
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ path, headers }) }),
  } as unknown as ExecutionContext;
}

describe('ApiKeyGuard', () => {
  const guard = new ApiKeyGuard(['key-one', 'key-two']);

  it('accepts a known key as a bearer token or x-api-key', () => {
    expect(guard.canActivate(contextFor('/v1/search', { authorization: 'Bearer key-two' }))).toBe(
      true,
    );
    expect(guard.canActivate(contextFor('/v1/search', { 'x-api-key': 'key-one' }))).toBe(true);
  });

  it('answers 401 without a key and 403 with a wrong one', () => {
    expect(() => guard.canActivate(contextFor('/v1/search'))).toThrow(UnauthorizedException);
    expect(() =>
      guard.canActivate(contextFor('/v1/search', { authorization: 'Bearer nope' })),
    ).toThrow(ForbiddenException);
    expect(() =>
      guard.canActivate(contextFor('/v1/search', { authorization: 'Basic a2V5' })),
    ).toThrow(UnauthorizedException);
  });

  it('leaves health, metrics and the OpenAPI document open', () => {
    for (const path of ['/health', '/health/ready', '/metrics', '/openapi.json']) {
      expect(guard.canActivate(contextFor(path))).toBe(true);
    }
  });

  it('is open when no keys are configured', () => {
    expect(new ApiKeyGuard([]).canActivate(contextFor('/v1/search'))).toBe(true);
  });
});
