// Login by challenge-response and authenticated calls that log in again once
// when the server no longer knows the token (expired, or logged out elsewhere).
import { signLogin } from '../../shared/protocol/auth';
import { devicePublic } from '../../shared/protocol/device';
import type { Identity } from './identity';
import { type RelayApi, RelayError } from './relay-api';

export class Session {
  private loggingIn: Promise<string> | null = null;

  constructor(
    readonly api: RelayApi,
    private readonly identity: () => Identity,
  ) {}

  /** Registers this device (idempotent for the same identity key). */
  async register(): Promise<void> {
    const { deviceId: _id, ...keys } = devicePublic(this.identity().keys);
    await this.api.register(keys);
  }

  /** The current token, logging in first if there is none. */
  token(): Promise<string> {
    if (this.api.token) return Promise.resolve(this.api.token);
    this.loggingIn ??= this.login().finally(() => (this.loggingIn = null));
    return this.loggingIn;
  }

  forget(): void {
    this.api.token = null;
  }

  private async login(): Promise<string> {
    const id = this.identity();
    const { challenge } = await this.api.challenge(id.deviceId).catch(async (e) => {
      // A store created while the server was unreachable: register now.
      if (!(e instanceof RelayError) || e.code !== 'device_not_found') throw e;
      await this.register();
      return this.api.challenge(id.deviceId);
    });
    const { token } = await this.api.login(id.deviceId, challenge, signLogin(id.deviceId, challenge, id.keys.signSk));
    this.api.token = token;
    return token;
  }

  /** Runs an authenticated call; on 401 logs in again and retries once. */
  async call<T>(fn: (api: RelayApi) => Promise<T>): Promise<T> {
    await this.token();
    try {
      return await fn(this.api);
    } catch (e) {
      if (!(e instanceof RelayError) || e.status !== 401) throw e;
      this.forget();
      await this.token();
      return fn(this.api);
    }
  }
}
