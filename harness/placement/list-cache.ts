// One NewWeightedRandom per distinct entry list: a batch of cases that repeat the same entries (the common shape,
// one list per label) builds each list once. A cached list is the list build() returns, so picks are unchanged.
import { PlacementError, WeightedList, type WeightedItem } from './weighted.ts';

export class WeightedListCache {
  private readonly lists = new Map<string, WeightedList | PlacementError>();

  /** The list for `items` (in the order given: FlyteAdmin's error names the index as passed), or the error. */
  get(items: readonly WeightedItem[]): WeightedList | PlacementError {
    const key = cacheKey(items);
    let hit = this.lists.get(key);
    if (hit === undefined) {
      try {
        hit = WeightedList.build(items);
      } catch (err) {
        if (!(err instanceof PlacementError)) throw err;
        hit = err;
      }
      this.lists.set(key, hit);
    }
    return hit;
  }

  get size(): number {
    return this.lists.size;
  }
}

/** Length-prefixed ids and the float32 weights (-0 kept apart): equal keys mean build() sees the same input. */
function cacheKey(items: readonly WeightedItem[]): string {
  let key = '';
  for (const it of items) {
    const w = Math.fround(it.weight);
    key += `${it.id.length}:${it.id}${Object.is(w, -0) ? '-0' : w};`;
  }
  return key;
}
