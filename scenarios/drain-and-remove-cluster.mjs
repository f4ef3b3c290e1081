#!/usr/bin/env zx
// Scenario "drain-and-remove-cluster": drain a data plane the safe way (disable, drop from labels, finish, remove) and the unsafe way (remove while running)
// Usage: npm exec -- zx scenarios/drain-and-remove-cluster.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// (npm exec puts the project's Node 22 first on PATH; it runs the .ts library by type stripping.)
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run drain-and-remove-cluster` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('drain-and-remove-cluster', import.meta.url);
