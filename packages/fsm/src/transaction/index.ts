/** @module transaction — built by its issue. */
export {}
