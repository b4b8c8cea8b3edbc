import { Injectable } from '@nestjs/common';
import type { Cause } from '../apply/cause';

/**
 * Subjects whose maintained ranking may differ from the stored one, with why. They stay here
 * until their rankings are both published and stored, so a chunk retried after any failure still
 * sends what is owed.
 */
@Injectable()
export class UnsettledSubjects {
  private readonly causes = new Map<string, Cause>();

  get isEmpty(): boolean {
    return this.causes.size === 0;
  }

  entries(): IterableIterator<[string, Cause]> {
    return this.causes.entries();
  }

  set(key: string, cause: Cause): void {
    this.causes.set(key, cause);
  }

  clear(): void {
    this.causes.clear();
  }

  /**
   * Notes the rankings a chunk touched (`touched`: ranking → the changed entity that touched it;
   * `own`: the chunk's subjects with their own causes). A subject's own change is the cause that
   * wins over a counterpart's, also over one pending from an earlier failed attempt.
   */
  noteChunk(touched: ReadonlyMap<string, string>, own: ReadonlyMap<string, Cause>): void {
    for (const [key, by] of touched) {
      const cause: Cause = own.get(key) ?? {
        trigger:
          own.get(by)?.trigger === 'subject-removed'
            ? 'counterpart-removed'
            : 'counterpart-changed',
        causationEventId: own.get(by)?.causationEventId ?? '',
      };
      const pending = this.causes.get(key);
      if (!pending || own.has(key) || !isOwnChange(pending)) this.causes.set(key, cause);
    }
  }
}

function isOwnChange(cause: Cause): boolean {
  return cause.trigger === 'subject-changed' || cause.trigger === 'subject-removed';
}
