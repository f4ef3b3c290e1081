#!/usr/bin/env zx
// Scenario "syncresources-cache": a new project onboarded while a data plane is unreachable never gets its namespaces there until syncresources restarts
// Usage: npm exec -- zx scenarios/syncresources-cache.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// (npm exec puts the project's Node 22 first on PATH; it runs the .ts library by type stripping.)
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run syncresources-cache` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('syncresources-cache', import.meta.url);
