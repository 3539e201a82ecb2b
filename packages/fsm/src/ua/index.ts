/** @module ua — built by its issue. */
export {}
