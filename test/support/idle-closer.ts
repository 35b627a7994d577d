import { createServer, type AddressInfo, type Socket } from 'node:net';

/** A request line as it arrived, and the connection (numbered from 1) it came on. */
export interface Arrival {
  connection: number;
  request: string;
}

export interface IdleCloser {
  origin: string;
  arrivals: Arrival[];
  /** Whether it has closed a connection on a request. */
  closedOne: () => boolean;
  close: () => Promise<void>;
}

/**
 * A server that answers every request (`{"ok":true}`, keep-alive) but one: the first that arrives
 * on a connection that has carried an answer already, on which it closes the connection instead.
 * That is the race in which a server closes an idle keep-alive connection just as a client sends
 * its next request on it.
 */
export async function startIdleCloser(): Promise<IdleCloser> {
  const arrivals: Arrival[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let closed = false;
  const server = createServer((socket) => {
    const connection = ++connections;
    sockets.add(socket);
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      arrivals.push({ connection, request: chunk.toString().split('\r\n')[0]! });
      if (answered && !closed) {
        closed = true;
        return socket.destroy();
      }
      answered = true;
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\n{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    closedOne: () => closed,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
