import type { ServerFrame } from '../../shared/schemas/ws';
import { DEFAULT_SOCKET_LIMITS } from '../config';
import type { Hub, LivePeer } from './hub';

/** The in-process hub for a single Node server. */
export function memoryHub(
  maxPerDevice = DEFAULT_SOCKET_LIMITS.maxSocketsPerDevice,
): Hub & { peerCount(): number; isLive(deviceId: string): boolean } {
  const byGroup = new Map<string, Set<LivePeer>>();
  const byDevice = new Map<string, Set<LivePeer>>();
  const groupsOf = new Map<LivePeer, Set<string>>();

  const subscribe = (peer: LivePeer, groupId: string) => {
    let set = byGroup.get(groupId);
    if (!set) byGroup.set(groupId, (set = new Set()));
    set.add(peer);
    groupsOf.get(peer)?.add(groupId);
  };
  const unsubscribe = (peer: LivePeer, groupId: string) => {
    const set = byGroup.get(groupId);
    set?.delete(peer);
    if (set?.size === 0) byGroup.delete(groupId);
    groupsOf.get(peer)?.delete(groupId);
  };

  return {
    attach(peer, groupIds) {
      let mine = byDevice.get(peer.deviceId);
      if (mine && mine.size >= maxPerDevice) return false;
      if (!mine) byDevice.set(peer.deviceId, (mine = new Set()));
      mine.add(peer);
      groupsOf.set(peer, new Set());
      for (const g of groupIds) subscribe(peer, g);
      return true;
    },
    detach(peer) {
      for (const g of [...(groupsOf.get(peer) ?? [])]) unsubscribe(peer, g);
      groupsOf.delete(peer);
      const mine = byDevice.get(peer.deviceId);
      mine?.delete(peer);
      if (mine?.size === 0) byDevice.delete(peer.deviceId);
    },
    publish(groupId: string, frame: ServerFrame, onlyDevices?: readonly string[]) {
      const peers = byGroup.get(groupId);
      if (!peers) return;
      const text = JSON.stringify(frame);
      if (!onlyDevices) {
        for (const peer of [...peers]) peer.send(text);
        return;
      }
      // by device, not by scanning the group: an epoch's envelopes are one publish per member
      for (const device of new Set(onlyDevices))
        for (const peer of [...(byDevice.get(device) ?? [])]) if (peers.has(peer)) peer.send(text);
    },
    membersChanged(groupId, added, removed) {
      for (const d of added) for (const peer of byDevice.get(d) ?? []) subscribe(peer, groupId);
      for (const d of removed) for (const peer of [...(byDevice.get(d) ?? [])]) unsubscribe(peer, groupId);
    },
    sessionsEnded(deviceId) {
      for (const peer of [...(byDevice.get(deviceId) ?? [])]) void peer.revalidate?.();
    },
    peerCount: () => groupsOf.size,
    /** the device has an open, authenticated socket (it needs no push) */
    isLive: (deviceId) => byDevice.has(deviceId),
  };
}
