/**
 * @module digest — SIP digest authentication (RFC 3261 §22, RFC 2617, RFC 7616, RFC 8760).
 *
 * What it does: parses and prints challenges (WWW-Authenticate, Proxy-Authenticate — several per value or per
 * response), credentials (Authorization, Proxy-Authorization) and Authentication-Info; computes and verifies
 * responses for MD5, MD5-sess, SHA-256, SHA-256-sess, SHA-512-256, SHA-512-256-sess with qop auth, auth-int or
 * none (RFC 2069); issues and checks stateless HMAC nonces; picks the strongest challenge for a client.
 * What it never does: read a clock, draw random numbers, keep state — time, secrets, cnonces and the
 * nonce-count map are arguments. Secrets are compared in constant time. Hashes come from @noble/hashes.
 */
export type { AuthError } from "./AuthError.js"
export type { AuthenticationInfo } from "./AuthenticationInfo.js"
export {
  makeAuthenticationInfo,
  parseAuthenticationInfo,
  printAuthenticationInfo,
  verifyAuthenticationInfo,
} from "./AuthenticationInfo.js"
export type { DigestAlgorithm } from "./algorithms.js"
export { ALGORITHMS, hashHex, toAlgorithm } from "./algorithms.js"
export type { AuthItem, AuthParam } from "./authParams.js"
export type { AuthorizeRequest, UserCredentials } from "./client.js"
export { authorize, chooseChallenge, formatNonceCount, makeCredentials } from "./client.js"
export { constantTimeEqual } from "./constantTime.js"
export type { Challenge, ChallengeInit, DigestChallenge, OtherChallenge } from "./DigestChallenge.js"
export { digestChallenges, makeChallenge, parseChallenges, printChallenge } from "./DigestChallenge.js"
export type { DigestCredentials } from "./DigestCredentials.js"
export { parseCredentials, printCredentials } from "./DigestCredentials.js"
export type { NonceCounts, NonceOptions, NonceReplay, NonceStatus } from "./nonce.js"
export { checkNonce, checkNonceCount, makeNonce, nonceTimestamp, pruneNonceCounts } from "./nonce.js"
export type { DigestInput, Secret, VerifyRequest } from "./response.js"
export { computeHA1, computeResponse, verifyCredentials } from "./response.js"
export type { AuthorizationCheck, AuthorizationOutcome } from "./server.js"
export { checkAuthorization } from "./server.js"
