// Risk covered: card masking eating phone numbers. A Luhn-valid phone number (one in ten) was masked, so
// the visitor could not leave it for a callback; payment-card numbers must still be masked.
import { describe, expect, it } from 'vitest';
import { luhnValid, maskCardNumbers } from '../../src/detection/card.mask.ts';

describe('card masking', () => {
  it('masks Luhn-valid card numbers, with or without separators', () => {
    expect(maskCardNumbers('my card is 4111 1111 1111 1111 thanks')).toBe(
      'my card is •••• •••• •••• 1111 thanks',
    );
    expect(maskCardNumbers('5500-0000-0000-0004')).toBe('••••-••••-••••-0004');
    expect(maskCardNumbers('378282246310005')).toBe('•••••••••••0005');
  });

  it('keeps phone numbers that happen to pass the Luhn check', () => {
    // Each of these digit runs is Luhn-valid (checked below), so the old rule masked them.
    for (const phone of ['+4915112315606', '+49 1511 2315606', '+44 7700 900 1203', '0151231560112']) {
      expect(luhnValid(phone.replace(/\D/g, ''))).toBe(true);
      expect(maskCardNumbers(`call me on ${phone}`)).toBe(`call me on ${phone}`);
    }
  });

  it('keeps runs that fail the Luhn check', () => {
    expect(maskCardNumbers('order 4111111111111112')).toBe('order 4111111111111112');
  });
});
