#!/usr/bin/env zx
// Scenario "pr-3993-empty-label-map": an empty labelClusterMap with remote clusters: the chart mounts no credentials into the sync init container, which panics
// Usage: npm exec -- zx scenarios/pr-3993-empty-label-map.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// (npm exec puts the project's Node 22 first on PATH; it runs the .ts library by type stripping.)
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run pr-3993-empty-label-map` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('pr-3993-empty-label-map', import.meta.url);
