// UPDATE_GOLDEN=1 rewrites golden files locally; under CI=true it is refused, so CI can never bless its own output.

/** True when the golden files should be rewritten; throws under CI=true. */
export function updateGolden(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!env.UPDATE_GOLDEN) return false;
  if (env.CI === 'true') throw new Error('UPDATE_GOLDEN is refused under CI=true: golden files change in a reviewed commit, never in CI');
  return true;
}
