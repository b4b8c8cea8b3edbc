/**
 * The churn the scale-out section drains: a mix of updates, new entities and removals, as a live
 * catalogue changes, instead of updates alone (which never make a ranking lose a counterpart for
 * good, nor create a ranking, nor retract one).
 */
import type { Rng } from '../harness/rng';

export type ChurnKind = 'update' | 'add' | 'remove';

export const CHURN_KINDS: readonly ChurnKind[] = ['update', 'add', 'remove'];

/** Each kind's share of the events (the shares sum to 1). */
export type ChurnMix = Record<ChurnKind, number>;

/**
 * As many new entities as removals, so the population keeps its size from one instance count to
 * the next and their figures compare.
 */
export const DEFAULT_CHURN = '70/15/15';

/** "70/15/15": the update / new / removal shares, as percentages or any weights. */
export function parseChurnMix(text: string): ChurnMix {
  const parts = text.split('/').map((s) => s.trim());
  const weights = parts.map(Number);
  if (
    parts.length !== 3 ||
    parts.some((p) => p === '') ||
    weights.some((w) => !Number.isFinite(w) || w < 0)
  ) {
    throw new Error(
      `--scale-out-churn must be update/new/removal weights like 70/15/15, got ${text}`,
    );
  }
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) throw new Error(`--scale-out-churn: the weights sum to zero (${text})`);
  return { update: weights[0] / total, add: weights[1] / total, remove: weights[2] / total };
}

/** "70/15/15". */
export function describeChurnMix(mix: ChurnMix): string {
  return CHURN_KINDS.map((k) => String(Math.round(mix[k] * 1000) / 10)).join('/');
}

/**
 * Exact counts of each kind among `count` events (largest remainder), whatever the draw: runs
 * compare only if their backlogs hold the same work.
 */
export function churnCounts(count: number, mix: ChurnMix): Record<ChurnKind, number> {
  const raw = CHURN_KINDS.map((k) => count * mix[k]);
  const counts = raw.map(Math.floor);
  let left = count - counts.reduce((a, b) => a + b, 0);
  const byRemainder = CHURN_KINDS.map((_, i) => i).sort(
    (a, b) => raw[b] - counts[b] - (raw[a] - counts[a]) || a - b,
  );
  for (const i of byRemainder) {
    if (left-- <= 0) break;
    counts[i]++;
  }
  return { update: counts[0], add: counts[1], remove: counts[2] };
}

/** The kinds of `count` events in a seeded random order, in their exact counts. */
export function churnKinds(count: number, mix: ChurnMix, rng: Rng): ChurnKind[] {
  const counts = churnCounts(count, mix);
  const kinds = CHURN_KINDS.flatMap((k) => Array<ChurnKind>(counts[k]).fill(k));
  return rng.sample(kinds, kinds.length);
}

/**
 * The live entities in a fixed order, visited in turn: each is changed again only after every
 * other live one was, so two changes of one entity never share a chunk (the later would hide the
 * earlier's own ranking). Removed entities are skipped and never come back; new ones join the end.
 */
export class ChurnCycle<S> {
  private order: S[];
  private readonly removed = new Set<S>();
  private cursor = 0;

  constructor(initial: readonly S[] = []) {
    this.order = [...initial];
  }

  get live(): number {
    return this.order.length - this.removed.size;
  }

  add(subject: S): void {
    this.order.push(subject);
  }

  remove(subject: S): void {
    this.removed.add(subject);
  }

  /** The next live entity not in `exclude` (those a burst already changed). */
  next(exclude: ReadonlySet<S> = new Set()): S {
    for (let steps = 0; steps <= 2 * this.order.length; steps++) {
      if (this.cursor >= this.order.length) this.compact();
      const subject = this.order[this.cursor++];
      if (subject !== undefined && !this.removed.has(subject) && !exclude.has(subject))
        return subject;
    }
    throw new Error('no live entity left to change');
  }

  private compact(): void {
    this.order = this.order.filter((s) => !this.removed.has(s));
    this.removed.clear();
    this.cursor = 0;
  }
}

export interface PlannedChange<S> {
  kind: ChurnKind;
  subject: S;
}

/**
 * One burst's changes: each entity at most once (a new one is neither changed nor removed in the
 * burst that creates it), removals leave the cycle at once.
 */
export function planBurst<S>(
  kinds: readonly ChurnKind[],
  cycle: ChurnCycle<S>,
  create: () => S,
): PlannedChange<S>[] {
  const touched = new Set<S>();
  return kinds.map((kind) => {
    let subject: S;
    if (kind === 'add') {
      subject = create();
      cycle.add(subject);
    } else {
      subject = cycle.next(touched);
      if (kind === 'remove') cycle.remove(subject);
    }
    touched.add(subject);
    return { kind, subject };
  });
}

/** Events of one kind in a phase, and how many of them were answered. */
export type KindCounts = Record<ChurnKind, { events: number; answered: number }>;

/** Events and answers per kind. */
export function kindCounts(entries: readonly { kind: ChurnKind; seen: number }[]): KindCounts {
  const counts = Object.fromEntries(
    CHURN_KINDS.map((k) => [k, { events: 0, answered: 0 }]),
  ) as KindCounts;
  for (const e of entries) {
    counts[e.kind].events++;
    if (!Number.isNaN(e.seen)) counts[e.kind].answered++;
  }
  return counts;
}

/** "280/280 updates, 60/60 new, 60/60 removals". */
export function describeKinds(kinds: KindCounts | undefined): string {
  if (!kinds) return 'updates';
  const names: Record<ChurnKind, string> = { update: 'updates', add: 'new', remove: 'removals' };
  return CHURN_KINDS.filter((k) => kinds[k].events > 0)
    .map((k) => `${kinds[k].answered}/${kinds[k].events} ${names[k]}`)
    .join(', ');
}
