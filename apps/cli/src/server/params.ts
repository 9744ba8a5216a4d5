// Checking request fields: each problem is a 400 that names the field.
import { HttpError } from './http.js';

type Body = Record<string, unknown>;

export function optionalNumber(body: Body, name: string, rule: { min?: number; max?: number; above?: number; integer?: boolean } = {}, prefix = ''): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  const field = prefix + name;
  if (typeof v !== 'number' || !Number.isFinite(v) || (rule.integer && !Number.isInteger(v))) {
    throw new HttpError(400, `'${field}' must be ${rule.integer ? 'an integer' : 'a number'}, got ${JSON.stringify(v)}`, field);
  }
  if (rule.min !== undefined && v < rule.min) throw new HttpError(400, `'${field}' must be >= ${rule.min}, got ${v}`, field);
  if (rule.above !== undefined && v <= rule.above) throw new HttpError(400, `'${field}' must be > ${rule.above}, got ${v}`, field);
  if (rule.max !== undefined && v > rule.max) throw new HttpError(400, `'${field}' must be <= ${rule.max}, got ${v}`, field);
  return v;
}

export function optionalBoolean(body: Body, name: string): boolean | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new HttpError(400, `'${name}' must be true or false, got ${JSON.stringify(v)}`, name);
  return v;
}

export function optionalString(body: Body, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new HttpError(400, `'${name}' must be a string, got ${JSON.stringify(v)}`, name);
  return v;
}

/** A stop sequence or a list of them (at most `max`). */
export function stopSequences(body: Body, name: string, max = 16, prefix = ''): string[] {
  const v = body[name];
  const field = prefix + name;
  if (v === undefined || v === null) return [];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) throw new HttpError(400, `'${field}' must be a string or a list of strings`, field);
  if (list.length > max) throw new HttpError(400, `'${field}' may hold at most ${max} sequences, got ${list.length}`, field);
  return (list as string[]).filter((s) => s.length > 0);
}

export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Chat messages: a non-empty list of { role: system|user|assistant, content }, content a string or OpenAI's text parts. */
export function chatMessages(body: Body): Message[] {
  const v = body.messages;
  if (!Array.isArray(v) || v.length === 0) throw new HttpError(400, "'messages' must be a non-empty list of { role, content }", 'messages');
  return v.map((m, i) => {
    const field = `messages[${i}]`;
    if (typeof m !== 'object' || m === null) throw new HttpError(400, `'${field}' must be an object with role and content`, field);
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (role !== 'system' && role !== 'user' && role !== 'assistant') {
      throw new HttpError(400, `'${field}.role' must be system, user or assistant, got ${JSON.stringify(role)}`, `${field}.role`);
    }
    return { role, content: messageText(content, `${field}.content`) };
  });
}

function messageText(content: unknown, field: string): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) {
    return content.map((part, i) => {
      const p = part as { type?: unknown; text?: unknown };
      if (p?.type !== 'text' || typeof p.text !== 'string') throw new HttpError(400, `'${field}[${i}]' must be a text part { type: "text", text }; this model reads text only`, field);
      return p.text;
    }).join('');
  }
  throw new HttpError(400, `'${field}' must be a string`, field);
}
