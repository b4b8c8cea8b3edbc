/**
 * Entity ids by category: the category constraint (both sides name categories and share none →
 * no match) is the most selective hard filter, so a search for a subject's counterparts can start
 * from the ids that may pass it instead of walking the whole vector index with a filter that
 * rejects most of it.
 */
export class CategoryIndex {
  private readonly byCategory = new Map<string, Set<string>>();
  /** Entities naming no category: the constraint never applies to them. */
  private readonly uncategorised = new Set<string>();
  private readonly categoriesOf = new Map<string, readonly string[]>();

  get size(): number {
    return this.categoriesOf.size;
  }

  set(id: string, categories: readonly string[]): void {
    this.delete(id);
    this.categoriesOf.set(id, categories);
    if (categories.length === 0) {
      this.uncategorised.add(id);
      return;
    }
    for (const category of categories) {
      let ids = this.byCategory.get(category);
      if (!ids) this.byCategory.set(category, (ids = new Set()));
      ids.add(id);
    }
  }

  delete(id: string): void {
    const categories = this.categoriesOf.get(id);
    if (categories === undefined) return;
    this.categoriesOf.delete(id);
    this.uncategorised.delete(id);
    for (const category of categories) {
      const ids = this.byCategory.get(category);
      ids?.delete(id);
      if (ids?.size === 0) this.byCategory.delete(category);
    }
  }

  /**
   * The ids that can pass the category constraint against a counterpart naming `categories`:
   * those sharing one of them, and those naming none. Null when the counterpart names none, as
   * then every id can, or when most ids can (callers then check eligibility per id anyway).
   */
  candidatesFor(categories: readonly string[]): Set<string> | null {
    if (categories.length === 0) return null;
    // When most ids could pass anyway, building the set costs more than the filter saves.
    let reach = this.uncategorised.size;
    for (const category of categories) reach += this.byCategory.get(category)?.size ?? 0;
    if (reach > this.categoriesOf.size / 2) return null;
    const candidates = new Set(this.uncategorised);
    for (const category of categories) {
      for (const id of this.byCategory.get(category) ?? []) candidates.add(id);
    }
    return candidates;
  }
}
