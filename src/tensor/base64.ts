/** Base64 without Node's Buffer, so records and pages are made the same way in a browser. */
export function base64(bytes: Uint8Array): string {
  const chunk = 0x8000;
  let binary = '';
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

/** The bytes of a base64 string; a string that is not base64 throws a RangeError. */
export function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new RangeError('not base64');
  }
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

/** Values in [−1, 1] as bytes 0…255 (clamped), the inverse of the datasets' pixel scaling. */
export function unitToBytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round(Math.min(1, Math.max(-1, values[i])) * 127.5 + 127.5);
  return out;
}
