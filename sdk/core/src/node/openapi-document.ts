/**
 * OpenAPI 3.1 documents for the services' HTTP APIs, built from the zod schemas their routes validate
 * with. OpenAPI 3.1 uses JSON Schema 2020-12, which zod 4 writes natively (`z.toJSONSchema`), so no
 * generator library stands between a route's schema and its document.
 */
import { z } from "zod";

/** HTTP methods an operation can have; `ALL` documents a route that answers every method. */
export type ApiMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "ALL";

/** Who may call a route. */
export type ApiAccess = "public" | "session" | "admin" | "bearer" | "install";

/** One route of a service's API, as its document lists it. */
export interface ApiRoute {
  method: ApiMethod;
  /** The path as the service routes it (Hono syntax: `/api/hosts/:id`, `/:scope{@[^/]+}/:name`, `/x/*`). */
  path: string;
  summary: string;
  access: ApiAccess;
  /** The schema the route validates its JSON body with. */
  body?: z.ZodType;
  /** A body that is not JSON (a tarball upload, a form), by media type. */
  rawBody?: string;
  /** Error codes the route may answer, beyond the ones every route of its access level has. */
  errors?: readonly string[];
  tags?: readonly string[];
}

/** An OpenAPI 3.1 document (only the parts these documents use are typed). */
export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  tags?: string[];
  parameters?: { name: string; in: "path"; required: true; schema: { type: "string" } }[];
  requestBody?: { required: true; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
  security?: Record<string, string[]>[];
  "x-error-codes"?: string[];
}

export type JsonSchema = { [key: string]: unknown };

/** The JSON Schema of the one error wire shape, `{error, message, requestId}`. */
export const ERROR_BODY_SCHEMA: JsonSchema = {
  type: "object",
  required: ["error", "message", "requestId"],
  properties: {
    error: { type: "string", description: "The stable error code to branch on." },
    message: { type: "string", description: "What happened, for people." },
    requestId: { type: "string", description: "The id the request was logged under; also the X-Request-Id header." },
    details: { type: "array", items: { type: "string" } },
  },
  additionalProperties: true,
};

/**
 * The OpenAPI path of a Hono route path: `:id` becomes `{id}`, a parameter's regex is dropped
 * (`:scope{@[^/]+}` is `{scope}`), and a trailing `*` becomes `{path}`.
 *
 * @example
 * ```ts
 * openApiPath("/api/plugins/:id/*"); // "/api/plugins/{id}/{path}"
 * ```
 */
export function openApiPath(honoPath: string): string {
  // A parameter's regex may hold slashes and one level of braces (`{@[^/]+}`, `{[0-9]{2}}`): replaced before splitting.
  return honoPath
    .replace(/:([A-Za-z0-9_]+)(\{(?:[^{}]|\{[^{}]*\})*\})?\??/g, "{$1}")
    .split("/")
    .map((segment) => (segment === "*" ? "{path}" : segment))
    .join("/");
}

const METHODS: Record<Exclude<ApiMethod, "ALL">, string> = { GET: "get", POST: "post", PUT: "put", PATCH: "patch", DELETE: "delete" };

/** A route as Hono's `inspectRoutes` lists it (`hono/dev`), without depending on Hono here. */
export interface InspectedRoute {
  method: string;
  path: string;
  isMiddleware: boolean;
}

/**
 * Compares what a service mounts with what its document lists, as `method path` operations in OpenAPI
 * form: the routes missing from the document and the documented ones nothing answers. A service's test
 * expects both empty, so a route cannot be added without its entry.
 *
 * @example
 * ```ts
 * const { undocumented, unmounted } = apiCoverage(inspectRoutes(app), doc);
 * ```
 */
export function apiCoverage(routes: readonly InspectedRoute[], doc: OpenApiDocument): { mounted: Set<string>; undocumented: string[]; unmounted: string[] } {
  const mounted = new Set<string>();
  for (const r of routes) {
    if (r.isMiddleware) continue;
    const path = openApiPath(r.path);
    for (const method of r.method === "ALL" ? Object.values(METHODS) : [r.method.toLowerCase()]) mounted.add(`${method} ${path}`);
  }
  const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
  return { mounted, undocumented: [...mounted].filter((r) => !documented.has(r)), unmounted: [...documented].filter((r) => !mounted.has(r)) };
}

function operationId(method: string, path: string): string {
  const words = path
    .replace(/[{}]/g, "")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]?.toUpperCase() + w.slice(1))].join("");
}

/**
 * A zod schema as a component: its JSON Schema (request shape, before transforms), with its own
 * definitions (a recursive `z.json()`) hoisted beside it so references resolve inside the document.
 */
function component(name: string, schema: z.ZodType, schemas: Record<string, JsonSchema>): JsonSchema {
  const {
    $schema: _drop,
    $defs,
    ...json
  } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  const rename = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rename);
    if (typeof value !== "object" || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === "$ref" && typeof v === "string"
          ? v.replace(/^#\/\$defs\//, `#/components/schemas/${name}.`).replace(/^#$/, `#/components/schemas/${name}`)
          : rename(v),
      ]),
    );
  };
  for (const [def, body] of Object.entries($defs ?? {})) schemas[`${name}.${def}`] = rename(body) as JsonSchema;
  schemas[name] = rename(json) as JsonSchema;
  return { $ref: `#/components/schemas/${name}` };
}

const ACCESS_ERRORS: Record<ApiAccess, readonly string[]> = { public: [], session: ["401"], admin: ["401", "403"], bearer: ["401"], install: ["401"] };

/**
 * Builds an OpenAPI 3.1 document of `routes`. Every operation answers errors in the one wire shape;
 * `x-error-codes` lists the codes a route documents beyond its access level's.
 *
 * @example
 * ```ts
 * app.get("/v1/openapi.json", (c) => c.json(openApiDocument({ title: "Registry", version: "1.1.0" }, ROUTES)));
 * ```
 */
export function openApiDocument(info: OpenApiDocument["info"], routes: readonly ApiRoute[]): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = { ErrorBody: ERROR_BODY_SCHEMA };
  const paths: OpenApiDocument["paths"] = {};
  const error = {
    description: "An error in the wire shape {error, message, requestId}.",
    content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } },
  };
  for (const route of routes) {
    const path = openApiPath(route.path);
    const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
      name: m[1] ?? "",
      in: "path" as const,
      required: true as const,
      schema: { type: "string" as const },
    }));
    const methods = route.method === "ALL" ? Object.keys(METHODS) : [route.method];
    for (const method of methods) {
      const id = operationId(method, path);
      const op: OpenApiOperation = {
        operationId: id,
        summary: route.summary,
        ...(route.tags && { tags: [...route.tags] }),
        ...(params.length > 0 && { parameters: params }),
        responses: { "2XX": { description: "Success." }, default: error },
        ...(route.access !== "public" && { security: [{ [route.access]: [] }] }),
        ...(route.errors && route.errors.length > 0 && { "x-error-codes": [...route.errors] }),
      };
      for (const status of ACCESS_ERRORS[route.access]) op.responses[status] = error;
      if (route.body) op.requestBody = { required: true, content: { "application/json": { schema: component(`${id}Body`, route.body, schemas) } } };
      else if (route.rawBody) op.requestBody = { required: true, content: { [route.rawBody]: { schema: {} } } };
      paths[path] ??= {};
      (paths[path] as Record<string, OpenApiOperation>)[METHODS[method as keyof typeof METHODS]] = op;
    }
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      schemas,
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "archnest_session", description: "The session cookie; changes also send the x-archnest-csrf header." },
        admin: { type: "apiKey", in: "cookie", name: "archnest_session", description: "The session cookie of an admin." },
        bearer: { type: "http", scheme: "bearer", description: "An author or admin token." },
        install: { type: "apiKey", in: "header", name: "x-archnest-signature", description: "A request signed with the install key (signInstallRequest)." },
      },
    },
  };
}
