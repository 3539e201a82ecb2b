/** @module dialog — built by its issue. */
export {}
