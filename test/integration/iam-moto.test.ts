// The shared IAM suite (test/support/iam-suite.ts) against moto's server (moto[server] from .venv, started on a free
// loopback port), the default emulator of `flyte-mc iam plan|apply`.
import { iamEmulatorSuite } from '../support/iam-suite.ts';
import { skipTier } from '../support/prereq.ts';
import { moto } from '../support/iam-emulators.ts';

iamEmulatorSuite(moto, skipTier('moto', moto.missing()));
