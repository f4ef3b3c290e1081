#!/usr/bin/env zx
// Scenario "relative-weights": weights are relative shares (1,1,.5 → 40/40/20), each must be ≤ 1; zero drops an entry; duplicates add up
// Usage: npm exec -- zx scenarios/relative-weights.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// (npm exec puts the project's Node 22 first on PATH; it runs the .ts library by type stripping.)
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run relative-weights` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('relative-weights', import.meta.url);
