// A text with its class, before tokenization.
export interface LabeledText {
  text: string;
  /** The class name, e.g. 'ham' or 'spam'. */
  label: string;
}
