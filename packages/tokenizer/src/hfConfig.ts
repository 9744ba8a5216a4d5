// Hugging Face tokenizer_config.json: the chat template and the names of the BOS / EOS / pad tokens, validated
// field by field (errors name the file and the field). Strings or parsed objects in, so it runs in browsers too.
import { parseJson } from './hf';

export interface HFTokenizerConfig {
  /** The chat template (Jinja source): chat_template as a string, or the one named "default" of a list. */
  chatTemplate?: string;
  /** Every named template of a list-valued chat_template (e.g. "default", "tool_use"). */
  chatTemplates: Record<string, string>;
  bosToken?: string;
  eosToken?: string;
  padToken?: string;
  unkToken?: string;
  /** Whether the tokenizer adds BOS to a plain encode (Llama's add_bos_token); undefined when the file is silent. */
  addBosToken?: boolean;
  addEosToken?: boolean;
}

/** A token field: a string, or an AddedToken object { "content": ... }, or null. */
function tokenField(v: unknown, field: string, where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  throw new Error(`${where}: ${field} must be a string or {"content": "..."}, got ${JSON.stringify(v)?.slice(0, 80)}`);
}

function boolField(v: unknown, field: string, where: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new Error(`${where}: ${field} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function parseTokenizerConfig(json: unknown, where = 'tokenizer_config.json'): HFTokenizerConfig {
  const d = parseJson(json, where);
  const chatTemplates: Record<string, string> = {};
  let chatTemplate: string | undefined;
  const t = d.chat_template;
  if (typeof t === 'string') chatTemplate = t;
  else if (Array.isArray(t)) {
    t.forEach((entry, i) => {
      const e = entry as { name?: unknown; template?: unknown } | null;
      if (!e || typeof e.name !== 'string' || typeof e.template !== 'string') {
        throw new Error(`${where}: chat_template[${i}] must be {"name": "...", "template": "..."}, got ${JSON.stringify(entry)?.slice(0, 80)}`);
      }
      chatTemplates[e.name] = e.template;
    });
    chatTemplate = chatTemplates.default;
  } else if (t !== undefined && t !== null) {
    throw new Error(`${where}: chat_template must be a string or a list of {"name", "template"}, got ${typeof t}`);
  }
  return {
    chatTemplate,
    chatTemplates,
    bosToken: tokenField(d.bos_token, 'bos_token', where),
    eosToken: tokenField(d.eos_token, 'eos_token', where),
    padToken: tokenField(d.pad_token, 'pad_token', where),
    unkToken: tokenField(d.unk_token, 'unk_token', where),
    addBosToken: boolField(d.add_bos_token, 'add_bos_token', where),
    addEosToken: boolField(d.add_eos_token, 'add_eos_token', where),
  };
}
