//! The AWS endpoint, as a short pipeline: read the body (bounded) → detect service and
//! operation → request context (id, account, region) → dispatch under the world lock (panics
//! caught) → render in the protocol's shape → one log line.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use cutover_api::Operation;
use cutover_core::PartitionKey;
use cutover_wire::detect::{detect, Protocol, Service};
use cutover_wire::xml::ELBV2_NS;
use cutover_wire::{AwsError, RequestContext};

use crate::state::AppState;

const JSON_CT: &str = "application/x-amz-json-1.1";
const XML_CT: &str = "text/xml";

fn render(protocol: Protocol, request_id: &str, result: Result<Vec<u8>, AwsError>) -> Response {
    let (status, body, error_type) = match result {
        Ok(body) => (StatusCode::OK, body, None),
        Err(e) => {
            let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
            let body = match protocol {
                Protocol::Json => e.to_json_body(),
                Protocol::Query => e.to_xml_body(ELBV2_NS, request_id).into_bytes(),
            };
            (status, body, Some(e.code))
        }
    };
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        "content-type",
        HeaderValue::from_static(match protocol {
            Protocol::Json => JSON_CT,
            Protocol::Query => XML_CT,
        }),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-amzn-requestid", v);
    }
    if let (Protocol::Json, Some(code)) = (protocol, error_type) {
        if let Ok(v) = HeaderValue::from_str(&code) {
            h.insert("x-amzn-errortype", v);
        }
    }
    resp
}

/// Guesses the protocol of a request that could not be read, to answer in a shape its client
/// understands.
fn protocol_hint(headers: &HeaderMap) -> Protocol {
    if headers.contains_key("x-amz-target") {
        Protocol::Json
    } else {
        Protocol::Query
    }
}

pub async fn handle(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let cfg = state.config();
    let ctx = RequestContext::from_headers(&headers, &cfg.account_id, &cfg.region);

    let bytes = match axum::body::to_bytes(body, cfg.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => {
            let protocol = protocol_hint(&headers);
            let code = match protocol {
                Protocol::Json => "SerializationException",
                Protocol::Query => "ValidationError",
            };
            let e = AwsError::too_large(code, cfg.max_body_bytes);
            return finish(started, &ctx, None, "-", protocol, Err(e));
        }
    };

    let detected = match detect(&method, &headers, uri.query(), &bytes) {
        Ok(d) => d,
        Err(rej) => return finish(started, &ctx, None, "-", rej.protocol, Err(rej.error)),
    };
    let protocol = detected.service.protocol();
    let op = match Operation::resolve(detected.service, &detected.operation) {
        Ok(op) => op,
        Err(e) => {
            return finish(
                started,
                &ctx,
                Some(detected.service),
                &detected.operation,
                protocol,
                Err(e),
            )
        }
    };

    let pk = PartitionKey::new(ctx.account.as_str(), ctx.region.as_str());
    let inject_panic = cfg.panic_on_operation.as_deref() == Some(op.name());
    let result = state.with_world(|world| {
        let mut scope = world.scope(&pk);
        catch_unwind(AssertUnwindSafe(|| {
            if inject_panic {
                panic!("injected panic in {} (--panic-on-operation)", op.name());
            }
            op.call(
                &mut scope,
                &bytes,
                detected.params.as_ref(),
                &ctx.request_id,
            )
        }))
    });
    let result = result.unwrap_or_else(|_| {
        tracing::error!(
            service = op.service().name(),
            operation = op.name(),
            request_id = %ctx.request_id,
            "handler panicked; answered with a server fault"
        );
        Err(AwsError::internal(op.service().fault_code()))
    });
    finish(
        started,
        &ctx,
        Some(op.service()),
        op.name(),
        protocol,
        result,
    )
}

fn finish(
    started: Instant,
    ctx: &RequestContext,
    service: Option<Service>,
    operation: &str,
    protocol: Protocol,
    result: Result<Vec<u8>, AwsError>,
) -> Response {
    let error_code = result.as_ref().err().map(|e| e.code.to_string());
    let resp = render(protocol, &ctx.request_id, result);
    tracing::info!(
        service = service.map_or("-", Service::name),
        operation,
        status = resp.status().as_u16(),
        error = error_code.as_deref().unwrap_or(""),
        request_id = %ctx.request_id,
        account = %ctx.account,
        region = %ctx.region,
        duration_us = started.elapsed().as_micros() as u64,
        "api call"
    );
    resp
}
