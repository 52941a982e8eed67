// @cloudflare/workers-types declares `ignoreBOM` as required in TextDecoder's
// options, unlike the WHATWG spec and the runtime (shared/crypto passes only
// `fatal`). Merging makes it optional; skipLibCheck lets the two declarations
// differ in their modifier.
interface TextDecoderConstructorOptions {
  ignoreBOM?: boolean;
}
