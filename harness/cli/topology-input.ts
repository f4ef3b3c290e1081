// Topology input shared by the placement commands (place, diff, distribution), so no command imports another.
import { InputError } from '../errors.ts';
import {
  ClusterSelector,
  PlacementError,
  clustersConfigFromTopology,
  inMemoryLabelResolver,
  labelRowsFromTopology,
  type ExecutionClusterLabelResolver,
} from '../placement/index.ts';
import { loadTopology, type Topology } from '../topology/index.ts';

/** A topology with FlyteAdmin's selector built from it; a config admin would refuse is an InputError on the file. */
export async function loadSelector(file: string): Promise<{ topology: Topology; selector: ClusterSelector; resolver: ExecutionClusterLabelResolver }> {
  const topology = await loadTopology(file);
  let selector: ClusterSelector;
  try {
    selector = ClusterSelector.fromConfig(clustersConfigFromTopology(topology));
  } catch (err) {
    if (err instanceof PlacementError) throw new InputError(`FlyteAdmin would refuse to start: ${err.message}`, { file });
    throw err;
  }
  return { topology, selector, resolver: inMemoryLabelResolver(labelRowsFromTopology(topology)) };
}
