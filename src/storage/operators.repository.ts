// Operator accounts and their bearer tokens (`operators`, `operator_tokens`): the queries the operator
// directory runs. Token hashes and password hashes arrive computed; this module only stores and finds them.
import { and, asc, eq, gt, isNull, lt, ne } from 'drizzle-orm';
import type { Db } from './database.ts';
import { type OPERATOR_ROLES, operators, operatorTokens } from './schema/index.ts';

export type OperatorRecord = typeof operators.$inferSelect;
export type OperatorRecordRole = (typeof OPERATOR_ROLES)[number];

export interface NewOperatorRecord {
  email: string;
  displayName: string;
  role: OperatorRecordRole;
  passwordHash: string;
  createdAt: Date;
}

export function createOperatorsRepository(db: Db) {
  return {
    /** Throws the driver's unique violation when the e-mail is taken. */
    async insert(values: NewOperatorRecord): Promise<OperatorRecord> {
      const [row] = await db.insert(operators).values(values).returning();
      if (!row) throw new Error('insert returned no row');
      return row;
    },

    async activeById(id: string): Promise<OperatorRecord | null> {
      const [row] = await db
        .select()
        .from(operators)
        .where(and(eq(operators.id, id), isNull(operators.disabledAt)))
        .limit(1);
      return row ?? null;
    },

    /** Active operators by display name. */
    listActive(): Promise<OperatorRecord[]> {
      return db
        .select()
        .from(operators)
        .where(isNull(operators.disabledAt))
        .orderBy(asc(operators.displayName));
    },

    /** Active or not: the caller decides what a disabled account means. */
    async byEmail(email: string): Promise<OperatorRecord | null> {
      const [row] = await db.select().from(operators).where(eq(operators.email, email)).limit(1);
      return row ?? null;
    },

    async byId(
      id: string,
    ): Promise<{ id: string; role: OperatorRecordRole; disabledAt: Date | null } | null> {
      const [row] = await db
        .select({ id: operators.id, role: operators.role, disabledAt: operators.disabledAt })
        .from(operators)
        .where(eq(operators.id, id))
        .limit(1);
      return row ?? null;
    },

    /** Whether an active admin exists, other than `exceptId` when given. */
    async activeAdminExists(exceptId?: string): Promise<boolean> {
      const rows = await db
        .select({ id: operators.id })
        .from(operators)
        .where(
          and(
            eq(operators.role, 'admin'),
            isNull(operators.disabledAt),
            exceptId === undefined ? undefined : ne(operators.id, exceptId),
          ),
        )
        .limit(1);
      return rows.length > 0;
    },

    async setRole(id: string, role: OperatorRecordRole): Promise<void> {
      await db.update(operators).set({ role }).where(eq(operators.id, id));
    },

    /** Disables the account (offline, no presence) and drops every token, in one transaction. */
    async disable(id: string, at: Date): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .update(operators)
          .set({ disabledAt: at, availability: 'offline', presentUntil: null })
          .where(and(eq(operators.id, id), isNull(operators.disabledAt)));
        await tx.delete(operatorTokens).where(eq(operatorTokens.operatorId, id));
      });
    },

    /** A new password hash and every token dropped, in one transaction. */
    async setPasswordHash(id: string, passwordHash: string): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.update(operators).set({ passwordHash }).where(eq(operators.id, id));
        await tx.delete(operatorTokens).where(eq(operatorTokens.operatorId, id));
      });
    },

    async insertToken(values: {
      tokenHash: string;
      operatorId: string;
      createdAt: Date;
      expiresAt: Date;
    }): Promise<void> {
      await db.insert(operatorTokens).values(values);
    },

    async deleteExpiredTokens(operatorId: string, now: Date): Promise<void> {
      await db
        .delete(operatorTokens)
        .where(and(eq(operatorTokens.operatorId, operatorId), lt(operatorTokens.expiresAt, now)));
    },

    /** The active operator holding an unexpired token with this hash. */
    async activeByToken(tokenHash: string, now: Date): Promise<OperatorRecord | null> {
      const [row] = await db
        .select({ operator: operators })
        .from(operatorTokens)
        .innerJoin(operators, eq(operators.id, operatorTokens.operatorId))
        .where(
          and(
            eq(operatorTokens.tokenHash, tokenHash),
            gt(operatorTokens.expiresAt, now),
            isNull(operators.disabledAt),
          ),
        )
        .limit(1);
      return row?.operator ?? null;
    },

    async deleteToken(tokenHash: string): Promise<void> {
      await db.delete(operatorTokens).where(eq(operatorTokens.tokenHash, tokenHash));
    },
  };
}

export type OperatorsRepository = ReturnType<typeof createOperatorsRepository>;
