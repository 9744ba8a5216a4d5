export { ChatTemplate, type ChatMessage, type ChatRenderOptions, type ChatTemplateTokens } from './template.js';
export { chatPrompt, chatTemplateOf, type ChatEncoder, type ChatPrompt, type ChatTokenizer } from './prompt.js';
export { strftime } from './strftime.js';
