import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { EntityType, MatchRankingEvent, RankedMatch } from '@matchstream/contracts';
import { publicProfileFields } from '@matchstream/scoring';
import type { JobFields, JobLike, ProfileFields, ProfileLike } from '@matchstream/scoring';
import { TransformersEmbedder } from '@matchstream/embedding';
import { EntityState, otherSide } from '@matchstream/ranking';
import { MatchEngine } from './match-engine';
import { RankingStore } from '../settle/ranking.store';
import { entityIdParam, searchRequest } from './search.request';
import type { SearchRequest } from './search.request';
import { ZodValidationPipe } from './zod-validation.pipe';

const idPipe = new ZodValidationPipe(entityIdParam);

interface EntityView<F> {
  id: string;
  version: number;
  modelId: string;
  fields: F;
}

interface SearchHit {
  id: string;
  score: number;
  similarity: number;
  explanation?: RankedMatch['explanation'];
}

@Controller('v1')
export class MatchesController {
  constructor(
    private readonly rankings: RankingStore,
    private readonly state: EntityState,
    private readonly engine: MatchEngine,
    private readonly embedder: TransformersEmbedder,
  ) {}

  /**
   * The job's current ranked candidates, as last published: from the shared store, so any
   * instance answers for any subject.
   */
  @Get('matches/jobs/:id')
  async jobMatches(@Param('id', idPipe) id: string): Promise<MatchRankingEvent> {
    return this.found(await this.stored('job', id), `no matches for job ${id}`);
  }

  @Get('matches/profiles/:id')
  async profileMatches(@Param('id', idPipe) id: string): Promise<MatchRankingEvent> {
    return this.found(await this.stored('profile', id), `no matches for profile ${id}`);
  }

  /**
   * An indexed job as the service keeps it: id, version, model and its match fields (what
   * matching reads of it), not the whole document, which the service does not keep.
   */
  @Get('entities/jobs/:id')
  job(@Param('id', idPipe) id: string): EntityView<JobFields> {
    const { document, ...entity } = this.found(this.state.jobs.get(id), `unknown job ${id}`);
    return { ...entity, fields: document };
  }

  /** An indexed profile: as a job, without the coded prose (only skill look-ups read it). */
  @Get('entities/profiles/:id')
  profile(@Param('id', idPipe) id: string): EntityView<Omit<ProfileFields, 'skillText'>> {
    const { document, ...entity } = this.found(
      this.state.profiles.get(id),
      `unknown profile ${id}`,
    );
    return { ...entity, fields: publicProfileFields(document) };
  }

  /** Ad-hoc search: counterparts of an indexed entity (hybrid score), or nearest to free text. */
  @Post('search')
  @HttpCode(200)
  async search(
    @Body(new ZodValidationPipe(searchRequest)) request: SearchRequest,
  ): Promise<{ hits: SearchHit[] }> {
    const { filters } = request;
    const keep = (
      d: { location?: { country: string }; categories: readonly string[] },
      modes: readonly string[],
    ) =>
      (!filters.countries ||
        (d.location !== undefined && filters.countries.includes(d.location.country))) &&
      (!filters.workModes || modes.some((m) => filters.workModes!.includes(m as never))) &&
      (!filters.categories || d.categories.some((c) => filters.categories!.includes(c)));
    const keepCounterpart = (c: JobFields | ProfileFields) =>
      'remotePolicy' in c ? keep(c, [c.remotePolicy]) : keep(c, c.workModes);
    // A search for profiles is a job's (or a job-shaped text's), and the other way round.
    const subjectType: EntityType = request.target === 'profiles' ? 'job' : 'profile';

    if (request.entityId !== undefined) {
      const subject = this.state.side(subjectType);
      const entity = subject.entities.get(request.entityId);
      const vector = subject.index.getVector(request.entityId);
      if (!entity || !vector)
        throw new NotFoundException(`unknown ${subjectType} ${request.entityId}`);
      const fields = entity.document;
      const ranked = this.engine.rank(
        subjectType === 'job'
          ? { type: 'job', fields: fields as JobLike }
          : { type: 'profile', fields: fields as ProfileLike },
        vector,
        request.k,
        keepCounterpart,
      );
      return {
        hits: ranked.map((m) => ({
          id: m.counterpartId,
          score: m.score,
          similarity: m.explanation.similarity,
          explanation: m.explanation,
        })),
      };
    }
    // Embedded as the model expects its side: a query for profiles (as jobs are), a passage for
    // jobs (as profiles are).
    const { queryPrefix, passagePrefix } = this.embedder.spec;
    const prefix = subjectType === 'job' ? queryPrefix : passagePrefix;
    const [query] = await this.embedder.embed([`${prefix}${request.text!}`]);
    const counterparts = this.state.side(otherSide(subjectType));
    const hits = counterparts.index.search(query.vector, request.k, (id) => {
      const counterpart = counterparts.entities.get(id);
      return counterpart !== undefined && keepCounterpart(counterpart.document);
    });
    return {
      hits: hits.map((h) => ({
        id: h.id,
        score: round(h.similarity),
        similarity: round(h.similarity),
      })),
    };
  }

  private async stored(type: EntityType, id: string): Promise<MatchRankingEvent | undefined> {
    try {
      return (await this.rankings.readStored(type, id)) ?? undefined;
    } catch (error) {
      throw new ServiceUnavailableException(`the ranking store is unavailable: ${String(error)}`);
    }
  }

  private found<T>(value: T | undefined, message: string): T {
    if (value === undefined) throw new NotFoundException(message);
    return value;
  }
}

const round = (x: number) => Math.round(x * 10000) / 10000;
