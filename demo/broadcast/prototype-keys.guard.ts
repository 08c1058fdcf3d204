import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { BadRequestException, Injectable } from '@nestjs/common';

/** Keys Nest's ValidationPipe deletes, at any depth, from the body it validates. */
const STRIPPED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_PATH_LENGTH = 120;

/**
 * Answers 400 to a JSON body that holds a `__proto__`, `constructor` or
 * `prototype` key anywhere. Nest's ValidationPipe deletes such keys in place
 * (against prototype pollution), so the payload would otherwise be delivered
 * silently altered. Runs before the pipes, as guards do; the walk is
 * iterative, so deep nesting cannot overflow the stack.
 */
@Injectable()
export class PrototypeKeysGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const body = context.switchToHttp().getRequest<{ body?: unknown }>().body;
    const found = findStrippedKey(body);
    if (found !== undefined) {
      const path =
        found.length > MAX_PATH_LENGTH
          ? `…${found.slice(-MAX_PATH_LENGTH)}`
          : found;
      throw new BadRequestException(
        `Keys named "__proto__", "constructor" or "prototype" are not accepted (found at ${path})`,
      );
    }
    return true;
  }
}

/** The path of the first such key, or undefined. */
function findStrippedKey(root: unknown): string | undefined {
  const stack: [unknown, string][] = [[root, 'body']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
      continue;
    }
    for (const key of Object.keys(value)) {
      const at = `${path}.${key}`;
      if (STRIPPED_KEYS.has(key)) return at;
      stack.push([(value as Record<string, unknown>)[key], at]);
    }
  }
  return undefined;
}
