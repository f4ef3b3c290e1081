// FlyteAdmin's `clusters` config section as FlyteAdmin holds it after decoding
// (flyteadmin/pkg/runtime/interfaces/cluster_configuration.go). The YAML decoder with viper's
// semantics (key lowercasing, defaults, float32 weights) lives in harness/admin/config.ts.

export interface ClusterAuth {
  tokenPath: string;
  certPath: string;
}

export interface ClusterConfig {
  /** The target id stored on executions. */
  name: string;
  endpoint: string;
  /** FlyteAdmin's zero value is false: an omitted `enabled` means never picked. */
  enabled: boolean;
  /** Use admin's own service account; endpoint and auth are ignored. */
  inCluster: boolean;
  auth: ClusterAuth;
}

export interface LabelEntryConfig {
  /** A clusterConfigs name, matched byte for byte. */
  id: string;
  /** Already a float32 value (Math.fround of the YAML number), as FlyteAdmin decodes it. */
  weight: number;
}

export interface ClustersConfig {
  clusterConfigs: ClusterConfig[];
  /** Keys as FlyteAdmin sees them: lowercased for YAML map form, original case for the list form. Insertion order is irrelevant. */
  labelClusterMap: ReadonlyMap<string, readonly LabelEntryConfig[]>;
  defaultExecutionLabel: string;
}
