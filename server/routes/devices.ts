import type { OpenAPIHono } from '@hono/zod-openapi';
import { groupParams } from '../../shared/schemas/common';
import {
  deviceParams,
  devicePublicSchema,
  groupDevicesResponse,
  registerDeviceBody,
  rotateKxBody,
} from '../../shared/schemas/devices';
import type { AppDeps, AppEnv } from '../deps';
import { getDevice, getGroupDevices, registerDevice, rotateKx } from '../services/sessions';
import { publicRoute, sessionRoute } from './declare-route';
import { errorResponses, jsonBody, jsonResponse } from './openapi';

const register = publicRoute({
  operationId: 'registerDevice',
  method: 'post',
  path: '/v1/devices',
  tags: ['devices'],
  summary: 'Register a device (idempotent for the same identity key)',
  request: jsonBody(registerDeviceBody),
  responses: {
    200: jsonResponse(devicePublicSchema, 'already registered'),
    201: jsonResponse(devicePublicSchema, 'registered'),
    400: errorResponses[400],
    429: errorResponses[429],
  },
});

const read = sessionRoute({
  operationId: 'getDevice',
  method: 'get',
  path: '/v1/devices/{deviceId}',
  tags: ['devices'],
  summary: "A device's public keys",
  request: { params: deviceParams },
  responses: {
    200: jsonResponse(devicePublicSchema, 'the device'),
    401: errorResponses[401],
    404: errorResponses[404],
  },
});

const groupDevices = sessionRoute({
  operationId: 'listGroupDevices',
  method: 'get',
  path: '/v1/groups/{groupId}/devices',
  tags: ['devices'],
  summary: "The public keys of every member's device (members only)",
  request: { params: groupParams },
  responses: {
    200: jsonResponse(groupDevicesResponse, 'the members’ devices'),
    401: errorResponses[401],
    403: errorResponses[403],
  },
});

const rotate = sessionRoute({
  operationId: 'rotateKxKey',
  method: 'put',
  path: '/v1/devices/me/kx',
  tags: ['devices'],
  summary: 'Rotate this device’s key-exchange key (version must increase)',
  request: jsonBody(rotateKxBody),
  responses: {
    200: jsonResponse(devicePublicSchema, 'rotated'),
    400: errorResponses[400],
    401: errorResponses[401],
    409: errorResponses[409],
  },
});

export function deviceRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(register, async (c) => {
    const { created, device } = await registerDevice(deps, c.req.valid('json'));
    return created ? c.json(device, 201) : c.json(device, 200);
  });
  app.openapi(rotate, async (c) => {
    const input = c.req.valid('json');
    const me = c.var.deviceId;
    return c.json(await rotateKx(deps, me, input), 200);
  });
  app.openapi(groupDevices, async (c) => {
    const { groupId } = c.req.valid('param');
    return c.json({ devices: await getGroupDevices(deps, c.var.deviceId, groupId) }, 200);
  });
  app.openapi(read, async (c) => {
    const { deviceId } = c.req.valid('param');
    return c.json(await getDevice(deps, deviceId), 200);
  });
}
