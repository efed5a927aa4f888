// A fake HubSpot CRM v3 API, exactly the endpoints the CRM adapter calls: contacts search (filterGroups
// ORed, filters ANDed, EQ), create (201; 409 CONFLICT "Contact already exists. Existing ID: …" on a taken
// e-mail), update (PATCH, 404 when unknown), notes create (hs_timestamp required, associations to
// contacts with type 202) and notes search by `associations.contact`. Private-app Bearer auth (401
// INVALID_AUTHENTICATION), error bodies as HubSpot sends them, faults (429 + Retry-After, 5xx, slow, reset)
// and a search index that can lag behind creates, as HubSpot's does.
import { randomUUID } from 'node:crypto';
import {
  type FakeServer,
  FaultPlan,
  type RecordedRequest,
  type Reply,
  startFakeServer,
  withFault,
} from '../handoff/support/fake-http.ts';

export interface HubSpotObject {
  id: string;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  /** Search sees it from this time on (the index lag). */
  indexedAt: number;
}
export interface HubSpotNote extends HubSpotObject {
  contactIds: string[];
}

export interface HubSpotFake extends FakeServer {
  accessToken: string;
  contacts: HubSpotObject[];
  notes: HubSpotNote[];
  /** Faults for the calls the adapter makes; consumed one per request. */
  faults: FaultPlan;
  /** Faults for writes only (contact create/update, note create): searches go through. */
  writeFaults: FaultPlan;
  /** How long a created contact or note stays invisible to search (HubSpot: a few seconds). */
  searchIndexDelayMs: number;
  notesOf(contactId: string): HubSpotNote[];
}

const error = (status: number, category: string, message: string, extra: object = {}): Reply => ({
  status,
  body: { status: 'error', message, correlationId: randomUUID(), category, ...extra },
});

interface Filter {
  propertyName?: unknown;
  operator?: unknown;
  value?: unknown;
}

export async function startHubSpotFake(): Promise<HubSpotFake> {
  const accessToken = 'pat-eu1-11111111-2222-3333-4444-555555555555';
  const contacts: HubSpotObject[] = [];
  const notes: HubSpotNote[] = [];
  let nextId = 51_000;
  const state = { searchIndexDelayMs: 0 };
  const unavailable = () =>
    ({
      kind: 'status',
      status: 503,
      body: { status: 'error', message: 'Service Unavailable', category: 'SERVICE_UNAVAILABLE' },
    }) as const;
  const faults = new FaultPlan(unavailable);
  const writeFaults = new FaultPlan(unavailable);
  const writeFault = () => faults.next() ?? writeFaults.next();

  const view = (o: HubSpotObject) => ({
    id: o.id,
    properties: { ...o.properties, hs_object_id: o.id } as Record<string, string>,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    archived: false,
  });

  /** filterGroups: groups ORed, filters in a group ANDed; only EQ (what the adapter uses). */
  function matches(
    o: HubSpotObject,
    groups: Array<{ filters?: Filter[] }>,
    related: (name: string, value: string) => boolean,
  ): boolean | string {
    if (groups.length === 0) return true;
    for (const group of groups) {
      for (const f of group.filters ?? []) {
        if (f.operator !== 'EQ') return `unsupported operator ${String(f.operator)} in this fake`;
        if (typeof f.propertyName !== 'string' || typeof f.value !== 'string')
          return 'filter needs propertyName and value';
      }
    }
    return groups.some((group) =>
      (group.filters ?? []).every((f) => {
        const name = String(f.propertyName);
        const value = String(f.value);
        if (name.startsWith('associations.')) return related(name.slice('associations.'.length), value);
        // HubSpot compares e-mail case-insensitively.
        const have = o.properties[name];
        return name === 'email' ? have?.toLowerCase() === value.toLowerCase() : have === value;
      }),
    );
  }

  function search(
    req: RecordedRequest,
    pool: HubSpotObject[],
    related: (o: HubSpotObject) => (n: string, v: string) => boolean,
  ) {
    const body = (req.json ?? {}) as { filterGroups?: unknown; properties?: unknown; limit?: unknown };
    const groups = Array.isArray(body.filterGroups)
      ? (body.filterGroups as Array<{ filters?: Filter[] }>)
      : [];
    if (groups.length > 5) return error(400, 'VALIDATION_ERROR', 'at most 5 filterGroups');
    const now = Date.now();
    const found: HubSpotObject[] = [];
    for (const o of pool) {
      if (o.indexedAt > now) continue;
      const m = matches(o, groups, related(o));
      if (typeof m === 'string') return error(400, 'VALIDATION_ERROR', m);
      if (m) found.push(o);
    }
    const wanted = Array.isArray(body.properties) ? body.properties.map(String) : null;
    const limit = typeof body.limit === 'number' ? body.limit : 10;
    return {
      status: 200,
      body: {
        total: found.length,
        results: found.slice(0, limit).map((o) => {
          const v = view(o);
          return wanted
            ? {
                ...v,
                properties: Object.fromEntries(
                  [...wanted, 'hs_object_id', 'createdate', 'lastmodifieddate'].map((k) => [
                    k,
                    v.properties[k] ?? null,
                  ]),
                ),
              }
            : v;
        }),
      },
    };
  }

  function stamp(): Pick<HubSpotObject, 'id' | 'createdAt' | 'updatedAt' | 'indexedAt'> {
    const at = new Date().toISOString();
    return {
      id: String(++nextId),
      createdAt: at,
      updatedAt: at,
      indexedAt: Date.now() + state.searchIndexDelayMs,
    };
  }

  const stringProps = (raw: unknown): Record<string, string> | null => {
    if (!raw || typeof raw !== 'object') return null;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v;
    return out;
  };

  const server = await startFakeServer(async (req) => {
    if (req.headers.authorization !== `Bearer ${accessToken}`)
      return error(
        401,
        'INVALID_AUTHENTICATION',
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      );
    const body = (req.json ?? {}) as { properties?: unknown; associations?: unknown };
    if (req.method === 'POST' && req.path === '/crm/v3/objects/contacts/search')
      return withFault(faults.next(), () => search(req, contacts, () => () => false));
    if (req.method === 'POST' && req.path === '/crm/v3/objects/notes/search')
      return withFault(faults.next(), () =>
        search(
          req,
          notes,
          (o) => (name, value) => name === 'contact' && (o as HubSpotNote).contactIds.includes(value),
        ),
      );
    if (req.method === 'POST' && req.path === '/crm/v3/objects/contacts')
      return withFault(writeFault(), () => {
        const properties = stringProps(body.properties);
        if (!properties) return error(400, 'VALIDATION_ERROR', 'properties is required');
        const email = properties.email?.toLowerCase();
        const taken = email && contacts.find((c) => c.properties.email?.toLowerCase() === email);
        if (taken) return error(409, 'CONFLICT', `Contact already exists. Existing ID: ${taken.id}`);
        const contact: HubSpotObject = { ...stamp(), properties };
        contacts.push(contact);
        return { status: 201, body: view(contact) };
      });
    const update = req.path.match(/^\/crm\/v3\/objects\/contacts\/(\d+)$/);
    if (req.method === 'PATCH' && update)
      return withFault(writeFault(), () => {
        const contact = contacts.find((c) => c.id === update[1]);
        if (!contact) return error(404, 'OBJECT_NOT_FOUND', 'resource not found');
        const properties = stringProps(body.properties);
        if (!properties) return error(400, 'VALIDATION_ERROR', 'properties is required');
        const email = properties.email?.toLowerCase();
        const taken =
          email && contacts.find((c) => c.id !== contact.id && c.properties.email?.toLowerCase() === email);
        if (taken) return error(409, 'CONFLICT', `Contact already exists. Existing ID: ${taken.id}`);
        Object.assign(contact.properties, properties);
        contact.updatedAt = new Date().toISOString();
        return { status: 200, body: view(contact) };
      });
    if (req.method === 'POST' && req.path === '/crm/v3/objects/notes')
      return withFault(writeFault(), () => {
        const properties = stringProps(body.properties);
        if (!properties?.hs_timestamp)
          return error(400, 'VALIDATION_ERROR', 'Property values were not valid', {
            errors: [{ message: 'hs_timestamp is required', code: 'REQUIRED_FIELD' }],
          });
        const contactIds: string[] = [];
        for (const a of Array.isArray(body.associations) ? body.associations : []) {
          const to = (a as { to?: { id?: unknown } }).to?.id;
          const types = (
            a as { types?: Array<{ associationCategory?: unknown; associationTypeId?: unknown }> }
          ).types;
          const ok = types?.some(
            (t) => t.associationCategory === 'HUBSPOT_DEFINED' && t.associationTypeId === 202,
          );
          if (!ok) return error(400, 'VALIDATION_ERROR', 'unknown association type for note → contact');
          if (typeof to !== 'string' || !contacts.some((c) => c.id === to))
            return error(400, 'VALIDATION_ERROR', `contact ${String(to)} does not exist`);
          contactIds.push(to);
        }
        const note: HubSpotNote = { ...stamp(), properties, contactIds };
        notes.push(note);
        return { status: 201, body: view(note) };
      });
    return error(404, 'NOT_FOUND', `no route ${req.method} ${req.path} in the HubSpot fake`);
  });

  return {
    ...server,
    accessToken,
    contacts,
    notes,
    faults,
    writeFaults,
    get searchIndexDelayMs() {
      return state.searchIndexDelayMs;
    },
    set searchIndexDelayMs(ms: number) {
      state.searchIndexDelayMs = ms;
    },
    notesOf: (contactId) => notes.filter((n) => n.contactIds.includes(contactId)),
  };
}
