import { openClient, type TestClient } from './ws-client.js';

export interface PageSocket {
  client: TestClient;
  /** Resolves once a pushed message satisfies `match`. */
  until<T>(match: (message: any) => T | undefined): Promise<T>;
  act(action: Record<string, unknown>): void;
}

/** The inspector page's own socket, opened as the page opens it (same origin), reading every push. */
export async function openPageSocket(port: number): Promise<PageSocket> {
  const client = await openClient(`ws://127.0.0.1:${port}/_wsgate/socket`, { headers: { Origin: `http://127.0.0.1:${port}` } });
  const seen: any[] = [];
  const waiters: (() => void)[] = [];
  // Reads through the client's own buffer, which holds the snapshot sent as soon as the socket opened.
  void (async () => {
    for (;;) {
      const message = JSON.parse(await client.nextMessage());
      seen.push(...(message.type === 'events' ? message.events : [message]));
      for (const wake of waiters.splice(0)) wake();
    }
  })();
  return {
    client,
    act: (action) => client.ws.send(JSON.stringify(action)),
    async until(match) {
      for (;;) {
        for (const message of seen) {
          const found = match(message);
          if (found !== undefined) return found;
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}
