// Operator accounts and their bearer tokens, in Postgres (`operators`, `operator_tokens`). Tokens are 32
// random bytes given to the client once; only their sha256 is stored, with an expiry.
import { createHash, randomBytes } from 'node:crypto';
import type {
  OperatorRecord,
  OperatorRecordRole,
  OperatorsRepository,
} from '../storage/operators.repository.ts';
import { isUniqueViolation } from '../storage/pg.errors.ts';
import { dummyHash, hashPassword, verifyPassword } from './auth.password.ts';

export type OperatorRole = OperatorRecordRole;

export interface Operator {
  id: string;
  email: string;
  displayName: string;
  role: OperatorRole;
  createdAt: string;
}

export interface NewOperator {
  email: string;
  displayName: string;
  role: OperatorRole;
  password: string;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

const toOperator = (row: OperatorRecord): Operator => ({
  id: row.id,
  email: row.email,
  displayName: row.displayName,
  role: row.role,
  createdAt: row.createdAt.toISOString(),
});

export interface OperatorDirectoryOptions {
  tokenTtlSeconds: number;
  now: () => Date;
}

export type OperatorDirectory = ReturnType<typeof createOperatorDirectory>;

const isOperatorId = (id: string) => /^[0-9a-f-]{36}$/i.test(id);

export function createOperatorDirectory(repository: OperatorsRepository, options: OperatorDirectoryOptions) {
  async function create(
    input: NewOperator,
  ): Promise<{ outcome: 'created'; operator: Operator } | { outcome: 'email_taken' }> {
    const passwordHash = await hashPassword(input.password);
    try {
      const row = await repository.insert({
        email: normalizeEmail(input.email),
        displayName: input.displayName.trim(),
        role: input.role,
        passwordHash,
        createdAt: options.now(),
      });
      return { outcome: 'created', operator: toOperator(row) };
    } catch (error) {
      if (isUniqueViolation(error)) return { outcome: 'email_taken' };
      throw error;
    }
  }

  async function get(id: string): Promise<Operator | null> {
    if (!isOperatorId(id)) return null;
    const row = await repository.activeById(id);
    return row ? toOperator(row) : null;
  }

  async function list(): Promise<Operator[]> {
    return (await repository.listActive()).map(toOperator);
  }

  /** The operator when the password matches; null otherwise, in the same time whether or not the e-mail exists. */
  async function checkPassword(email: string, password: string): Promise<Operator | null> {
    const row = await repository.byEmail(normalizeEmail(email));
    const ok = await verifyPassword(password, row?.passwordHash ?? (await dummyHash()));
    if (!row || !ok || row.disabledAt) return null;
    return toOperator(row);
  }

  async function issueToken(operatorId: string): Promise<{ token: string; expiresAt: string }> {
    const token = randomBytes(32).toString('base64url');
    const now = options.now();
    const expiresAt = new Date(now.getTime() + options.tokenTtlSeconds * 1000);
    await repository.insertToken({ tokenHash: tokenHash(token), operatorId, createdAt: now, expiresAt });
    // Housekeeping: expired tokens of this operator are useless; drop them while we are here.
    await repository.deleteExpiredTokens(operatorId, now);
    return { token, expiresAt: expiresAt.toISOString() };
  }

  async function authenticate(token: string): Promise<Operator | null> {
    if (token.length < 20 || token.length > 100) return null;
    const row = await repository.activeByToken(tokenHash(token), options.now());
    return row ? toOperator(row) : null;
  }

  async function revoke(token: string): Promise<void> {
    await repository.deleteToken(tokenHash(token));
  }

  const hasAdmin = (): Promise<boolean> => repository.activeAdminExists();

  /** The operator's id, role and whether they are active; null for no such account. */
  async function account(id: string): Promise<{ id: string; role: OperatorRole; active: boolean } | null> {
    if (!isOperatorId(id)) return null;
    const row = await repository.byId(id);
    return row ? { id: row.id, role: row.role, active: row.disabledAt === null } : null;
  }

  /** Whether an active admin other than `id` exists: the last admin is never demoted or deactivated. */
  const hasOtherAdmin = (id: string): Promise<boolean> => repository.activeAdminExists(id);

  const setRole = (id: string, role: OperatorRole): Promise<void> => repository.setRole(id, role);

  /** No login from now on and every token revoked: the next request with one answers 401. */
  const deactivate = (id: string): Promise<void> => repository.disable(id, options.now());

  /** A new password (already checked against the rules); the operator's tokens are revoked with the old one. */
  async function setPassword(id: string, password: string): Promise<void> {
    await repository.setPasswordHash(id, await hashPassword(password));
  }

  return {
    create,
    get,
    list,
    checkPassword,
    issueToken,
    authenticate,
    revoke,
    hasAdmin,
    account,
    hasOtherAdmin,
    setRole,
    deactivate,
    setPassword,
  };
}

/**
 * The env bootstrap: creates the first admin from ADMIN_BOOTSTRAP_EMAIL/PASSWORD only while no admin exists,
 * so changing the variables later never creates a second admin behind anyone's back. Safe when several
 * processes start at once (the unique e-mail makes the losers' inserts no-ops).
 */
export async function bootstrapAdmin(
  directory: OperatorDirectory,
  credentials: { email: string; password: string } | null,
): Promise<'created' | 'exists' | 'skipped'> {
  if (!credentials) return 'skipped';
  if (await directory.hasAdmin()) return 'exists';
  const result = await directory.create({
    email: credentials.email,
    password: credentials.password,
    displayName: 'Administrator',
    role: 'admin',
  });
  return result.outcome === 'created' ? 'created' : 'exists';
}
