/**
 * Constant-time comparison of two strings (response digests, nonce MACs): the time taken depends on the length
 * only, never on where the first difference is. Lengths are not secret (a digest's length is its algorithm's).
 */
export const constantTimeEqual = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i += 1) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}
