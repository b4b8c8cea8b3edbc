import { buildOpenApiDocument } from './openapi.document';

describe('OpenAPI document', () => {
  it('describes every route of the match API with its responses', () => {
    const document = buildOpenApiDocument() as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual([
      '/v1/entities/jobs/{id}',
      '/v1/entities/profiles/{id}',
      '/v1/matches/jobs/{id}',
      '/v1/matches/profiles/{id}',
      '/v1/search',
    ]);
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) {
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400']));
      }
    }
    expect(JSON.stringify(document)).toContain('"target"');
  });
});
