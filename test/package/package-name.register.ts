import { register } from 'node:module';

// `node --import` this file to run a sample that imports the package by name.
register('./package-name.hooks.js', import.meta.url);
