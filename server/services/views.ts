// Row -> wire shapes. One function per shape, used by HTTP and WebSocket alike.
import type { DevicePublicWire } from '../../shared/schemas/devices';
import type { InviteView } from '../../shared/schemas/invites';
import type { JoinRequestView } from '../../shared/schemas/join-requests';
import type { StoredMessage } from '../../shared/schemas/messages';
import type { JoinRequestRow } from '../db/repos/join-requests';
import type { MessageRow } from '../db/repos/messages';
import type { DevicesTable, InvitesTable } from '../db/tables';

export function deviceView(d: DevicesTable): DevicePublicWire {
  return { deviceId: d.id, signPk: d.sign_pk, kxPk: d.kx_pk, kxVersion: d.kx_version, kxSig: d.kx_sig };
}

export function inviteView(i: InvitesTable): InviteView {
  return {
    inviteId: i.id,
    groupId: i.group_id,
    role: i.role,
    expiresAt: i.expires_at,
    maxUses: i.max_uses,
    uses: i.uses,
    revoked: i.revoked === 1,
    creator: i.creator,
    label: i.label,
  };
}

export function messageView(m: MessageRow): StoredMessage {
  return {
    seq: m.seq,
    clientMsgId: m.client_msg_id,
    epoch: m.epoch,
    kind: m.kind,
    ciphertext: m.ciphertext,
    pinned: m.pinned === 1,
    createdAt: m.created_at,
    expiresAt: m.expires_at,
  };
}

export function joinRequestView(r: JoinRequestRow, device: DevicesTable): JoinRequestView {
  return {
    requestId: r.id,
    groupId: r.group_id,
    inviteId: r.invite_id,
    role: r.role,
    device: deviceView(device),
    introduction: r.introduction,
    createdAt: r.created_day * 86_400,
  };
}
