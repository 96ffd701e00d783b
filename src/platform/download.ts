// File answers (downloads): one RFC 6266 attachment header for every route that sends a file, so a
// Chinese file name arrives intact in every browser and no route writes the header by hand.
import type { FastifyReply } from 'fastify';

/** RFC 6266 attachment header: an ASCII fallback and the UTF-8 (Chinese) name, RFC 5987-encoded. */
export function contentDisposition(filename: string, fallback: string): string {
  // encodeURIComponent leaves ' ( ) * ! as they are, but RFC 5987's attr-char does not allow them.
  const encoded = encodeURIComponent(filename).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encoded}`;
}

/** Sends a file as an attachment with its Chinese name (and an ASCII fallback name). */
export function sendFile(reply: FastifyReply, body: Buffer | string, type: string, filename: string, fallback: string) {
  return reply.type(type).header('content-disposition', contentDisposition(filename, fallback)).send(body);
}
