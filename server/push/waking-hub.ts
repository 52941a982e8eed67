// Push as part of fan-out on a hub that holds its sockets in this process
// (Node's memory hub): after a wake-worthy frame went to the live sockets,
// the devices without one are pushed to. The Worker does the same inside each
// group's Durable Object (worker/group-hub.ts), where the sockets are.
import type { Hub } from '../live/hub';
import type { IsLive, PushNotifier } from './push-notifier';
import { wakesDevices } from './wake-frames';

export function wakingHub(hub: Hub, isLive: IsLive, notifier: PushNotifier): Hub {
  return {
    ...hub,
    publish(groupId, frame, onlyDevices) {
      hub.publish(groupId, frame, onlyDevices);
      if (wakesDevices(frame)) notifier.wake(groupId, onlyDevices, isLive);
    },
  };
}
