/** @module proxy — built by its issue. */
export {}
