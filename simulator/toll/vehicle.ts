import type { RandomSource } from '../random.js';
import { pick } from '../random.js';

/** What an ETC tag (OBU) holds: written at issue, and the entry written by a closed road's entry lane. */
export interface EtcTag {
  tagId: string;
  declaredClass: string;
  /** The plate written into the tag at issue (may differ from the vehicle's: a moved tag). */
  plate: string;
  /** The anti-removal switch fired. */
  tampered: boolean;
  entry?: { site: string; at: number };
}

/** A simulated vehicle: its plate and class as they are, and its tag if it has one. */
export interface SimVehicle {
  plate: string;
  vehicleClass: string;
  tag: EtcTag | null;
}

export interface FleetOptions {
  count: number;
  classes: readonly string[];
  /** Share of vehicles with a tag. */
  taggedShare: number;
  /** Share of tags declaring another class than the vehicle's. */
  wrongClassShare: number;
  /** Share of tags holding another vehicle's plate. */
  movedTagShare: number;
  tamperedShare: number;
}

const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

function randomHex(random: RandomSource, digits: number): string {
  let text = '';
  for (let i = 0; i < digits; i++) text += '0123456789ABCDEF'[Math.floor(random() * 16)];
  return text;
}

export function randomPlate(random: RandomSource): string {
  const letters = () => pick(random, [...LETTERS]) + pick(random, [...LETTERS]);
  return `${letters()}${String(Math.floor(random() * 1000)).padStart(3, '0')}${letters()}`;
}

/** The same plate with one character read wrong, as a camera misreads. */
export function misreadPlate(random: RandomSource, plate: string): string {
  const at = Math.floor(random() * plate.length);
  const swap: Record<string, string> = { '0': 'O', O: '0', '8': 'B', B: '8', '1': 'I', I: '1', '5': 'S', S: '5' };
  const wrong = swap[plate[at]] ?? (plate[at] === 'X' ? 'Y' : 'X');
  return plate.slice(0, at) + wrong + plate.slice(at + 1);
}

/** A seeded fleet: the same seed gives the same vehicles. */
export function makeFleet(random: RandomSource, options: FleetOptions): SimVehicle[] {
  const vehicles: SimVehicle[] = [];
  for (let i = 0; i < options.count; i++) {
    const plate = randomPlate(random);
    const vehicleClass = pick(random, options.classes);
    let tag: EtcTag | null = null;
    if (random() < options.taggedShare) {
      const wrongClass = random() < options.wrongClassShare;
      tag = {
        tagId: randomHex(random, 16),
        declaredClass: wrongClass ? (vehicleClass === '1' ? '2' : '1') : vehicleClass,
        plate: random() < options.movedTagShare ? randomPlate(random) : plate,
        tampered: random() < options.tamperedShare,
      };
    }
    vehicles.push({ plate, vehicleClass, tag });
  }
  return vehicles;
}
