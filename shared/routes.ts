/** Where the BFF's routes sit unless configured otherwise. */
export const DEFAULT_BASE_PATH = '/auth';

/**
 * Every fetch route demands this header with the value `1`. A custom header
 * forces a CORS preflight, so another site cannot send it (docs/design.md, CSRF rule).
 */
export const CSRF_HEADER = 'x-csrf';
export const CSRF_HEADER_VALUE = '1';

/*
 * Route paths relative to the base path. The ones the client calls are constants of their own,
 * so that its bundle carries only those (bench/client-size.ts); ROUTES names them all.
 */
export const LOGIN_ROUTE = '/login/';
export const SESSION_ROUTE = '/session';
export const LOGOUT_ROUTE = '/logout';
export const PROVIDERS_ROUTE = '/providers';

export const ROUTES = {
  login: LOGIN_ROUTE,
  callback: '/callback/',
  session: SESSION_ROUTE,
  logout: LOGOUT_ROUTE,
  providers: PROVIDERS_ROUTE,
  backchannelLogout: '/backchannel-logout/',
  health: '/health',
} as const;

/** The query parameter of the login route naming where to land afterwards. */
export const RETURN_TO_PARAM = 'returnTo';

/** The query parameter of the session route that reads without extending the idle timeout. */
export const SLIDE_PARAM = 'slide';

/** The query parameter of the login route that links the platform to the session open in the browser (`link=1`). */
export const LINK_PARAM = 'link';
