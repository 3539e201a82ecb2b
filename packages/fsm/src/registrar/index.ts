/** @module registrar — built by its issue. */
export {}
