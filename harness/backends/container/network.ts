// One Docker network per run, labelled for the sweeper (and for Ryuk's session when Ryuk runs), handed to
// testcontainers as a StartedNetwork so containers join it with their aliases.
import { LABEL_TESTCONTAINERS_SESSION_ID, StartedNetwork, getContainerRuntimeClient, getReaper } from 'testcontainers';
import { prepareTestcontainers, runLabels } from '../docker.ts';

export async function startRunNetwork(runId: string, name = `flyte-mc-${runId}`): Promise<StartedNetwork> {
  const setup = await prepareTestcontainers();
  const client = await getContainerRuntimeClient();
  const labels: Record<string, string> = { 'org.testcontainers': 'true', ...runLabels(runId) };
  if (setup.ryuk) labels[LABEL_TESTCONTAINERS_SESSION_ID] = (await getReaper(client)).sessionId;
  const network = await client.network.create({ Name: name, CheckDuplicate: true, Driver: 'bridge', Labels: labels });
  return new StartedNetwork(client, name, network);
}
