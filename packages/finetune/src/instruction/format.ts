// Section 7.2's Alpaca-style prompt. formatInput gives the instruction (and input) part, exactly
// as the book's format_input; the training text appends the response section.
export interface InstructionEntry {
  instruction: string;
  /** May be empty: the prompt then has no "### Input:" section. */
  input: string;
  output: string;
}

export function formatInput(entry: Pick<InstructionEntry, 'instruction' | 'input'>): string {
  const instructionText = 'Below is an instruction that describes a task. '
    + 'Write a response that appropriately completes the request.'
    + `\n\n### Instruction:\n${entry.instruction}`;
  const inputText = entry.input ? `\n\n### Input:\n${entry.input}` : '';
  return instructionText + inputText;
}

/** The "### Response:" section that follows formatInput in a training example. */
export function formatResponse(entry: Pick<InstructionEntry, 'output'>): string {
  return `\n\n### Response:\n${entry.output}`;
}

/** Prompt and response: the text an instruction example trains on. */
export function formatExample(entry: InstructionEntry): string {
  return formatInput(entry) + formatResponse(entry);
}
