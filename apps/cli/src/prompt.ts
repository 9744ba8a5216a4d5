// The Alpaca prompt format of the book's chapter 7, which instruction-tuned models expect. It is
// @llm/finetune's formatInput followed by the open response section (a test checks the two agree);
// it lives here too so that the server and chat start without loading the fine-tuning package.

export const ALPACA_PREAMBLE = 'Below is an instruction that describes a task. Write a response that appropriately completes the request.';

/** The prompt for one instruction (and optional input), ending where the response begins. */
export function alpacaPrompt(instruction: string, input = ''): string {
  return `${ALPACA_PREAMBLE}\n\n### Instruction:\n${instruction}${input ? `\n\n### Input:\n${input}` : ''}\n\n### Response:\n`;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * A conversation as one Alpaca prompt: system messages replace the preamble, each user message is
 * an instruction, each assistant message a response; it ends with an open response. One user
 * message alone gives exactly alpacaPrompt(message).
 */
export function chatPrompt(messages: readonly ChatMessage[]): string {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content.trim()).filter(Boolean);
  let text = system.length ? system.join('\n') : ALPACA_PREAMBLE;
  for (const m of messages) {
    if (m.role === 'user') text += `\n\n### Instruction:\n${m.content}`;
    else if (m.role === 'assistant') text += `\n\n### Response:\n${m.content}`;
  }
  return `${text}\n\n### Response:\n`;
}

/** Where a model that runs on past its response starts the next section. */
export const ALPACA_STOP = '\n\n###';
