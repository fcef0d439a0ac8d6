// A LISTEN connection that outlives its server: when the connection is lost
// (the database restarted, a network blip), it connects again and listens
// again, and tells the caller once, since notifications sent meanwhile are
// lost. Notifications are only hints here, so a missed one costs a look.
import pg from 'pg';

export interface Listening {
  stop(): Promise<void>;
}

const RECONNECT_MS = 1000;

/**
 * Calls `onNotify` for each notification on `channel`, and once after each
 * reconnection. Resolves once listening (the first connection must work).
 */
export async function listenTo(url: string, channel: string, onNotify: () => void, what: string): Promise<Listening> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | null = null;

  const schedule = () => {
    if (!stopped && !retry) retry = setTimeout(() => void reconnect(), RECONNECT_MS);
  };
  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    let live = false;
    const onLost = (error?: Error) => {
      if (!live) return;
      live = false;
      client = null;
      c.end().catch(() => {});
      if (stopped) return;
      console.error(`hearth: ${what}: connection lost${error ? ` (${error.message})` : ''}; connecting again`);
      schedule();
    };
    c.on('error', onLost);
    c.on('end', () => onLost());
    c.on('notification', onNotify);
    try {
      await c.connect();
      await c.query(`listen ${channel}`);
    } catch (error) {
      c.end().catch(() => {});
      throw error;
    }
    live = true;
    client = c;
  };
  const reconnect = async () => {
    retry = null;
    if (stopped) return;
    try {
      await connect();
      onNotify();
    } catch {
      schedule();
    }
  };

  await connect();
  return {
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
