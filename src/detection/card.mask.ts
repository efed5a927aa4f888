// Payment-card numbers never enter the system: a run of 13–19 digits (spaces or dashes between them
// allowed) that passes the Luhn check is masked to its last four digits before the message is stored,
// traced, shown to an agent or put into an LLM prompt. Luhn keeps most order numbers intact (nine in ten
// random digit runs fail it). Phone numbers must survive too, or one visitor in ten could not leave a number
// for a callback: a run written as an international number (`+`) is a phone, and so is one whose first digit
// no payment card uses (ISO/IEC 7812: cards start with 2-6; a national number starts with 0).
const CANDIDATE = /(?<![\d+])[2-6](?:[ -]?\d){12,18}(?!\d)/g;

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
