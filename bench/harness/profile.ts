import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface CostShare {
  name: string;
  /** Share of the busy (non-idle) samples. */
  share: number;
}

export interface ProfileSummary {
  busyMs: number;
  /** Self time by package or module: where the CPU was spent. */
  bySelf: CostShare[];
  /** Self time by function (natives count for their JS caller; an anonymous one is named after its nearest named caller). */
  byFunction: CostShare[];
  /** Time with a frame of this bff-auth file on the synchronous stack (async continuations are not counted). */
  byBffFile: CostShare[];
}

const SAMPLING_INTERVAL_US = 200;

/** A CPU profile of this process through the inspector, summarized by package and module. */
export class CpuProfiler {
  private session: Session | undefined;

  async start(): Promise<void> {
    this.session = new Session();
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await this.session.post('Profiler.start');
  }

  async stop(): Promise<ProfileSummary> {
    const session = this.session;
    if (!session) throw new Error('the profiler was not started');
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    session.disconnect();
    this.session = undefined;
    return summarize(profile);
  }
}

/** Which package or module a frame belongs to; undefined for natives, which count for their caller. */
function bucketOf(url: string, functionName: string): string | undefined {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (functionName === '(program)') return 'V8 and native code outside JS (program)';
    if (functionName === '(idle)' || functionName === '(root)') return functionName;
    return undefined;
  }
  const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (inPackage) return inPackage[1];
  if (url.includes('internal/deps/undici')) return 'undici (fetch)';
  if (url.includes('internal/webstreams')) return 'web streams';
  const internal = /^node:(?:internal\/)?([a-z_]+)/.exec(url);
  if (internal) return `node:${internal[1]}`;
  const own = /\/((?:bff|shared|bench|test)\/.+)$/.exec(url);
  return own ? own[1] : url;
}

function summarize(profile: Profile): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  /** The nearest caller of an anonymous function that has a name: `jobPromise` for WebCrypto's promise executor. */
  const namedCaller = (id: number): string | undefined => {
    for (let caller = parentOf.get(id); caller !== undefined; caller = parentOf.get(caller)) {
      const name = byId.get(caller)?.callFrame.functionName;
      if (name) return name;
    }
    return undefined;
  };
  const selfBucket = new Map<number, string>();
  const selfFunction = new Map<number, string>();
  const stackFiles = new Map<number, Set<string>>();
  for (const node of profile.nodes) {
    let bucket: string | undefined;
    let name: string | undefined;
    const files = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame) break;
      bucket ??= bucketOf(frame.url, frame.functionName);
      if (name === undefined && bucket !== undefined) name = `${frame.functionName || `${namedCaller(id) ?? ''}/(anonymous)`} (${bucket})`;
      if (/\/bff\//.test(frame.url)) files.add(frame.url.replace(/^.*\/(bff\/)/, '$1'));
    }
    selfBucket.set(node.id, bucket ?? '(unattributed)');
    selfFunction.set(node.id, name ?? '(unattributed)');
    stackFiles.set(node.id, files);
  }

  const self = new Map<string, number>();
  const functions = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((nodeId, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const bucket = selfBucket.get(nodeId) ?? '(unattributed)';
    // Idle time, and the inspector's own work for this profile, are not the process's cost.
    if (bucket === '(idle)' || bucket === '(root)' || bucket === 'node:inspector') return;
    busy += delta;
    self.set(bucket, (self.get(bucket) ?? 0) + delta);
    const name = selfFunction.get(nodeId) ?? '(unattributed)';
    functions.set(name, (functions.get(name) ?? 0) + delta);
    for (const file of stackFiles.get(nodeId) ?? []) inclusive.set(file, (inclusive.get(file) ?? 0) + delta);
  });
  const shares = (totals: Map<string, number>) =>
    [...totals]
      .map(([name, micros]) => ({ name, share: busy === 0 ? 0 : micros / busy }))
      .sort((a, b) => b.share - a.share)
      .slice(0, 10);
  return { busyMs: busy / 1000, bySelf: shares(self), byFunction: shares(functions), byBffFile: shares(inclusive) };
}
