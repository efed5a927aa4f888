// Payment-card numbers never enter the system: a run of 13–19 digits (spaces or dashes between them
// allowed) that passes the Luhn check is masked to its last four digits before the message is stored,
// traced, shown to an agent or put into an LLM prompt. Luhn keeps order numbers and phone numbers intact
// (nine in ten random digit runs fail it).
const CANDIDATE = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function maskCardNumbers(text: string): string {
  if (!/\d{4}/.test(text.replace(/[ -]/g, ''))) return text;
  return text.replace(CANDIDATE, (run) => {
    const digits = run.replace(/[ -]/g, '');
    if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) return run;
    let keep = 4;
    let out = '';
    for (let i = run.length - 1; i >= 0; i--) {
      const c = run[i] ?? '';
      if (c >= '0' && c <= '9') {
        out = (keep > 0 ? c : '•') + out;
        keep--;
      } else out = c + out;
    }
    return out;
  });
}
