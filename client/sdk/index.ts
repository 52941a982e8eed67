// The SDK's entry points for apps (CLI, web): open a client, and the types it speaks.
export { createClient, openClient, type ClientOptions } from './open';
export type { Client } from './client';
export type * from './client-api';
export type * from './events';
export type { ByteStore, DocumentStore } from './store';
export { ClientError, type ClientErrorCode } from './errors';
export { RelayError } from './relay-api';
export type { WebSocketLike } from './live-socket';
export type { FileProgress, FileToSend, SendFileOptions } from './attachments';
export { AttachmentError, type AttachmentDescriptor } from '../../shared/protocol/attachment';
