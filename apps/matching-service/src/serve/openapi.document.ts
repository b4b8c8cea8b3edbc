import { SENIORITIES, WORK_MODES, matchRankingEvent } from '@matchstream/contracts';
import { z } from 'zod';
import { searchRequest } from './search.request';

const schema = (type: z.ZodType, io: 'input' | 'output' = 'output') => {
  // Embedded schemas must not carry their own $schema dialect line.
  const embedded: Record<string, unknown> = {
    ...z.toJSONSchema(type, { io, unrepresentable: 'any' }),
  };
  delete embedded.$schema;
  return embedded;
};

const error = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    message: { type: 'string' },
    error: { type: 'string' },
  },
};
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      {
        description: {
          400: 'Invalid input',
          401: 'No API key',
          403: 'Wrong API key',
          404: 'Not found',
          503: 'The shared ranking store (Redis) is unavailable; retry',
        }[code],
        content: { 'application/json': { schema: error } },
      },
    ]),
  );
const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$', maxLength: 128 },
};
const place = z.object({ city: z.string().optional(), country: z.string() });
const strings = z.array(z.string());
/** JobFields (@matchstream/scoring): what matching reads of a posting. */
const jobFields = z.object({
  title: z.string(),
  remotePolicy: z.enum(WORK_MODES),
  location: place.optional(),
  hiringCountries: strings,
  visaSponsorship: z.boolean(),
  seniority: z.enum(SENIORITIES),
  categories: strings,
  requiredSkills: strings,
  niceToHaveSkills: strings,
  skillsInText: strings.describe(
    'Skills of the vocabulary the title, requirements and description name (display names)',
  ),
});
/** ProfileFields (@matchstream/scoring) without the coded prose. */
const profileFields = z.object({
  headline: z.string(),
  location: place,
  workModes: z.array(z.enum(WORK_MODES)),
  willingToRelocate: z.boolean(),
  workAuthorization: strings,
  categories: strings,
  seniority: z.enum(SENIORITIES).optional(),
  yearsOfExperience: z.number().optional(),
  firstMonth: z
    .number()
    .int()
    .optional()
    .describe('Earliest work-history start as year × 12 + month − 1 (seniority without years)'),
  skills: strings.describe('Listed skills, normalised (lower case, synonyms resolved)'),
  canonicalSkills: strings.describe("Listed skills under the skills vocabulary's names"),
  skillsInText: strings.describe('Skills of the vocabulary the prose names (normalised keys)'),
});
const entity = (fields: z.ZodType) => ({
  type: 'object',
  description:
    'An entity as the matching service keeps it: its match fields (what scoring and ' +
    'explanations read), not the document it was sent as; free text other than the title or ' +
    'headline is not kept.',
  properties: {
    id: { type: 'string' },
    version: { type: 'integer' },
    modelId: { type: 'string' },
    fields: schema(fields),
  },
});
const json = (s: unknown) => ({ content: { 'application/json': { schema: s } } });

/** OpenAPI 3.1 description of the match API, generated from the same zod contracts it validates with. */
export function buildOpenApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'matchstream matching API',
      version: '1',
      description: 'Ranked, explained candidate–job matches, ad-hoc search and entity lookup.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }],
    paths: {
      '/v1/matches/jobs/{id}': {
        get: {
          summary: "A job's current ranked candidates, as last published",
          description:
            'Any matching instance answers for any job, from the shared store (whichever instance owns the job published it).',
          parameters: [idParameter],
          responses: {
            200: { description: 'The ranking', ...json(schema(matchRankingEvent)) },
            ...errors(400, 401, 403, 404, 503),
          },
        },
      },
      '/v1/matches/profiles/{id}': {
        get: {
          summary: "A profile's current ranked jobs, as last published",
          description:
            'Any matching instance answers for any profile, from the shared store (whichever instance owns the profile published it).',
          parameters: [idParameter],
          responses: {
            200: { description: 'The ranking', ...json(schema(matchRankingEvent)) },
            ...errors(400, 401, 403, 404, 503),
          },
        },
      },
      '/v1/entities/jobs/{id}': {
        get: {
          summary: "An indexed job's match fields",
          parameters: [idParameter],
          responses: {
            200: { description: 'The job', ...json(entity(jobFields)) },
            ...errors(400, 401, 403, 404),
          },
        },
      },
      '/v1/entities/profiles/{id}': {
        get: {
          summary: "An indexed profile's match fields",
          parameters: [idParameter],
          responses: {
            200: { description: 'The profile', ...json(entity(profileFields)) },
            ...errors(400, 401, 403, 404),
          },
        },
      },
      '/v1/search': {
        post: {
          summary:
            'Counterparts of an indexed entity (hybrid score), or nearest entities to free text',
          requestBody: { required: true, ...json(schema(searchRequest, 'input')) },
          responses: {
            200: {
              description: 'Hits, best first',
              ...json({
                type: 'object',
                properties: {
                  hits: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        id: { type: 'string' },
                        score: { type: 'number' },
                        similarity: { type: 'number' },
                        explanation: { type: 'object' },
                      },
                    },
                  },
                },
              }),
            },
            ...errors(400, 401, 403, 404),
          },
        },
      },
    },
  };
}
