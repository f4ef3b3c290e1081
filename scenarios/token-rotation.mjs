#!/usr/bin/env zx
// Scenario "token-rotation": rotate a data plane token: failures until FlyteAdmin restarts with the updated cluster-credentials
// Usage: npm exec -- zx scenarios/token-rotation.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// (npm exec puts the project's Node 22 first on PATH; it runs the .ts library by type stripping.)
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run token-rotation` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('token-rotation', import.meta.url);
