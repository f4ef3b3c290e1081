#!/usr/bin/env zx
// Scenario "single-to-multi-cluster": executions from single-cluster mode (cluster "") cannot be terminated after moving to multi-cluster
// Usage: npx zx scenarios/single-to-multi-cluster.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run single-to-multi-cluster` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('single-to-multi-cluster', import.meta.url);
