import { z } from 'zod';
import { idSchema, key32Schema, signatureSchema } from './common';

export const kxRecordSchema = z.object({
  kxPk: key32Schema,
  kxVersion: z
    .number()
    .int()
    .min(1)
    .max(2 ** 31),
  kxSig: signatureSchema,
});

export const registerDeviceBody = kxRecordSchema.extend({ signPk: key32Schema });
export const devicePublicSchema = registerDeviceBody.extend({ deviceId: idSchema });
export type DevicePublicWire = z.infer<typeof devicePublicSchema>;

export const rotateKxBody = kxRecordSchema;
export const deviceParams = z.object({ deviceId: idSchema });
/** GET /v1/groups/{groupId}/devices: the current members' device records, for an admin sealing an epoch in one request. */
export const groupDevicesResponse = z.object({ devices: z.array(devicePublicSchema) });
