#!/usr/bin/env node
console.log("sip: not yet built")
