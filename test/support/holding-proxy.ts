import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface HoldingProxy {
  /** `redis://127.0.0.1:PORT`: where a client reaches the target through the proxy. */
  url: string;
  /** From now on, a new connection is accepted but not forwarded until {@link release}; those open already go on. */
  hold: () => void;
  /** Forwards the held connections, and every new one. */
  release: () => void;
  /** New connections waiting. */
  held: () => number;
  /** Connections being forwarded now. */
  forwarding: () => number;
  /** The local port of each connection to the target that is open now: the `addr` the target's `CLIENT LIST` gives it. */
  targetSidePorts: () => number[];
  close: () => Promise<void>;
}

/**
 * A TCP proxy on a loopback port to `targetPort`, which can hold new connections while those
 * already open carry on: a slow answer to the one request a test wants slow (a client's next
 * connection), with the client's long-lived connections (a subscription) unaffected.
 */
export async function startHoldingProxy(targetPort: number): Promise<HoldingProxy> {
  const sockets = new Set<Socket>();
  let waiting: Socket[] = [];
  let holding = false;
  const targets = new Set<Socket>();

  /** Every socket, closed by the proxy's close; each leaves the set when it closes. */
  const tracked = (socket: Socket) => {
    sockets.add(socket);
    return socket.once('close', () => sockets.delete(socket));
  };

  const forward = (socket: Socket) => {
    const target = tracked(connect(targetPort, '127.0.0.1'));
    targets.add(target);
    socket.pipe(target).pipe(socket);
    const end = () => {
      socket.destroy();
      target.destroy();
    };
    socket.once('close', end).on('error', end);
    target.once('close', end).on('error', end);
    target.once('close', () => targets.delete(target));
  };

  const server = createServer((accepted) => {
    const socket = tracked(accepted);
    if (!holding) return forward(socket);
    socket.pause();
    waiting.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `redis://127.0.0.1:${port}`,
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      const released = waiting.filter((socket) => !socket.destroyed);
      waiting = [];
      for (const socket of released) forward(socket);
    },
    held: () => waiting.filter((socket) => !socket.destroyed).length,
    forwarding: () => targets.size,
    targetSidePorts: () => [...targets].flatMap((target) => (target.localPort === undefined ? [] : [target.localPort])),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
