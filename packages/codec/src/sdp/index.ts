/** @module sdp — built by its issue. */
export {}
