import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (support files run from dist/test/support). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where specs leave files for a human to look at (gitignored). */
export const ARTIFACTS = join(ROOT, 'test-artifacts');
