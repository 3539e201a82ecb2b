/** @module digest — built by its issue. */
export {}
