// The explicit rule registry, in code order. Add a rule: one file under rules/, one import and one entry here.
import type { Rule } from '../types.ts';
import { weightOutOfRange } from './fmc101-weight-out-of-range.ts';
import { weightOutOfRangeDormant } from './fmc102-weight-out-of-range-dormant.ts';
import { weightsNotNormalised } from './fmc103-weights-not-normalised.ts';
import { weightsAllZero } from './fmc104-weights-all-zero.ts';
import { labelCapitals } from './fmc105-label-capitals.ts';
import { labelCollision } from './fmc106-label-collision.ts';
import { defaultLabelMissing } from './fmc107-default-label-missing.ts';
import { labelDead } from './fmc108-label-dead.ts';
import { labelUnknownCluster } from './fmc109-label-unknown-cluster.ts';
import { labelDisabledCluster } from './fmc110-label-disabled-cluster.ts';
import { unlabeledCluster } from './fmc111-unlabeled-cluster.ts';
import { enabledOmitted } from './fmc112-enabled-omitted.ts';
import { noEnabledCluster } from './fmc113-no-enabled-cluster.ts';
import { duplicateClusterName } from './fmc114-duplicate-cluster-name.ts';
import { duplicateLabelEntry } from './fmc115-duplicate-label-entry.ts';
import { duplicateEndpoint } from './fmc116-duplicate-endpoint.ts';
import { kubeClientNoTimeout } from './fmc117-kube-client-no-timeout.ts';
import { authTypeIgnored } from './fmc118-auth-type-ignored.ts';
import { misplacedKey } from './fmc119-misplaced-key.ts';
import { unknownKey } from './fmc120-unknown-key.ts';
import { emptyLabelMap } from './fmc201-empty-label-map.ts';
import { credentialsVolume } from './fmc202-credentials-volume.ts';
import { deadInitContainerKey } from './fmc203-dead-init-container-key.ts';
import { credentialsPath } from './fmc204-credentials-path.ts';
import { credentialsKeyMissing } from './fmc205-credentials-key-missing.ts';
import { stringDataBase64 } from './fmc206-stringdata-base64.ts';
import { dataNotBase64 } from './fmc207-data-not-base64.ts';
import { caNotPem } from './fmc208-ca-not-pem.ts';
import { tokenTrailingNewline } from './fmc209-token-trailing-newline.ts';
import { credentialsSecretName } from './fmc210-credentials-secret-name.ts';
import { caEmpty } from './fmc211-ca-empty.ts';
import { inClusterWithoutPropeller } from './fmc212-incluster-without-propeller.ts';
import { singleClusterWithoutPropeller } from './fmc213-single-cluster-without-propeller.ts';
import { manifestsCredentialsUnreadable } from './fmc214-manifests-credentials-unreadable.ts';
import { eclUnknownLabel } from './fmc301-ecl-unknown-label.ts';
import { eclUnknownKey } from './fmc302-ecl-unknown-key.ts';
import { eclMissingField } from './fmc303-ecl-missing-field.ts';
import { eclEmptyValue } from './fmc304-ecl-empty-value.ts';
import { eclDuplicateTarget } from './fmc305-ecl-duplicate-target.ts';
import { oidcConditionKey } from './fmc401-oidc-condition-key.ts';
import { oidcProviderMismatch } from './fmc402-oidc-provider-mismatch.ts';
import { dataplaneMissingFromTrust } from './fmc403-dataplane-missing-from-trust.ts';
import { dataplaneTrustsFlyteadmin } from './fmc404-dataplane-trusts-flyteadmin.ts';
import { dataplaneDeniesWorkers } from './fmc408-dataplane-denies-workers.ts';
import { overbroadSubject } from './fmc405-overbroad-subject.ts';
import { wildcardUnderStringEquals } from './fmc406-wildcard-under-string-equals.ts';
import { s3BucketPrefix } from './fmc407-s3-bucket-prefix.ts';
import { propellerClusterId } from './fmc501-propeller-cluster-id.ts';
import { helmMissingValuesFile } from './fmc502-helm-missing-values-file.ts';
import { helmStrayPositional } from './fmc503-helm-stray-positional.ts';
import { flytectlUpdateIgnoredArgs } from './fmc504-flytectl-update-ignored-args.ts';
import { dataplanePropellerDefaultEndpoints } from './fmc505-dataplane-propeller-default-endpoints.ts';
import { dataplaneIngress } from './fmc506-dataplane-ingress.ts';
import { placeholder } from './fmc901-placeholder.ts';

export const rules: readonly Rule[] = [
  weightOutOfRange,
  weightOutOfRangeDormant,
  weightsNotNormalised,
  weightsAllZero,
  labelCapitals,
  labelCollision,
  defaultLabelMissing,
  labelDead,
  labelUnknownCluster,
  labelDisabledCluster,
  unlabeledCluster,
  enabledOmitted,
  noEnabledCluster,
  duplicateClusterName,
  duplicateLabelEntry,
  duplicateEndpoint,
  kubeClientNoTimeout,
  authTypeIgnored,
  misplacedKey,
  unknownKey,
  emptyLabelMap,
  credentialsVolume,
  deadInitContainerKey,
  credentialsPath,
  credentialsKeyMissing,
  stringDataBase64,
  dataNotBase64,
  caNotPem,
  tokenTrailingNewline,
  credentialsSecretName,
  caEmpty,
  inClusterWithoutPropeller,
  singleClusterWithoutPropeller,
  manifestsCredentialsUnreadable,
  eclUnknownLabel,
  eclUnknownKey,
  eclMissingField,
  eclEmptyValue,
  eclDuplicateTarget,
  oidcConditionKey,
  oidcProviderMismatch,
  dataplaneMissingFromTrust,
  dataplaneTrustsFlyteadmin,
  overbroadSubject,
  wildcardUnderStringEquals,
  s3BucketPrefix,
  dataplaneDeniesWorkers,
  propellerClusterId,
  helmMissingValuesFile,
  helmStrayPositional,
  flytectlUpdateIgnoredArgs,
  dataplanePropellerDefaultEndpoints,
  dataplaneIngress,
  placeholder,
];
