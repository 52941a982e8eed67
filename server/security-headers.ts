// Security headers on every response (API, web app, errors): the app talks to
// its own origin only. 'wasm-unsafe-eval' lets libsodium compile its
// WebAssembly module (it has no other way in the browser); it does not allow
// eval of JavaScript. Trusted Types make every HTML-parsing sink (innerHTML
// and the like) throw, so text can never become markup; the one policy
// allowed only passes the service worker's URL. Images may also come from
// blob: URLs, which only this page can make: photos decrypted on the device.
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
  styleSrc: ["'self'"],
  // blob: only for the pictures the app decrypts on the device (chat attachments); no data:, no other origin
  imgSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  manifestSrc: ["'self'"],
  workerSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
  requireTrustedTypesFor: ["'script'"],
  // the single policy client/web/core/service-worker.ts creates for /sw.js
  trustedTypes: ['app-sw'],
};

export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    referrerPolicy: 'no-referrer',
    xContentTypeOptions: 'nosniff',
    xFrameOptions: 'DENY',
    crossOriginOpenerPolicy: 'same-origin',
    crossOriginResourcePolicy: 'same-origin',
    crossOriginEmbedderPolicy: false,
    permissionsPolicy: {
      camera: [],
      microphone: [],
      geolocation: [],
      payment: [],
      usb: [],
    },
  });
}
