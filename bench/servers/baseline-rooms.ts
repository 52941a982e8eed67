// What both baselines do per post, the relay's work minus authentication,
// authorization and persistence: number it within its group and build the
// same pushed `message` frame and ack the relay sends.
import type { ServerFrame } from '../../shared/schemas/ws';

export interface PostFrame {
  ref: string;
  groupId: string;
  clientMsgId: string;
  epoch: number;
  kind: 'message';
  ciphertext: string;
}

export function baselineRooms() {
  const seqs = new Map<string, number>();
  return {
    accept(post: PostFrame): { message: ServerFrame; ack: ServerFrame } {
      const seq = (seqs.get(post.groupId) ?? 0) + 1;
      seqs.set(post.groupId, seq);
      const createdAt = Math.floor(Date.now() / 3_600_000) * 3600;
      const message = {
        seq,
        clientMsgId: post.clientMsgId,
        epoch: post.epoch,
        kind: post.kind,
        ciphertext: post.ciphertext,
        pinned: false,
        createdAt,
        expiresAt: null,
      };
      return {
        message: { type: 'message', groupId: post.groupId, message },
        ack: { type: 'ack', ref: post.ref, groupId: post.groupId, seq, duplicate: false },
      };
    },
  };
}

export const portFromArgs = (): number => Number(process.argv[2] ?? 0);
