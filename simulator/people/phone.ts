import { RideCodeWallet } from '../../client/rideCodeWallet.js';
import { systemClock, type Clock } from '../../protocol/clock.js';
import type { RideCredential } from '../../protocol/ridecode/format.js';
import { RiderApi } from './riderApi.js';

export interface PhoneOptions {
  /** Default: a fresh key pair. */
  wallet?: RideCodeWallet;
  /** The phone's own clock, which may be wrong (use a SkewedClock). */
  clock?: Clock;
  fetch?: typeof fetch;
}

export interface Enrolment {
  riderId: string;
  phoneId: string;
  tokenId: string;
  credential: RideCredential;
}

/**
 * A rider's phone: enrols its key and fetches a credential while online, then makes ride codes
 * offline. A screenshot is a code captured once and shown again later, as a fraudster would.
 */
export class Phone {
  readonly wallet: RideCodeWallet;
  readonly clock: Clock;
  private readonly fetchImpl: typeof fetch | undefined;
  private enrolment: { gatewayUrl: string; riderId: string; phoneId: string; tokenId: string; accessToken: string | undefined } | undefined;
  private lastScreenshot: string | undefined;

  constructor(options: PhoneOptions = {}) {
    this.wallet = options.wallet ?? RideCodeWallet.generate();
    this.clock = options.clock ?? systemClock;
    this.fetchImpl = options.fetch;
  }

  get tokenId(): string | undefined {
    return this.enrolment?.tokenId ?? this.wallet.credential?.tokenId;
  }

  get screenshotCode(): string | undefined {
    return this.lastScreenshot;
  }

  /** Registers this phone's public key for the rider (acting with the rider's access token) and fetches its first credential. */
  async enrol(gatewayUrl: string, riderId: string, accessToken?: string): Promise<Enrolment> {
    const api = this.api(gatewayUrl, riderId, accessToken);
    const { phoneId, tokenId } = await api.enrolPhone(riderId, this.wallet.publicKeyBase64url);
    this.enrolment = { gatewayUrl, riderId, phoneId, tokenId, accessToken };
    const credential = await this.refreshCredential();
    return { riderId, phoneId, tokenId, credential };
  }

  /** Fetches a new credential for the enrolled key (what the app does while online). */
  async refreshCredential(): Promise<RideCredential> {
    const enrolment = this.enrolment;
    if (!enrolment) throw new Error('phone is not enrolled');
    const issued = await this.api(enrolment.gatewayUrl, enrolment.riderId, enrolment.accessToken).fetchCredential(enrolment.riderId, enrolment.phoneId);
    return this.wallet.setCredential(issued.credential);
  }

  private api(gatewayUrl: string, riderId: string, accessToken: string | undefined): RiderApi {
    const api = new RiderApi(gatewayUrl, this.fetchImpl);
    return accessToken ? api.useToken(riderId, accessToken) : api;
  }

  /** A fresh code for this instant; no network. */
  code(nowMs: number = this.clock.now()): string {
    return this.wallet.code(nowMs);
  }

  /** Captures a code now (or as of `nowMs`) to show again later. */
  screenshot(nowMs: number = this.clock.now()): string {
    this.lastScreenshot = this.wallet.code(nowMs);
    return this.lastScreenshot;
  }
}
