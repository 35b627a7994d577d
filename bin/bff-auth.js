#!/usr/bin/env node
import '../dist/bff/server/cli.js';
