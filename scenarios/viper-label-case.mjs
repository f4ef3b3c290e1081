#!/usr/bin/env zx
// Scenario "viper-label-case": viper lowercases labelClusterMap keys: a label written "GPU" never matches; the list form keeps the case
// Usage: npm exec -- zx scenarios/viper-label-case.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// (npm exec puts the project's Node 22 first on PATH; it runs the .ts library by type stripping.)
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run viper-label-case` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('viper-label-case', import.meta.url);
