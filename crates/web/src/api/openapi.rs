//! The parts of the OpenAPI document that every operation shares: the error answers the
//! context middleware and axum's extractors can give to any request, so that each handler
//! documents only what is its own (its success and its domain conflicts) and the document
//! still lists every status a client can meet.

use utoipa::openapi::Required;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr};

/// A shared error answer: its status, the name under `components/responses`, what it means
/// and the codes its body can carry.
struct Shared {
    status: &'static str,
    name: &'static str,
    description: &'static str,
}

const BAD_REQUEST: Shared = Shared {
    status: "400",
    name: "BadRequest",
    description: "The request does not parse: a path or query value of the wrong type or out of its bounds (an id past 2^63, a page past its maximum), malformed JSON, or a body of the wrong content type. Code `bad_request`.",
};
const UNAUTHORIZED: Shared = Shared {
    status: "401",
    name: "Unauthorized",
    description: "No valid session or token: sign in, or send `Authorization: Bearer gj_…`. Code `unauthorized`.",
};
const FORBIDDEN: Shared = Shared {
    status: "403",
    name: "Forbidden",
    description: "The caller may not do this (code `forbidden`); a signed-in browser session sent a change without its `X-CSRF-Token` (code `csrf_failed`); the API token's scope does not cover the request (code `token_out_of_scope`: read-only tokens cannot write, module tokens reach only their modules); or the user must first change the password they were given (code `password_change_required`).",
};
const NOT_FOUND: Shared = Shared {
    status: "404",
    name: "NotFound",
    description: "No such record: the one in the path, or one the request names (a unit to filter by, a bank to draw from). Code `not_found`.",
};
const TOO_LARGE: Shared = Shared {
    status: "413",
    name: "TooLarge",
    description: "The body is larger than the server accepts. Code `body_too_large`.",
};
const INVALID: Shared = Shared {
    status: "422",
    name: "Invalid",
    description: "The input parses but breaks a rule: `validation_failed` with each field's problem in `fields`, or `import_rejected` with each bad row and column.",
};
const KEY_IN_USE: Shared = Shared {
    status: "409",
    name: "KeyInUse",
    description: "The first request sent with this `Idempotency-Key` is still running: retry in a moment. Code `idempotency_key_in_use`.",
};
const TOO_MANY: Shared = Shared {
    status: "429",
    name: "TooManyRequests",
    description: "Over the caller's requests a minute (`RateLimit-*` headers on every answer say where it stands); `Retry-After` says when to try again. Code `rate_limited`.",
};
const UNAVAILABLE: Shared = Shared {
    status: "503",
    name: "Unavailable",
    description: "The database does not answer (code `database_unavailable`) or has no room left for a write (code `storage_full`): nothing was changed; retry after `Retry-After` seconds.",
};

const ALL: [&Shared; 9] = [
    &BAD_REQUEST,
    &UNAUTHORIZED,
    &FORBIDDEN,
    &NOT_FOUND,
    &TOO_LARGE,
    &INVALID,
    &TOO_MANY,
    &KEY_IN_USE,
    &UNAVAILABLE,
];

/// Paths anyone may call without a token: they never answer 401 or 403.
pub(crate) fn is_public(path: &str) -> bool {
    path.starts_with("/api/v1/public/") || path == "/api/v1/search"
}

/// Adds the shared error answers to `components/responses` and to every operation that can
/// give them (an operation's own description of a status wins).
pub fn add_shared_responses(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    for shared in ALL {
        let response = ResponseBuilder::new()
            .description(shared.description)
            .content(
                "application/json",
                Content::new(Some(Ref::from_schema_name("ApiError"))),
            )
            .build();
        components
            .responses
            .insert(shared.name.to_owned(), RefOr::T(response));
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let public = is_public(path);
        let operations = [
            (&mut item.get, false),
            (&mut item.put, true),
            (&mut item.post, true),
            (&mut item.delete, true),
            (&mut item.patch, true),
        ];
        for (operation, changes) in operations {
            if let Some(operation) = operation.as_mut() {
                add_to(operation, public, changes);
            }
        }
        if let Some(post) = item.post.as_mut()
            && post.responses.responses.contains_key("201")
        {
            add_idempotency_key(post);
        }
    }
}

fn add_to(operation: &mut Operation, public: bool, changes: bool) {
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has_path = parameters.iter().any(|p| match p {
        RefOr::T(p) => p.parameter_in == ParameterIn::Path,
        RefOr::Ref(_) => false,
    });
    let has_query = parameters.iter().any(|p| match p {
        RefOr::T(p) => p.parameter_in == ParameterIn::Query,
        RefOr::Ref(_) => false,
    });
    let has_body = operation.request_body.is_some();
    let mut wanted = vec![&BAD_REQUEST, &TOO_MANY, &UNAVAILABLE];
    if !public {
        wanted.extend([&UNAUTHORIZED, &FORBIDDEN]);
    }
    if has_path || has_query || has_body || changes {
        wanted.push(&NOT_FOUND);
    }
    if has_body || changes {
        wanted.push(&TOO_LARGE);
    }
    if has_body || changes || has_query {
        wanted.push(&INVALID);
    }
    for shared in wanted {
        operation
            .responses
            .responses
            .entry(shared.status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(shared.name)));
    }
}

/// A POST that creates takes an `Idempotency-Key` (see `api::idempotency`).
fn add_idempotency_key(operation: &mut Operation) {
    let schema = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(super::idempotency::MAX_KEY))
        .pattern(Some("^[!-~]+$"));
    let parameter = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Any unique string (a UUID): a retry with the same key and request gets the first answer again (`Idempotent-Replayed: true`) instead of a second record; the same key with another request is refused (422 `idempotency_key_reused`). Kept a day.",
        ))
        .schema(Some(schema))
        .build();
    operation
        .parameters
        .get_or_insert_with(Vec::new)
        .push(RefOr::T(parameter));
    operation
        .responses
        .responses
        .entry(KEY_IN_USE.status.to_owned())
        .or_insert_with(|| RefOr::Ref(Ref::from_response_name(KEY_IN_USE.name)));
}
