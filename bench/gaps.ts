/**
 * Why a target can be missed: the remaining cost behind each figure, found by
 * profiling (`bench/harness/profile.ts`) on 2026-11-25. The report prints the
 * entry of every target a run does not meet, so a gap is always named with its
 * cause. Keep these true when the code changes.
 */
export const KNOWN_GAPS: Readonly<Record<string, string>> = {
  'session-memory-mounted':
    'The route is already answered in the router\'s first layer with a cached body; what is left is Express getting the request to a mounted router (its app-level dispatch and request/response prototypes) plus the session read itself (SHA-256 of the id, the store lookup, one promise). The standalone server, which answers ahead of Express, is ~2x the plain route.',
  'session-redis-mounted':
    'One Redis round trip per read (a Lua script that returns the version, and the record only when it changed) plus the Express dispatch above; the standalone server is well past 2x.',
  'proxy-get':
    'http-proxy-middleware only proxies; the BFF also parses the cookie, reads and checks the session, opens (or finds in its cache) the token set, checks the path against the security rules, and runs behind a mounted Express router (~14% of its CPU inclusive). node:http\'s own work, which both pay, is the rest. Answering proxied routes ahead of Express, as the standalone server does for the session check, is the next step.',
  'proxy-post': 'As for GET, plus streaming the request body through the size limit check.',
  'login-cpu-speedup':
    'After sealing with keys imported once and provider calls on node:http keep-alive agents, the top costs are WebCrypto jobs (~16%: AES-GCM sealing in jose, the PKCE digest in oauth4webapi, RS256 verification in jose), Express res.redirect content negotiation (~10%), helmet and the login rate limiter (~10%). Sealing on node:crypto directly would save ~300 µs per login but hand-rolls JWE, which the project does not do; halving needs the redirect and middleware costs gone too.',
  'memory-heap': 'The stored record is ~580 B of text for a typical user; a user with a long profile (many claims, long URLs) is over the target.',
  'redis-bytes': 'The value must stay under Redis\'s 640 B allocation class; a user with a long profile falls into the 768 B class (~1,088 B per session).',
};

/**
 * What separates each contender from the machine's limit (a bare node:http
 * server answering the same bytes, or piping to the same upstream), from the
 * profiles: the report prints the entry of every figure measured against it.
 */
export const LIMIT_GAPS: Readonly<Record<string, string>> = {};
