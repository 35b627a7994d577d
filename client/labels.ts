/**
 * The words the client's components show, one group per component, so that a locale
 * (`bff-auth/client/locales/zh-CN`) is plain data an app imports only when it wants it,
 * and a new component adds its own group. A component takes the whole locale object.
 */
export interface AuthLabels {
  /**
   * LoginButton's label for the provider's display name as the BFF gives it (`name` in the
   * config, else the platform's, e.g. "WeChat"); `''` while the provider list has not answered.
   * `link`: the button connects that platform to the session open (`<LoginButton link>`).
   */
  loginButton: (providerName: string, link?: boolean) => string;
}
