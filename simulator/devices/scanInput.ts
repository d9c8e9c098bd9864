import type { CameraFrame } from '../../protocol/messages.js';

/** What a scanner reads: the decoded text, or a camera frame for the lane to decode. */
export type ScanInput = { code: string } | { frame: CameraFrame };
