export { loadTopology, parseTopology, parseJson, formatPath, YamlSource, MAX_YAML_CHARS, MAX_ALIAS_COUNT, type PathSegment } from './load.ts';
export { starterTopologyYaml, exampleOidcProviderId, type StarterOptions } from './starter.ts';
export {
  TopologySchema,
  topologyJsonSchema,
  type Topology,
  type TopologyInput,
  type ControlPlane,
  type DataPlane,
  type LabelEntry,
  type ExecutionClusterLabel,
  type Project,
  type Aws,
} from './schema.ts';
