/**
 * Node-RED's editor websocket (`/comms`), subscribed to node status and debug messages, for tests
 * that watch a real Node-RED process: what a node shows under it and what a debug node receives.
 */
import path from 'path';

export interface CommsMessage {
  topic: string;
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Comms {
  messages: CommsMessage[];
  /** The latest status text of node `id`, or undefined. */
  statusText(id: string): string | undefined;
  /** The messages debug node `id` received (parsed when it shows a whole message or an object). */
  debugged(id: string): unknown[];
  close(): void;
}

export async function openComms(baseUrl: string): Promise<Comms> {
  // ws comes with node-red (a devDependency); Node 20 has no WebSocket of its own.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const WebSocket = require(require.resolve('ws', { paths: [path.dirname(require.resolve('node-red/package.json'))] }));
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/comms`);
  const messages: CommsMessage[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('message', (data: Buffer | string) => {
    const parsed = JSON.parse(data.toString()) as CommsMessage | CommsMessage[];
    messages.push(...(Array.isArray(parsed) ? parsed : [parsed]));
  });
  socket.send(JSON.stringify({ subscribe: 'status/#' }));
  socket.send(JSON.stringify({ subscribe: 'debug' }));
  return {
    messages,
    statusText: (id) => {
      const last = messages.filter((m) => m.topic === `status/${id}`).pop();
      return last ? String(last.data?.text ?? '') : undefined;
    },
    debugged: (id) => messages.filter((m) => m.topic === 'debug' && m.data?.id === id).map((m) => {
      const { msg, format } = m.data as { msg: unknown; format?: string };
      return typeof msg === 'string' && /^(Object|array)/i.test(String(format)) ? JSON.parse(msg) : msg;
    }),
    close: () => socket.close(),
  };
}
