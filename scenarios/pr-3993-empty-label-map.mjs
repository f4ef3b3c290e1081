#!/usr/bin/env zx
// Scenario "pr-3993-empty-label-map": an empty labelClusterMap with remote clusters: the chart mounts no credentials into the sync init container, which panics
// Usage: npx zx scenarios/pr-3993-empty-label-map.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run pr-3993-empty-label-map` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('pr-3993-empty-label-map', import.meta.url);
