import type { JobFacts, JobLookup } from './match-stream.filter';

/**
 * jobId → title, company and categories, for the stream's company and category filters and its
 * display fields (match events carry ids only). Bounded: past `maxJobs` the least recently written job is forgotten. Closed
 * jobs are kept, so their retraction still matches a company filter.
 */
export class JobDirectoryStore implements JobLookup {
  private readonly jobs = new Map<string, JobFacts>();
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(private readonly maxJobs: number) {}

  get size(): number {
    return this.jobs.size;
  }

  get(jobId: string): JobFacts | undefined {
    return this.jobs.get(jobId);
  }

  set(
    jobId: string,
    facts: { title: string; company: string; categories: readonly string[] },
  ): void {
    // Delete first: a Map iterates in insertion order, so re-inserting makes it the newest.
    this.jobs.delete(jobId);
    this.jobs.set(jobId, {
      company: facts.company.trim().toLowerCase(),
      categories: [...facts.categories],
      title: facts.title,
      companyName: facts.company,
    });
    if (this.jobs.size > this.maxJobs) {
      const oldest = this.jobs.keys().next().value;
      if (oldest !== undefined) this.jobs.delete(oldest);
    }
    const waiting = this.waiters.get(jobId);
    if (waiting) {
      this.waiters.delete(jobId);
      for (const wake of waiting) wake();
    }
  }

  /** Resolves once the job is known, or after `timeoutMs` (true when known). */
  waitFor(jobId: string, timeoutMs: number): Promise<boolean> {
    if (this.jobs.has(jobId)) return Promise.resolve(true);
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiting = this.waiters.get(jobId) ?? new Set<() => void>();
      this.waiters.set(jobId, waiting);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        waiting.delete(wake);
        if (waiting.size === 0) this.waiters.delete(jobId);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      waiting.add(wake);
    });
  }
}
