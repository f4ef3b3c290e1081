// Bit-exact FlyteAdmin placement: pure, no I/O.
export type { ClusterAuth, ClusterConfig, ClustersConfig, LabelEntryConfig } from './config.ts';
export { GoRand, lcgState0, seedrand, firstFloat32, int64Halves, halvesToInt64, INT32_MAX, ZERO_SEED_STATE } from './gorand.ts';
export { fnv1a64, fnv1a64Hex, fnvOut, compareUtf8 } from './fnv.ts';
export { WeightedList, PlacementError, formatGoF, validateEntries } from './weighted.ts';
export { WeightedListCache } from './list-cache.ts';
export type { PlacementErrorCode, WeightedItem, WeightedSlot } from './weighted.ts';
export { drawForName, pickForName, indexForName, traceDraw, float32Bits, type DrawTrace } from './engine.ts';
export {
  ClusterSelector,
  type PlacementRequest,
  type PlacementExplanation,
  type ListExplanation,
  type DecisionRule,
  type PlaceOptions,
} from './selector.ts';
export {
  inMemoryLabelResolver,
  rowLevel,
  ATTRIBUTE_PRIORITY,
  type AttributeLevel,
  type ResolvedLabelAttribute,
  type ExecutionClusterLabelResolver,
  type ExecutionClusterLabelRow,
} from './resolver.ts';
export { clustersConfigFromTopology, labelRowsFromTopology } from './topology.ts';
