/** States in which a human owns the conversation: the bot detects nothing and says nothing. */
export const HUMAN_TAG = 'human';
/** States that collect visitor details: free text is data, not intent. */
export const COLLECTING_TAG = 'collecting';
