// A Hearth engine in its own process, for the restart test: it opens the
// store in HEARTH_DATA, recovers, starts the stack given on stdin (when
// asked) and reports every event on stdout as one JSON line.
import { readFileSync } from 'node:fs';
import { Engine } from '@hearth/engine';
import { openSqliteStore } from '@hearth/store';
import { createProviders } from '../registry.ts';
import { SIM_TABLES } from '../sim-objects.ts';

const dataDir = process.env.HEARTH_DATA!;
const store = await openSqliteStore(dataDir, { tables: [SIM_TABLES] });
const providers = createProviders({ store });
const engine = new Engine({ store, providers, signalBaseUrl: 'http://127.0.0.1:9' });
engine.bus.subscribe((e) => process.stdout.write(`${JSON.stringify({ event: e })}\n`));
const recovered = await engine.recover();
process.stdout.write(`${JSON.stringify({ recovered: recovered.map((s) => s.name) })}\n`);
const request = process.argv[2];
if (request) {
  const input = JSON.parse(readFileSync(request, 'utf8')) as Parameters<Engine['createStack']>[0];
  const stack = await engine.createStack(input);
  await engine.wait(stack.id);
}
process.stdout.write(`${JSON.stringify({ done: true })}\n`);
await store.close();
