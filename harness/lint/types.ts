// The lint contract: a rule looks at the parsed artifacts that are present and returns findings with file, path and line.
import type { DecodedClusters } from '../admin/config.ts';
import type { PathSegment, Topology, YamlSource } from '../topology/index.ts';
import type { KubeObject } from '../backends/types.ts';
import type { AdminPodResult } from '../flyte/admin-pod.ts';
import type { ObjectSource } from '../flyte/manifests.ts';
import type { PropellerResult } from '../flyte/propeller.ts';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  file: string;
  /** Dotted field path inside the file, `(root)` for the whole document. */
  path: string;
  line?: number;
  hint: string;
}

export type ArtifactKind =
  | 'values' // control-plane values (values-override.yaml, values-controlplane.yaml) or an admin config file
  | 'secret' // the cluster-credentials Secret
  | 'token-secret' // a data plane's service-account-token Secret
  | 'ecl' // flytectl execution-cluster-label attribute file
  | 'trust-policy' // IAM role trust policy (JSON)
  | 'iam-policy' // IAM permissions policy (JSON)
  | 'dataplane-values' // a data plane's values file
  | 'commands' // commands.sh / COMMANDS.md
  | 'manifests' // rendered Kubernetes objects (helm template output, kubectl get -o yaml)
  | 'other';

/** One YAML document, or a JSON document parsed as YAML so it has line numbers. */
export interface Doc {
  file: string;
  data: unknown;
  /** Absent only for JSON that YAML cannot read (then findings have no line). */
  source?: YamlSource;
  /** Lines before this document in its file (multi-document YAML). */
  lineOffset: number;
}

export interface ValuesArtifact {
  kind: 'values';
  file: string;
  doc: Doc;
  clusters: DecodedClusters;
}

export interface SecretArtifact {
  kind: 'secret' | 'token-secret';
  file: string;
  doc: Doc;
}

export interface EclArtifact {
  kind: 'ecl';
  file: string;
  doc: Doc;
}

export interface PolicyArtifact {
  kind: 'trust-policy' | 'iam-policy';
  file: string;
  doc: Doc;
  /** Which role a trust policy belongs to, from its file name or, failing that, its subjects. */
  role: 'controlplane' | 'dataplane' | 'unknown';
}

export interface DataplaneValuesArtifact {
  kind: 'dataplane-values';
  file: string;
  doc: Doc;
  /** The data plane's admin cluster name when the path says it (`dataplanes/<name>/…`). */
  cluster?: string;
}

/** One release's rendered objects, read as FlyteAdmin and propeller will run with them. */
export interface ManifestsArtifact {
  kind: 'manifests';
  file: string;
  objects: KubeObject[];
  sources: ObjectSource[];
  /** FlyteAdmin's pods, when the objects hold a flyteadmin Deployment. */
  admin?: AdminPodResult;
  /** propeller, when the objects hold a flytepropeller Deployment. */
  propeller?: PropellerResult;
}

export interface TextArtifact {
  file: string;
  kind: ArtifactKind;
  text: string;
  docs: Doc[];
}

/** Everything a rule may look at; each part is optional (empty) and rules check only what is present. */
export interface LintInput {
  values: ValuesArtifact[];
  secrets: SecretArtifact[];
  ecl: EclArtifact[];
  policies: PolicyArtifact[];
  dataplaneValues: DataplaneValuesArtifact[];
  commands: TextArtifact[];
  manifests: ManifestsArtifact[];
  /** Every input file with its text and parsed documents (placeholder checks). */
  all: TextArtifact[];
  /** The control-plane values file FlyteAdmin's clusters section comes from (the last one that has it). */
  clusters?: ValuesArtifact;
  /** Set by lintTopology: lets IAM rules name the cluster whose OIDC provider is missing. */
  topology?: Topology;
}

export interface Rule {
  code: string;
  severity: Severity;
  summary: string;
  hint: string;
  /**
   * Where the behaviour is documented, shown by `flyte-mc lint --rules`: paths with lines in flyteorg/flyte at
   * v1.16.8 (`flyteadmin/pkg/executioncluster/impl/random_cluster_selector.go:86-159`,
   * `charts/flyte-core/templates/admin/deployment.yaml:115-119`), a dependency at its version
   * (`spf13/viper@v1.21.0 util.go:89-100`), an issue or PR (`flyteorg/flyte#2882`, `flyteorg/flyte PR #3993`),
   * an https URL, or a section of our docs (`docs/flyte-behaviour.md#label-case`).
   */
  ref: readonly string[];
  /** A finding of this rule has this lower severity when the condition holds (shown by --rules). */
  lower?: { severity: Severity; when: string };
  check(input: LintInput): Finding[];
}

export type { PathSegment };

/** How a rule's severity is chosen; `flyte-mc lint --rules` prints it. */
export const SEVERITY_POLICY = `Severities:
  error    FlyteAdmin, the chart, flytectl or IAM fails, or places executions other than the file says: a label entry
           naming no cluster, a label or default label with no live cluster, an empty or duplicated ECL row, weights
           that drain nothing. Anything that changes placement is an error unless FlyteAdmin would start and place
           exactly as the author intended.
  warning  works today, but breaks later or silently ignores something (a dead key, a weight on a disabled cluster,
           a placeholder left in, an over-broad trust policy).
  info     behaviour worth knowing that places as written (weights are relative, a disabled cluster gets nothing).
Exit status: 1 when a finding at or above --fail-on (default error) is found.
`;
