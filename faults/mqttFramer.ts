/**
 * Splits a byte stream into whole MQTT control packets (MQTT 3.1.1 section 2.2: one byte of type
 * and flags, then the remaining length as a variable-length integer of 1-4 bytes), so a proxy
 * can duplicate, hold back or drop a packet instead of cutting one in half.
 */
export const PACKET_PUBLISH = 3;
export const PACKET_PUBACK = 4;

export class MqttFramer {
  private buffer: Buffer = Buffer.alloc(0);

  /** Feed bytes; returns the packets they complete, in order. */
  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const packets: Buffer[] = [];
    for (;;) {
      const length = this.packetLength();
      if (length === undefined || this.buffer.length < length) break;
      packets.push(this.buffer.subarray(0, length));
      this.buffer = this.buffer.subarray(length);
    }
    return packets;
  }

  private packetLength(): number | undefined {
    let remaining = 0;
    let multiplier = 1;
    for (let index = 1; index <= 4; index++) {
      if (index >= this.buffer.length) return undefined;
      const byte = this.buffer[index];
      remaining += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return 1 + index + remaining;
      multiplier *= 128;
    }
    // A malformed length: pass the rest through as one piece rather than stall the stream.
    return this.buffer.length;
  }
}

export function packetType(packet: Buffer): number {
  return packet[0] >> 4;
}
