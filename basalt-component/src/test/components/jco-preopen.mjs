// jco 1.35 runs its WIT reader on preview2-shim 0.26, which no longer pre-opens '/': without this, `jco embed --wit`
// fails with "failed to read path for WIT". Imported with `node --import` before jco; pre-opens '/' in every copy.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function shims(dir, found = []) {
    if (!existsSync(dir)) return found;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const path = join(dir, entry.name);
        if (entry.name === 'preview2-shim') found.push(path);
        else if (entry.name === 'node_modules' || entry.name.startsWith('@')) shims(path, found);
        else if (existsSync(join(path, 'node_modules'))) shims(join(path, 'node_modules'), found);
    }
    return found;
}

for (const shim of shims(join(process.cwd(), 'node_modules'))) {
    const fs = join(shim, 'dist', 'nodejs', 'filesystem.js');
    if (existsSync(fs)) {
        const mod = await import(pathToFileURL(fs).href);
        if (typeof mod._setPreopens === 'function') mod._setPreopens({ '/': '/' });
    }
}
