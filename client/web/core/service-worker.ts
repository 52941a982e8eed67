// Registers the service worker. The CSP requires Trusted Types for script
// URLs, so the one URL the app ever loads a script from goes through a policy
// that accepts nothing else (its name is the only one the CSP allows).
const SW_URL = '/sw.js';
export const TRUSTED_TYPES_POLICY = 'app-sw';

/** The part of the Trusted Types API used here (not yet in TypeScript's DOM library). */
interface TrustedTypesLike {
  createPolicy(
    name: string,
    rules: { createScriptURL(url: string): string },
  ): { createScriptURL(url: string): unknown };
}

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  const trustedTypes = (window as { trustedTypes?: TrustedTypesLike }).trustedTypes;
  const policy = trustedTypes?.createPolicy(TRUSTED_TYPES_POLICY, {
    createScriptURL: (url) => {
      if (url !== SW_URL) throw new TypeError('unexpected script URL');
      return url;
    },
  });
  const url = policy ? (policy.createScriptURL(SW_URL) as unknown as string) : SW_URL;
  void navigator.serviceWorker.register(url, { scope: '/' }).catch(() => {});
}
