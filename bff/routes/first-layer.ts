import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { NO_STORE } from './respond.js';

/**
 * A first-layer route's answer: it settles the response itself, with `headers`
 * (those every first-layer answer carries: `no-store`, and the standalone
 * server's security headers), and never rejects.
 */
export type FirstLayerAnswer = (res: ServerResponse, headers: Readonly<OutgoingHttpHeaders>) => void;

/**
 * A route answered on node's own request and response, ahead of Express's
 * routing: given a request, the answer when the route takes it, else
 * undefined. The router runs these in its first layer, the standalone server
 * ahead of Express: on the SPA's most frequent calls (the session check, the
 * API proxy), each router layer or middleware costs more than the check it runs.
 */
export type FirstLayerRoute = (req: IncomingMessage) => FirstLayerAnswer | undefined;

/** The answer of the first route that takes `req`, if any. */
export function firstLayerAnswer(routes: readonly FirstLayerRoute[], req: IncomingMessage): FirstLayerAnswer | undefined {
  for (const route of routes) {
    const answer = route(req);
    if (answer) return answer;
  }
  return undefined;
}

/** The routes as one Express handler: a request none takes goes on to `otherwise`, by default the next handler. */
export function firstLayerHandler(routes: readonly FirstLayerRoute[], otherwise: RequestHandler = (_req, _res, next) => next()): RequestHandler {
  return (req, res, next) => {
    const answer = firstLayerAnswer(routes, req);
    if (answer) answer(res, NO_STORE);
    else void otherwise(req, res, next);
  };
}
