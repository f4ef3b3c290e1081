#!/usr/bin/env zx
// Scenario "single-to-multi-cluster": executions from single-cluster mode (cluster "") cannot be terminated after moving to multi-cluster
// Usage: npm exec -- zx scenarios/single-to-multi-cluster.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// (npm exec puts the project's Node 22 first on PATH; it runs the .ts library by type stripping.)
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run single-to-multi-cluster` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('single-to-multi-cluster', import.meta.url);
