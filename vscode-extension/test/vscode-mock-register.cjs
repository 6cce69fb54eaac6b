// node --require hook: make require('vscode') return the compiled mock (out/test/vscode-mock.js).
const Module = require('node:module');
const path = require('node:path');
const mockPath = path.join(__dirname, '..', 'out', 'test', 'vscode-mock.js');
const orig = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode') return mockPath;
  return orig.call(this, request, ...rest);
};
