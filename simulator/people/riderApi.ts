/**
 * The part of the gateway's rider API (docs/api.md, "Riders and ride codes") a phone and a
 * scenario need, over global fetch.
 */
export interface CreatedRider {
  id: string;
  name: string;
  accountId: string;
  currency: string;
  payLaterLimitMinor: number;
  status: string;
  /** The app's bearer token: it acts for this rider only. */
  accessToken: string;
}

export interface EnrolledPhone {
  phoneId: string;
  tokenId: string;
}

export interface IssuedCredential {
  credential: string;
  keyId: number;
  validFromS: number;
  validUntilS: number;
  offlineLimitMinor: number;
  fareClass: number;
}

export class RiderApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RiderApiError';
  }
}

/**
 * Each rider's calls carry that rider's access token (from sign-up, or given with `useToken`);
 * `defaultToken` (staff, in tests and tools) is used for riders it holds no token of.
 */
export class RiderApi {
  private readonly tokens = new Map<string, string>();

  constructor(private readonly gatewayUrl: string, private readonly fetchImpl: typeof fetch = fetch, private readonly defaultToken?: string) {}

  async createRider(body: { name: string; email?: string; password?: string; payLaterLimitMinor?: number }): Promise<CreatedRider> {
    const created = await this.post<CreatedRider>('/api/riders', body, this.defaultToken);
    this.tokens.set(created.id, created.accessToken);
    return created;
  }

  /** Act for a rider with a token obtained elsewhere (a phone enrolled by its app). */
  useToken(riderId: string, accessToken: string): this {
    this.tokens.set(riderId, accessToken);
    return this;
  }

  topUp(riderId: string, amountMinor: number, reference: string): Promise<{ balanceMinor: number }> {
    return this.post(`/api/riders/${encodeURIComponent(riderId)}/topups`, { amountMinor, reference }, this.tokenOf(riderId));
  }

  enrolPhone(riderId: string, publicKey: string): Promise<EnrolledPhone> {
    return this.post(`/api/riders/${encodeURIComponent(riderId)}/phones`, { publicKey, algorithm: 'ed25519' }, this.tokenOf(riderId));
  }

  fetchCredential(riderId: string, phoneId: string): Promise<IssuedCredential> {
    return this.post(`/api/riders/${encodeURIComponent(riderId)}/phones/${encodeURIComponent(phoneId)}/credential`, {}, this.tokenOf(riderId));
  }

  /** A vehicle of this account (tolls): its tag and plate reach the lanes as a vehicle.add trust change. */
  registerVehicle(riderId: string, body: { plate: string; vehicleClass: string; tagId?: string; plateColour?: string }): Promise<{ id: string; tokenId: string }> {
    return this.post(`/api/riders/${encodeURIComponent(riderId)}/vehicles`, body, this.tokenOf(riderId));
  }

  tokenOf(riderId: string): string | undefined {
    return this.tokens.get(riderId) ?? this.defaultToken;
  }

  private async post<T>(path: string, body: object, token: string | undefined): Promise<T> {
    let response: Response;
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
      response = await this.fetchImpl(new URL(path, this.gatewayUrl), { method: 'POST', headers, body: JSON.stringify(body) });
    } catch (error) {
      throw new RiderApiError(0, 'GATEWAY_UNREACHABLE', `POST ${path}: cannot reach the gateway at ${this.gatewayUrl}`, { cause: error });
    }
    const text = await response.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new RiderApiError(response.status, error?.code ?? `HTTP_${response.status}`, `POST ${path}: ${error?.message ?? response.statusText}`);
    }
    return json as T;
  }
}
