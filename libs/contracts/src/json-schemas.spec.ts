import { buildJsonSchemas } from './json-schemas';

describe('buildJsonSchemas', () => {
  const schemas = buildJsonSchemas();

  it('returns one document per published contract', () => {
    expect(Object.keys(schemas).sort()).toEqual([
      'entity-vector-event.v1.schema.json',
      'input-event.v1.schema.json',
      'job-payload.v1.schema.json',
      'match-event.v1.schema.json',
      'profile-payload.v1.schema.json',
      'stream-match-event.v1.schema.json',
    ]);
  });

  it.each(Object.entries(schemas))('%s is a JSON Schema object', (_file, schema) => {
    expect(typeof schema).toBe('object');
    expect(schema).not.toBeNull();
    const document = schema as Record<string, unknown>;
    expect('$schema' in document || 'type' in document).toBe(true);
    // Plain data: survives a JSON round trip unchanged.
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it('describes the input event types and the required profile fields', () => {
    expect(JSON.stringify(schemas['input-event.v1.schema.json'])).toContain('"profile.upserted"');
    const profile = schemas['profile-payload.v1.schema.json'] as { required?: string[] };
    // Input side: fields with defaults are optional for producers.
    expect(profile.required).toEqual(
      expect.arrayContaining(['name', 'headline', 'location', 'workModes']),
    );
    expect(profile.required).not.toContain('summary');
  });

  it('is deterministic', () => {
    expect(JSON.stringify(buildJsonSchemas())).toBe(JSON.stringify(schemas));
  });
});
