import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../bff/index.js';
import { TEST_SECRET } from '../support/bff.js';

const base = {
  baseUrl: 'http://127.0.0.1:1',
  secrets: [TEST_SECRET],
  providers: [{ id: 'gh', type: 'github' as const, clientId: 'a', clientSecret: 'b' }],
};

describe('session.store in the config', () => {
  it.each([
    ['redis://10.0.0.1:6379'],
    ['rediss://user:pass@redis.example:6380/2'],
    [{ cluster: ['redis://10.0.0.1:6379', 'redis://10.0.0.2:6379'], password: 'p' }],
    [{ sentinels: ['redis://10.0.0.1:26379'], name: 'mymaster', password: 'p', sentinelPassword: 's' }],
  ])('accepts %j', (store) => {
    expect(resolveConfig({ ...base, session: { store } }).session.store).toEqual(store);
  });

  it.each([
    ['http://redis.example', 'session.store: must be a redis:// or rediss:// URL'],
    [{ cluster: [] }, 'session.store.cluster: needs at least one node'],
    [{ cluster: ['10.0.0.1:6379'] }, 'session.store.cluster.0: must be a redis:// or rediss:// URL'],
    [{ sentinels: ['redis://10.0.0.1:26379'], name: 'm', db: 2 }, 'session.store: Unrecognized key: "db"'],
    [{ nodes: ['redis://10.0.0.1:6379'] }, 'session.store: must be "memory", a redis:// or rediss:// URL'],
  ])('refuses %j, naming the field', (store, message) => {
    expect(() => resolveConfig({ ...base, session: { store } })).toThrow(ConfigError);
    expect(() => resolveConfig({ ...base, session: { store } })).toThrow(message);
  });

  it('refuses a key prefix with braces, which would change which keys share a cluster hash slot', () => {
    expect(() => resolveConfig({ ...base, session: { keyPrefix: 'app{1}:' } })).toThrow('session.keyPrefix: must not contain "{" or "}"');
  });
});
