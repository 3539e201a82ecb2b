/**
 * @sipkit/codec — pure SIP (RFC 3261) messages: parse, serialize, build, header access, typed headers, URIs and
 * a stream framer. Never performs I/O, never reads a clock, never throws on network input.
 * SDP and digest live at the subpaths `@sipkit/codec/sdp` and `@sipkit/codec/digest`.
 */
export const packageName = "@sipkit/codec"

export {
  makeRequest,
  makeResponse,
  type RequestInit,
  type ResponseOptions,
  withBody,
  withoutBody,
} from "./Build.js"
export { type FramerState, isFramerFailed, makeFramer, type PushResult, pushBytes } from "./Framer.js"
export {
  canonicalName,
  compactOf,
  type HeaderName,
  headerKey,
  headerNames,
  isListHeader,
} from "./HeaderNames.js"
export {
  appendHeader,
  getFirstHeaderValue,
  getHeader,
  getHeaderValues,
  hasHeader,
  prependHeader,
  removeFirstHeaderValue,
  removeHeader,
  setHeader,
} from "./Headers.js"
export { type CSeq, getCSeq, parseCSeq, printCSeq } from "./headers/CSeq.js"
export {
  type Event,
  eventId,
  getEvent,
  getSubscriptionState,
  parseEvent,
  parseSubscriptionState,
  printEvent,
  printSubscriptionState,
  type SubscriptionState,
} from "./headers/Event.js"
export {
  getAccept,
  getContentType,
  isMediaType,
  type MediaType,
  parseMediaType,
  printMediaType,
} from "./headers/MediaType.js"
export {
  getContacts,
  getFrom,
  getFromTag,
  getRecordRoutes,
  getReferredBy,
  getReferTo,
  getReplyTo,
  getRoutes,
  getTag,
  getTo,
  getToTag,
  type NameAddr,
  parseNameAddr,
  parseNameAddrList,
  printNameAddr,
} from "./headers/NameAddr.js"
export { getRAck, parseRAck, printRAck, type RAck } from "./headers/RAck.js"
export {
  getCallId,
  getContentLength,
  getExpires,
  getMaxForwards,
  getMinExpires,
  getRSeq,
  parseDeltaSeconds,
} from "./headers/Scalars.js"
export {
  getMinSE,
  getRetryAfter,
  getSessionExpires,
  parseRetryAfter,
  parseSessionExpires,
  printRetryAfter,
  printSessionExpires,
  type RetryAfter,
  type SessionExpires,
  sessionRefresher,
} from "./headers/Timers.js"
export {
  getAllow,
  getAllowEvents,
  getProxyRequire,
  getRequire,
  getSupported,
  getUnsupported,
  parseTokenList,
  printTokenList,
} from "./headers/Tokens.js"
export {
  getTopVia,
  getTopViaBranch,
  getVias,
  parseVia,
  parseViaList,
  printVia,
  type Via,
  viaBranch,
  viaMaddr,
  viaReceived,
  viaRport,
  viaTtl,
} from "./headers/Via.js"
export { getWarnings, parseWarning, printWarning, type Warning } from "./headers/Warning.js"
export { defaultLimits, type Limits } from "./Limits.js"
export { splitList } from "./Lists.js"
export {
  type Header,
  isRequest,
  isResponse,
  type Request,
  type Response,
  type SipMessage,
} from "./Message.js"
export { ownString } from "./OwnString.js"
export { getParam, hasParam, type Param, printParams, quote, unquote } from "./Params.js"
export { type HeaderError, makeHeaderError, makeParseError, type ParseError } from "./ParseError.js"
export { parseMessage } from "./Parser.js"
export { reasonPhrase } from "./ReasonPhrase.js"
export { err, isErr, isOk, ok, type Result } from "./Result.js"
export { salvageRequest } from "./Salvage.js"
export { encodeWire, headText, messageToString, ownHeadText, serializeMessage } from "./Serializer.js"
export {
  type AbsoluteUri,
  isSipUri,
  parseUri,
  printUri,
  type SipUri,
  type TelUri,
  type Uri,
} from "./uri/Uri.js"
export { uriEquals } from "./uri/UriEquals.js"
export { type ValidateOptions, validateRequest, validateResponse } from "./Validate.js"
