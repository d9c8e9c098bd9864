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

export class RiderApi {
  constructor(private readonly gatewayUrl: string, private readonly fetchImpl: typeof fetch = fetch) {}

  createRider(body: { name: string; email?: string; payLaterLimitMinor?: number }): Promise<CreatedRider> {
    return this.post('/api/riders', body);
  }

  topUp(riderId: string, amountMinor: number, reference: string): Promise<{ balanceMinor: number }> {
    return this.post(`/api/riders/${encodeURIComponent(riderId)}/topups`, { amountMinor, reference });
  }

  enrolPhone(riderId: string, publicKey: string): Promise<EnrolledPhone> {
    return this.post(`/api/riders/${encodeURIComponent(riderId)}/phones`, { publicKey, algorithm: 'ed25519' });
  }

  fetchCredential(riderId: string, phoneId: string): Promise<IssuedCredential> {
    return this.post(`/api/riders/${encodeURIComponent(riderId)}/phones/${encodeURIComponent(phoneId)}/credential`, {});
  }

  /** A vehicle of this account (tolls): its tag and plate reach the lanes as a vehicle.add trust change. */
  registerVehicle(riderId: string, body: { plate: string; vehicleClass: string; tagId?: string; plateColour?: string }): Promise<{ id: string; tokenId: string }> {
    return this.post(`/api/riders/${encodeURIComponent(riderId)}/vehicles`, body);
  }

  private async post<T>(path: string, body: object): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchImpl(new URL(path, this.gatewayUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
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
