import type { Request } from 'express';

/**
 * The query a request names (`?a=b`, or ""), whatever the form of its target: an
 * absolute-form target (`GET http://host/x?a=b`, RFC 9112 §3.2.2) has its query at the same place.
 */
export function queryOf(req: Request): string {
  const queryAt = req.url.indexOf('?');
  return queryAt < 0 ? '' : req.url.slice(queryAt);
}

