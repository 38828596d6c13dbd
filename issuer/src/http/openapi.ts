/**
 * The service's OpenAPI 3.1 description, written by hand and kept true by a
 * test comparing its paths and methods with the routes express registers.
 *
 * @example
 * Object.keys(openApiDocument.paths) // ['/credentials/issue', '/credentials/status', …]
 */
const problem = {
  description: 'RFC 9457 problem',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

const relayId = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{32}$' } };

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'VNeID issuer',
    version: '0.1.0',
    description:
      'Issues VNeID citizen credentials (W3C VC Data Model 2.0, Data Integrity proofs) for ministries, in the style of the W3C VC API. ' +
      'Errors are RFC 9457 problem documents with a stable `code`.',
  },
  components: {
    securitySchemes: {
      apiKey: { type: 'http', scheme: 'bearer', description: 'One API key per ministry.' },
      adminToken: {
        type: 'http',
        scheme: 'bearer',
        description: 'The admin token (its SHA-256 is VNEID_ADMIN_TOKEN_SHA256); never a ministry API key.',
      },
    },
    schemas: {
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'detail', 'code'],
        properties: {
          type: { type: 'string', format: 'uri' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          code: { type: 'string', description: 'Stable VNeID error code, e.g. SCHEMA_VALIDATION_ERROR' },
          pointer: {
            type: 'string',
            description: 'JSON pointer of the refused part of the request, when there is one',
          },
          field: { type: 'string', description: 'Name of the refused field, when there is one' },
          violations: {
            type: 'array',
            items: {
              type: 'object',
              properties: { pointer: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
      BatchStatus: {
        type: 'object',
        required: ['id', 'total', 'completed', 'issued', 'refused', 'state', 'createdAt', 'finishedAt'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          total: { type: 'integer' },
          completed: { type: 'integer', description: 'Items with a result (issued + refused).' },
          issued: { type: 'integer' },
          refused: { type: 'integer' },
          state: { type: 'string', enum: ['pending', 'finished'] },
          createdAt: { type: 'string', format: 'date-time' },
          finishedAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
      ApiKey: {
        type: 'object',
        description: 'An API key as listed: never the key or its hash.',
        properties: {
          id: { type: 'string', description: 'First 16 hex digits of the SHA-256, as in the access log.' },
          ministry: { type: 'string' },
          createdAt: { type: ['string', 'null'], format: 'date-time' },
          revokedAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
      IssueRequest: {
        type: 'object',
        required: ['credential'],
        properties: {
          credential: {
            type: 'object',
            required: ['type', 'credentialSubject'],
            description:
              'type lists VerifiableCredential and one registered document type (or, for ministries allowed to, any VCDM 2.0/1.1 credential). ' +
              'For document types, issuer, proof, credentialStatus, credentialSchema and id are set by the service and refused here (FORBIDDEN_FIELD). ' +
              'validFrom may lie at most VNEID_MAX_BACKDATING_SECONDS in the past and must precede validUntil (VALIDITY_PERIOD_INVALID).',
            properties: {
              '@context': { type: 'array', items: { type: 'string' } },
              type: { type: 'array', items: { type: 'string' } },
              credentialSubject: {
                type: 'object',
                description:
                  'Claims; its id (a did:key) is the holder. General credentials may send an array of subjects.',
              },
              validFrom: { type: 'string', format: 'date-time' },
              validUntil: { type: 'string', format: 'date-time' },
            },
          },
          options: {
            type: 'object',
            properties: {
              ministry: { type: 'string', description: "Must be the API key's ministry when given." },
              suite: {
                type: 'string',
                enum: ['ecdsa-sd-2023', 'eddsa-rdfc-2022', 'ecdsa-rdfc-2019', 'eddsa-jcs-2022'],
                default: 'ecdsa-sd-2023',
              },
              keyType: {
                type: 'string',
                enum: ['P-256', 'P-384', 'Ed25519'],
                description: 'ecdsa-rdfc-2019 signs with P-256 (default) or P-384; another pairing is INVALID_KEY.',
              },
              credentialStatus: {
                type: 'object',
                properties: { type: { type: 'string', enum: ['BitstringStatusListEntry'] } },
                description:
                  'General credentials: the issuer allocates revocation and suspension entries, revocable through /credentials/status.',
              },
              mandatoryPointers: {
                type: 'array',
                items: { type: 'string' },
                description:
                  'General credentials with ecdsa-sd-2023 only; a pointer that matches nothing is MANDATORY_POINTER_INVALID.',
              },
            },
          },
        },
      },
      StatusRequest: {
        type: 'object',
        required: ['credentialId', 'action'],
        properties: {
          credentialId: { type: 'string' },
          action: { type: 'string', enum: ['revoke', 'suspend', 'reinstate'] },
          reason: {
            type: 'string',
            maxLength: 200,
            description: 'Administrative note kept in the audit log; no personal data.',
          },
        },
      },
    },
  },
  paths: {
    '/credentials/issue': {
      post: {
        summary: 'Issue a credential',
        security: [{ apiKey: [] }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/IssueRequest' } } },
        },
        responses: {
          '201': {
            description: 'Issued',
            content: {
              'application/json': {
                schema: { type: 'object', properties: { verifiableCredential: { type: 'object' } } },
              },
            },
          },
          '400': problem,
          '401': problem,
          '403': problem,
          '413': problem,
          '415': problem,
          '422': problem,
          '429': problem,
        },
      },
    },
    '/credentials/status': {
      post: {
        summary: 'Revoke, suspend or reinstate a credential',
        security: [{ apiKey: [] }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/StatusRequest' } } },
        },
        responses: {
          '200': {
            description: 'New state',
            content: {
              'application/json': {
                schema: { type: 'object', properties: { credentialId: { type: 'string' }, state: { type: 'string' } } },
              },
            },
          },
          '400': problem,
          '401': problem,
          '403': problem,
          '404': problem,
          '409': problem,
          '415': problem,
          '429': problem,
        },
      },
    },
    '/credentials/batches': {
      post: {
        summary:
          'Submit an asynchronous batch: a JSON array or JSON lines of issue requests (each as for /credentials/issue, plus an optional idempotencyKey), checked like single requests item by item; 429 while the ministry has 4 unfinished batches',
        security: [{ apiKey: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/IssueRequest' } } },
            'application/jsonl': { schema: { $ref: '#/components/schemas/IssueRequest' } },
          },
        },
        responses: {
          '202': {
            description: 'Accepted and stored (Location: the batch)',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/BatchStatus' } } },
          },
          '400': problem,
          '401': problem,
          '413': problem,
          '415': problem,
          '429': problem,
        },
      },
    },
    '/credentials/batches/{id}': {
      get: {
        summary: "A batch's progress",
        security: [{ apiKey: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': {
            description: 'Progress',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/BatchStatus' } } },
          },
          '401': problem,
          '404': problem,
        },
      },
    },
    '/credentials/batches/{id}/results': {
      get: {
        summary:
          "A batch's results so far: per item { index, status: issued, verifiableCredential } or { index, status: refused, problem: { code, detail, violations? } }",
        security: [{ apiKey: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'BatchStatus with results', content: { 'application/json': {} } },
          '401': problem,
          '404': problem,
        },
      },
    },
    '/admin/api-keys': {
      get: {
        summary: 'List API keys (ids, ministries, creation and revocation times; never keys or hashes)',
        security: [{ adminToken: [] }],
        responses: {
          '200': {
            description: '{ apiKeys }',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { apiKeys: { type: 'array', items: { $ref: '#/components/schemas/ApiKey' } } },
                },
              },
            },
          },
          '401': problem,
          '429': problem,
        },
      },
      post: {
        summary: 'Create an API key for { ministry }: the key is in this answer only',
        security: [{ adminToken: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', required: ['ministry'], properties: { ministry: { type: 'string' } } },
            },
          },
        },
        responses: {
          '201': { description: '{ id, ministry, createdAt, apiKey }' },
          '400': problem,
          '401': problem,
          '429': problem,
          '404': problem,
        },
      },
    },
    '/admin/api-keys/{id}/revoke': {
      post: {
        summary: 'Revoke an API key: refused (401) from the next request',
        security: [{ adminToken: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'The revoked key (ApiKey)' },
          '400': problem,
          '401': problem,
          '429': problem,
          '404': problem,
        },
      },
    },
    '/admin/api-keys/{id}/rotate': {
      post: {
        summary: 'A new key for the same ministry; the old one is revoked once the new one is stored',
        security: [{ adminToken: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '201': { description: '{ id, ministry, createdAt, apiKey, replaces }' },
          '401': problem,
          '429': problem,
          '404': problem,
          '409': problem,
        },
      },
    },
    '/admin/ministries': {
      post: {
        summary: 'Add a ministry { slug, name: { vi, en }, role, allowGeneralCredentials? }',
        security: [{ adminToken: [] }],
        responses: {
          '201': { description: 'The ministry' },
          '400': problem,
          '401': problem,
          '429': problem,
          '409': problem,
        },
      },
    },
    '/admin/ministries/{slug}/keys/rotate': {
      post: {
        summary:
          "Rotate a ministry's signing key { keyType: P-256 | Ed25519, activateAt?: ISO date-time }: published at once, signing from activateAt (default now; KEY_ACTIVATION_INVALID if past)",
        security: [{ adminToken: [] }],
        parameters: [{ name: 'slug', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '201': { description: 'The new key' },
          '400': problem,
          '401': problem,
          '429': problem,
          '404': problem,
          '422': problem,
        },
      },
    },
    '/admin/credentials/{id}': {
      get: {
        summary: 'The issuance record of a credential (no personal data)',
        security: [{ adminToken: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'The record' }, '401': problem, '429': problem, '404': problem },
      },
    },
    '/admin/audit/check': {
      post: {
        summary: 'Re-verify the audit chain, optionally against an exported { anchor: { seq, hash } }',
        security: [{ adminToken: [] }],
        responses: {
          '200': { description: '{ valid, entries, brokenAt? }' },
          '400': problem,
          '401': problem,
          '429': problem,
        },
      },
    },
    '/status-lists/': {
      get: {
        summary:
          'The index of every published status list: { type: StatusListIndex, issuers: { <did>: { <name>: <validFrom> } } }',
        responses: {
          '200': { description: 'The index (ETag; gzip when accepted)', content: { 'application/json': {} } },
          '304': { description: 'Not modified (If-None-Match)' },
        },
      },
    },
    '/status-lists/{id}': {
      get: {
        summary: 'A signed BitstringStatusListCredential',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': {
            description: 'The list (ETag, Cache-Control; gzip when accepted)',
            content: { 'application/vc+ld+json': {} },
          },
          '304': { description: 'Not modified (If-None-Match)' },
          '404': problem,
        },
      },
    },
    '/{ministry}/did.json': {
      get: {
        summary: "A ministry's did:web document",
        parameters: [{ name: 'ministry', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'DID document', content: { 'application/did+json': {} } }, '404': problem },
      },
    },
    '/health': {
      get: { summary: 'Liveness', responses: { '200': { description: 'ok' } } },
    },
    '/ready': {
      get: {
        summary: 'Readiness: the store answers and every ministry has a signing key',
        responses: { '200': { description: 'ready' }, '503': { description: 'not ready, with the failed check' } },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics (a Bearer metrics token, or loopback clients only)',
        responses: { '200': { description: 'Prometheus text format' }, '401': { description: 'bad token' } },
      },
    },
    '/openapi.json': {
      get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
    },
    '/verify/oid4vp/sessions': {
      post: {
        summary:
          'Web verifier relay: open a session for an OpenID4VP request the page makes (no body). The relay only ' +
          'stores, for ttl seconds, the request the page signed and the answer the wallet posts; the page verifies.',
        responses: {
          '201': {
            description: 'The session id and the read token only the page holds',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['id', 'readToken', 'expiresAt'],
                  properties: {
                    id: { type: 'string' },
                    readToken: { type: 'string' },
                    expiresAt: { type: 'string', format: 'date-time' },
                  },
                },
              },
            },
          },
          '429': problem,
        },
      },
    },
    '/verify/oid4vp/sessions/{id}/request': {
      put: {
        summary: 'Web verifier relay: the page deposits its signed request object (Bearer readToken), once',
        parameters: [relayId],
        requestBody: { required: true, content: { 'application/oauth-authz-req+jwt': {} } },
        responses: { '204': { description: 'stored' }, '400': problem, '404': problem, '409': problem, '413': problem },
      },
    },
    '/verify/oid4vp/requests/{id}': {
      get: {
        summary: "Web verifier relay: the page's signed request object, for the wallet (request_uri)",
        parameters: [relayId],
        responses: {
          '200': { description: 'The request object', content: { 'application/oauth-authz-req+jwt': {} } },
          '404': problem,
          '409': problem,
        },
      },
    },
    '/verify/oid4vp/responses/{id}': {
      post: {
        summary:
          "Web verifier relay: the wallet's direct_post answer (response_uri), kept once until the page reads it",
        parameters: [relayId],
        requestBody: { required: true, content: { 'application/x-www-form-urlencoded': {} } },
        responses: {
          '200': { description: 'received (the page, not the relay, verifies it)' },
          '400': problem,
          '404': problem,
          '409': problem,
          '413': problem,
          '429': problem,
        },
      },
    },
    '/verify/oid4vp/sessions/{id}/response': {
      get: {
        summary: "Web verifier relay: the wallet's answer for the page (Bearer readToken); the session is gone after",
        parameters: [relayId],
        responses: {
          '200': {
            description: 'The form-encoded answer as posted',
            content: {
              'application/json': {
                schema: { type: 'object', required: ['response'], properties: { response: { type: 'string' } } },
              },
            },
          },
          '204': { description: 'no answer yet' },
          '404': problem,
        },
      },
    },
    '/verify/oid4vp/sessions/{id}': {
      delete: {
        summary: 'Web verifier relay: the page gives up waiting (Bearer readToken)',
        parameters: [relayId],
        responses: { '204': { description: 'forgotten' }, '404': problem },
      },
    },
  },
} as const;
