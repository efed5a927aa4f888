// Every text the widget itself shows, per language. English is the reference: another language must have
// every key (the type says so), so a missing translation is a compile error, not an English word on a
// Spanish page. What the bot and agents say comes from the server, in the session's language.
// `{name}`-style placeholders are filled by `say`.

const en = {
  'panel.label': 'Support chat',
  'brand.default': 'Support chat',
  'role.visitor': 'You',
  'role.bot': 'Assistant',
  'role.operator': 'Agent',
  'status.offline': 'Offline · reconnecting…',
  'status.waiting': 'Waiting for an agent',
  'status.chatting': 'Chatting with {name}',
  'status.an_agent': 'an agent',
  'status.online': 'Assistant · online',
  'status.bot': 'Assistant',
  'queue.waiting': 'Waiting for an agent…',
  'queue.next': "You're next in the queue",
  'queue.number': "You're number {position} in the queue",
  'queue.place': '{place}.',
  'queue.place_wait': '{place} · about {minutes}.',
  'time.minute': '1 minute',
  'time.minutes': '{n} minutes',
  'error.unreachable': "We can't reach the support chat right now. Check your connection and try again.",
  'log.label': 'Conversation',
  'typing.agent': 'The agent is typing…',
  'buttons.label': 'Quick replies',
  'button.numbered': '{n}: {label}',
  'input.label': 'Your message',
  'input.placeholder': 'Type your message…',
  'send.text': 'Send',
  'send.label': 'Send message',
  'close.label': 'Minimise chat',
  'launcher.open': 'Open support chat',
  'launcher.open_unread': 'Open support chat ({n} unread)',
  'launcher.close': 'Minimise support chat',
  'retry.text': 'Not sent · Retry',
  'retry.label': 'Retry sending: {text}',
  'prechat.title': 'Before we start',
  'prechat.intro': 'Tell us who you are, so an agent can reach you if the chat is cut off.',
  'prechat.intro_optional':
    'Tell us who you are, so an agent can reach you if the chat is cut off. Both are optional.',
  'prechat.name': 'Your name',
  'prechat.email': 'E-mail',
  'prechat.start': 'Start chat',
  'prechat.skip': 'Skip',
  'prechat.name_required': 'Please enter your name.',
  'prechat.name_too_long': 'Your name is at most 100 characters.',
  'prechat.email_required': 'Please enter your e-mail address.',
  'prechat.email_invalid': 'This does not look like an e-mail address (for example ana@example.com).',
  'rating.legend': 'How did we do?',
  'rating.star': '{n} of 5: {label}',
  'rating.1': 'Poor',
  'rating.2': 'Fair',
  'rating.3': 'Good',
  'rating.4': 'Very good',
  'rating.5': 'Excellent',
  'rating.comment': 'Anything you would like to add? (optional)',
  'rating.submit': 'Send rating',
  'rating.choose': 'Choose from 1 to 5 stars first.',
};

export type MessageKey = keyof typeof en;
export type Messages = Readonly<Record<MessageKey, string>>;

const es: Messages = {
  'panel.label': 'Chat de ayuda',
  'brand.default': 'Chat de ayuda',
  'role.visitor': 'Tú',
  'role.bot': 'Asistente',
  'role.operator': 'Agente',
  'status.offline': 'Sin conexión · reconectando…',
  'status.waiting': 'Esperando a un agente',
  'status.chatting': 'Hablando con {name}',
  'status.an_agent': 'un agente',
  'status.online': 'Asistente · en línea',
  'status.bot': 'Asistente',
  'queue.waiting': 'Esperando a un agente…',
  'queue.next': 'Eres el siguiente en la cola',
  'queue.number': 'Eres el número {position} en la cola',
  'queue.place': '{place}.',
  'queue.place_wait': '{place} · unos {minutes}.',
  'time.minute': '1 minuto',
  'time.minutes': '{n} minutos',
  'error.unreachable':
    'Ahora mismo no podemos conectar con el chat de ayuda. Revisa tu conexión e inténtalo de nuevo.',
  'log.label': 'Conversación',
  'typing.agent': 'El agente está escribiendo…',
  'buttons.label': 'Respuestas rápidas',
  'button.numbered': '{n}: {label}',
  'input.label': 'Tu mensaje',
  'input.placeholder': 'Escribe tu mensaje…',
  'send.text': 'Enviar',
  'send.label': 'Enviar mensaje',
  'close.label': 'Minimizar el chat',
  'launcher.open': 'Abrir el chat de ayuda',
  'launcher.open_unread': 'Abrir el chat de ayuda ({n} sin leer)',
  'launcher.close': 'Minimizar el chat de ayuda',
  'retry.text': 'No enviado · Reintentar',
  'retry.label': 'Reintentar el envío: {text}',
  'prechat.title': 'Antes de empezar',
  'prechat.intro': 'Dinos quién eres, para que un agente pueda contactarte si se corta el chat.',
  'prechat.intro_optional':
    'Dinos quién eres, para que un agente pueda contactarte si se corta el chat. Ambos datos son opcionales.',
  'prechat.name': 'Tu nombre',
  'prechat.email': 'Correo electrónico',
  'prechat.start': 'Empezar el chat',
  'prechat.skip': 'Omitir',
  'prechat.name_required': 'Escribe tu nombre, por favor.',
  'prechat.name_too_long': 'El nombre tiene como máximo 100 caracteres.',
  'prechat.email_required': 'Escribe tu correo electrónico, por favor.',
  'prechat.email_invalid': 'Esto no parece un correo electrónico (por ejemplo, ana@ejemplo.com).',
  'rating.legend': '¿Qué tal lo hicimos?',
  'rating.star': '{n} de 5: {label}',
  'rating.1': 'Mal',
  'rating.2': 'Regular',
  'rating.3': 'Bien',
  'rating.4': 'Muy bien',
  'rating.5': 'Excelente',
  'rating.comment': '¿Quieres añadir algo? (opcional)',
  'rating.submit': 'Enviar valoración',
  'rating.choose': 'Elige primero de 1 a 5 estrellas.',
};

export const WIDGET_MESSAGES: Readonly<Record<string, Messages>> = { en, es };
export const WIDGET_LANGUAGES = Object.keys(WIDGET_MESSAGES);

/**
 * The widget's language: the script tag's `lang`/`data-lang` when we have it, else the first of the
 * browser's languages we have (`es-MX` → `es`), else English.
 */
export function pickLanguage(requested: string | undefined, browser: readonly string[]): string {
  for (const tag of [requested, ...browser]) {
    const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
    if (primary && Object.hasOwn(WIDGET_MESSAGES, primary)) return primary;
  }
  return 'en';
}

export type Say = (key: MessageKey, vars?: Readonly<Record<string, string | number>>) => string;

/** The translator of one language: `say('queue.number', { position: 2 })`. */
export function translator(language: string): Say {
  const messages = WIDGET_MESSAGES[language] ?? en;
  return (key, vars = {}) =>
    messages[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      Object.hasOwn(vars, name) ? String(vars[name]) : whole,
    );
}
